import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { Metrics, MetricsController, MetricsInterceptor } from './metrics';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController, MetricsController],
  providers: [Metrics, { provide: APP_INTERCEPTOR, useClass: MetricsInterceptor }],
})
export class OperationsModule {}
