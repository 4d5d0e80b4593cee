import { CallHandler, Controller, ExecutionContext, Get, Header, Injectable, NestInterceptor } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { Observable } from 'rxjs';
import { Public } from '../auth/decorators';
import { ProjectionService, SealerService } from '@app/ledger';

/** One registry per app instance, so tests can start several apps. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Histogram<'method' | 'route' | 'status'>;

  constructor(projections: ProjectionService, sealing: SealerService) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
    new Gauge({
      name: 'ledger_projection_lag_seconds',
      help: 'Age of the oldest ledger event not yet in the read models',
      registers: [this.registry],
      async collect() {
        this.set((await projections.lag()).lagSeconds);
      },
    });
    new Gauge({
      name: 'ledger_sealer_lag_seconds',
      help: 'Age of the oldest ledger event not yet sealed into the Merkle tree',
      registers: [this.registry],
      async collect() {
        this.set((await sealing.lag()).lagSeconds);
      },
    });
    new Gauge({
      name: 'ledger_sealed_tree_size',
      help: 'Events sealed into the Merkle tree',
      registers: [this.registry],
      async collect() {
        this.set(await sealing.sealer.treeSize());
      },
    });
  }
}

@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const end = this.metrics.requests.startTimer({
      method: req.method,
      route: (req.route as { path?: string } | undefined)?.path ?? 'unknown',
    });
    // The status is known only once the answer is sent (Nest sets 201, the problem filter sets 4xx).
    res.once('finish', () => end({ status: String(res.statusCode) }));
    return next.handle();
  }
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
