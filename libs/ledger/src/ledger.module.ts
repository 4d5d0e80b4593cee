import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore, withUpcasting } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import { DecideClaimHandler, SubmitClaimHandler } from './claims/claims.handlers';
import { ListClaimsHandler } from './claims/claims.queries';
import { ListFindingsHandler } from './findings/findings.queries';
import { JobService } from './jobs/job.service';
import { RebuildService } from './jobs/rebuild.service';
import { ImportService } from './imports/import.service';
import { CommandSeam } from './command-seam/command-seam';
import { LEDGER_CONFIG, LedgerConfig } from './config';
import { PayContributionsHandler } from './contributions/contributions.handlers';
import { GetCoverageHandler } from './coverage/coverage.queries';
import { AllocateFundingHandler, ReviseFundingHandler } from './funding/funding.handlers';
import { GetFundingHandler } from './funding/funding.queries';
import { AUDIT_EXPORTS, AUDIT_PROVIDERS } from './audit/audit.providers';
import { RAW_EVENT_STORE } from './audit/sealer.service';
import { ReportsService } from './reports/reports.service';
import { ProjectionService } from './infrastructure/projection.service';
import { openRawEventStore, openReadStore, openSnapshotStore } from './infrastructure/stores';
import { SNAPSHOT_STORE, SnapshotStore } from './snapshots/snapshot-store.port';
import { LEDGER_UPCASTERS } from './upcasters';
import { WorkerIds } from './infrastructure/worker-ids';
import { ChangeWorkerHandler, EnrolWorkerHandler } from './workers/workers.handlers';
import { TransferSponsorshipHandler } from './workers/sponsorships.handlers';
import { GetWorkerHandler, ListWorkersHandler } from './workers/workers.queries';
import { EraseWorkerHandler } from './workers/erasure.handlers';
import { AccessLogHandler, FindWorkerByNikHandler, ShowWorkerHandler } from './workers/personal.queries';
import { PRIVACY_EXPORTS, PRIVACY_PROVIDERS } from './privacy/privacy.providers';
import { EstimateWorkforceHandler } from './workforce/workforce.handlers';
import { GetUnpaidMonthsHandler, ListLapsingWorkersHandler, ListUnpaidMonthsHandler } from './worklists/worklists.queries';

const COMMAND_HANDLERS = [
  AllocateFundingHandler,
  ReviseFundingHandler,
  EnrolWorkerHandler,
  ChangeWorkerHandler,
  TransferSponsorshipHandler,
  PayContributionsHandler,
  SubmitClaimHandler,
  DecideClaimHandler,
  EstimateWorkforceHandler,
  EraseWorkerHandler,
];
const QUERY_HANDLERS = [
  GetFundingHandler,
  GetWorkerHandler,
  ListWorkersHandler,
  ListClaimsHandler,
  GetCoverageHandler,
  ListFindingsHandler,
  ShowWorkerHandler,
  FindWorkerByNikHandler,
  AccessLogHandler,
  ListLapsingWorkersHandler,
  GetUnpaidMonthsHandler,
  ListUnpaidMonthsHandler,
];

/**
 * The application layer as one module: the stores chosen by configuration, the command seam, every
 * command and query handler on the CQRS buses, and the in-process projector. The HTTP app, the CLI,
 * the projector and the bench all wire this and nothing below it.
 */
@Global()
@Module({})
export class LedgerModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(SNAPSHOT_STORE) private readonly snapshots: SnapshotStore,
  ) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        // One connection: the application reads it upcast, verification and the sealer as stored.
        { provide: RAW_EVENT_STORE, useFactory: () => openRawEventStore(config) },
        { provide: EVENT_STORE, useFactory: (raw: EventStore) => withUpcasting(raw, LEDGER_UPCASTERS), inject: [RAW_EVENT_STORE] },
        { provide: READ_STORE, useFactory: () => openReadStore(config) },
        { provide: SNAPSHOT_STORE, useFactory: () => openSnapshotStore(config) },
        CommandSeam,
        ProjectionService,
        WorkerIds,
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
        ...AUDIT_PROVIDERS,
        ...PRIVACY_PROVIDERS,
        JobService,
        RebuildService,
        ReportsService,
        ImportService,
      ],
      exports: [
        LEDGER_CONFIG,
        EVENT_STORE,
        READ_STORE,
        CommandSeam,
        ProjectionService,
        CqrsModule,
        ...AUDIT_EXPORTS,
        ...PRIVACY_EXPORTS,
        JobService,
        RebuildService,
        ReportsService,
        ImportService,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
    await this.reads.close();
    await this.snapshots.close();
  }
}
