import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ledgerRunner, ProjectionLag, ProjectionRunner, READ_STORE, ReadStore } from '@app/read-models';
import { LEDGER_CONFIG, LedgerConfig } from '../config';

/** The in-process projector (embedded default) and the checkpoint the queries wait on. */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.runner = ledgerRunner(events, () => reads.active());
    this.runner.onFailed((error) => new Logger('Projector').error(`projection batch failed, retrying: ${error.message}`));
  }

  onApplicationBootstrap(): void {
    if (this.config.runProjector) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  async checkpoint(): Promise<string | undefined> {
    return this.runner.checkpoint();
  }

  /** Waits until the read models have projected `position`; false when the time ran out. */
  async waitFor(position: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const checkpoint = await this.checkpoint();
      if (checkpoint !== undefined && checkpoint >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  lag(): Promise<ProjectionLag> {
    return this.runner.lag();
  }
}
