import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import { Public } from '../auth/decorators';
import { AuditService, LEDGER_CONFIG, LedgerConfig, ProjectionService } from '@app/ledger';

/** Lag beyond which the API reports itself not ready. */
export const MAX_LAG_SECONDS = 60;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly projections: ProjectionService,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and readiness: event store, read store, projection lag' })
  check() {
    return this.health.check([this.eventStore, this.readStore, this.projection, this.integrity]);
  }

  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and answers (no store is asked)' })
  live() {
    return this.health.check([
      async () => this.indicator.check('process').up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) }),
    ]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: `Readiness: event store and read store reachable, projections caught up within ${MAX_LAG_SECONDS} s (503 otherwise)`,
  })
  ready() {
    return this.health.check([this.eventStore, this.readStore, this.projection]);
  }

  private readonly eventStore = async () => {
    const session = this.indicator.check('eventStore');
    try {
      return session.up({ kind: this.events.kind, head: (await this.events.headPosition()) ?? null });
    } catch (error) {
      return session.down({ kind: this.events.kind, message: (error as Error).message });
    }
  };

  private readonly readStore = async () => {
    const session = this.indicator.check('readStore');
    try {
      return session.up({ kind: this.reads.kind, generation: (await this.reads.active()).generation });
    } catch (error) {
      return session.down({ kind: this.reads.kind, message: (error as Error).message });
    }
  };

  private readonly projection = async () => {
    const session = this.indicator.check('projection');
    const lag = await this.projections.lag();
    const details = {
      inProcess: this.config.runProjector,
      checkpoint: lag.checkpoint ?? null,
      head: lag.head ?? null,
      lagSeconds: lag.lagSeconds,
    };
    const error = this.projections.runner.error;
    if (error) return session.down({ ...details, message: error.message });
    return lag.lagSeconds > MAX_LAG_SECONDS ? session.down(details) : session.up(details);
  };

  private readonly integrity = async () => {
    // The last verification of the ledger (at start-up and on POST /api/v1/audit/verify). A tampered ledger is
    // reported here (ok: false, where and what) but keeps the service up: it must stay readable for auditors.
    const session = this.indicator.check('integrity');
    const v = this.audit.lastVerification();
    if (!v) return session.up({ verified: false });
    const message = v.ok ? 'the ledger verified' : 'the ledger failed verification: it was tampered with';
    return session.up({
      verified: true,
      ok: v.ok,
      message,
      verifiedAt: v.verifiedAt,
      checkedEvents: v.checkedEvents,
      firstMismatch: v.firstMismatch ?? null,
    });
  };
}
