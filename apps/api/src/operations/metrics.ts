import { CallHandler, Controller, ExecutionContext, Get, Header, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Observable } from 'rxjs';
import { Public } from '../auth/decorators';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { CommandSeam, IMPORT_JOB, JobRecord, JobService, ProjectionService, REBUILD_JOB, SealerService } from '@app/ledger';

/** Age in seconds of the oldest event after `checkpoint` (0 when none is left). */
export async function ageAfter(
  events: EventStore,
  checkpoint: string | undefined,
  head: string | undefined,
  now = Date.now(),
): Promise<number> {
  if (head === undefined || (checkpoint !== undefined && checkpoint >= head)) return 0;
  const [oldest] = await events.readAll({ after: checkpoint, maxCount: 1 });
  return oldest ? Math.max(0, (now - Date.parse(oldest.recordedAt)) / 1000) : 0;
}

/** One registry per app instance, so tests can start several apps. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  /** Latency per route template (`/api/v1/workers/:workerId`, never the raw URL); its `_count` gives the request rate. */
  readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly inFlight: Gauge;
  readonly eventsAppended: Counter<'type'>;
  /** The running jobs this process writes (imports, rebuilds), by id. */
  private readonly runningJobs = new Map<string, JobRecord>();

  constructor(
    projections: ProjectionService,
    sealing: SealerService,
    seam: CommandSeam,
    jobs: JobService,
    @Inject(EVENT_STORE) events: EventStore,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status (rate: the _count series)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [this.registry],
    });
    this.inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being answered', registers: [this.registry] });
    this.eventsAppended = new Counter({
      name: 'ledger_events_appended_total',
      help: 'Events appended to the ledger by the command seam of this process, by event type',
      labelNames: ['type'],
      registers: [this.registry],
    });
    seam.onAppended((appended) => {
      for (const event of appended) this.eventsAppended.inc({ type: event.type });
    });
    const running = this.runningJobs;
    jobs.onSaved((job) => {
      if (job.status === 'RUNNING') running.set(job.jobId, job);
      else running.delete(job.jobId);
    });
    const jobGauge = (name: string, help: string, value: (job: JobRecord) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['kind'],
        registers: [this.registry],
        collect() {
          this.reset();
          const byKind = new Map<string, number>();
          for (const job of running.values()) byKind.set(job.kind, (byKind.get(job.kind) ?? 0) + value(job));
          for (const kind of [IMPORT_JOB, REBUILD_JOB]) if (!byKind.has(kind)) byKind.set(kind, 0);
          for (const [kind, v] of byKind) this.set({ kind }, v);
        },
      });
    jobGauge('ledger_jobs_running', 'Jobs (imports, rebuilds) this process is running, by kind', () => 1);
    jobGauge(
      'ledger_job_progress_done',
      'Units done (rows imported, events projected) of the running jobs, by kind',
      (j) => j.progress.done,
    );
    jobGauge('ledger_job_progress_total', 'Units to do of the running jobs, by kind (0 while unknown)', (j) => j.progress.total);
    new Gauge({
      name: 'ledger_projection_lag_seconds',
      help: 'Age of the oldest ledger event not yet in the read models (every projection)',
      registers: [this.registry],
      async collect() {
        this.set((await projections.lag()).lagSeconds);
      },
    });
    new Gauge({
      name: 'ledger_projection_lag_seconds_by_projection',
      help: 'Age of the oldest ledger event a projection has not yet projected',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        const head = await events.headPosition();
        for (const status of await projections.runner.status()) {
          const checkpoint = status.rebuilding ? undefined : status.stored?.checkpoint;
          this.set({ projection: status.name }, await ageAfter(events, checkpoint, head));
        }
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
    const end = this.metrics.requests.startTimer({ method: req.method, route: routeTemplate(req) });
    this.metrics.inFlight.inc();
    // The status is known only once the answer is sent (Nest sets 201, the problem filter sets 4xx).
    res.once('close', () => {
      this.metrics.inFlight.dec();
      end({ status: String(res.statusCode) });
    });
    return next.handle();
  }
}

/** The route template Express matched (`/api/v1/workers/:workerId`), with the router's mount path; never the raw URL. */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}`;
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
