import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express } from 'express';
import { DASHBOARD_PATH, dashboardDir, serveDashboard } from './dashboard-static';
import { RegionsController } from './regions.controller';

/**
 * The web dashboard (apps/dashboard, built into static files) at `/dashboard`, and the region tree it
 * offers (`GET /api/v1/regions`). The files are mounted once the API's routes are, before Nest's 404.
 */
@Module({ controllers: [RegionsController] })
export class DashboardModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance<Express>();
    if (typeof instance?.use !== 'function') return;
    instance.use(DASHBOARD_PATH, serveDashboard(dashboardDir()));
  }
}
