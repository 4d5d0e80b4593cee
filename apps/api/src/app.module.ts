import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { LedgerModule } from '@app/ledger';
import { APP_CONFIG, AppConfig } from './config';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AccessLogModule } from './audit/access-log.module';
import { redactNikFromRequest } from './workers/nik-redaction';
import { ClaimsModule } from './claims/claims.module';
import { ContributionsModule } from './contributions/contributions.module';
import { CoverageModule } from './coverage/coverage.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { FundingModule } from './funding/funding.module';
import { WorkersModule } from './workers/workers.module';
import { ImportsModule } from './imports/imports.module';
import { ConsistencyInterceptor } from './http/consistency.interceptor';
import { loggerParams } from './http/logging';
import { ProblemFilter } from './http/problem.filter';
import { OperationsModule } from './operations/operations.module';
import { ReportsModule } from './reports/reports.module';
import { WorklistsModule } from './worklists/worklists.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerParams(config.logLevel, redactNikFromRequest)),
        LedgerModule.forRoot(config),
        OperationsModule,
        FundingModule,
        ImportsModule,
        WorkersModule,
        ContributionsModule,
        ClaimsModule,
        WorklistsModule,
        CoverageModule,
        AuditModule,
        ReportsModule,
        AccessLogModule,
        AdminModule,
        DashboardModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: ConsistencyInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
