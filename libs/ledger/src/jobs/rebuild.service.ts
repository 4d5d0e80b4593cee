import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Conflict } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { LEDGER_PROJECTIONS, Projection, READ_STORE, ReadStore, rebuildReadModels } from '@app/read-models';
import type { Caller } from '../command-seam/command-context';
import { JobRecord, JobService } from './job.service';

export const REBUILD_JOB = 'PROJECTION_REBUILD';

interface RunningRebuild {
  ready: Promise<JobRecord>;
  done: Promise<void>;
}

/** A RUNNING rebuild whose record nobody has written for this long died with its process. */
const STALE_MS = 60_000;
/** Progress is written at most this often (and at the end). */
const PROGRESS_EVERY_MS = 250;

/**
 * `POST /api/v1/admin/projections/rebuild` as a job: every read model is replayed from the ledger
 * into a fresh generation (`rebuildReadModels`) in the background while queries keep reading the
 * active one, then the fresh generation is swapped in. One rebuild at a time: asking for another
 * while one runs is a 409 naming the running job. `progress.total` is the number of events in the
 * ledger when the job started (its head position on the embedded store); events recorded during the
 * rebuild are projected too, so `done` may end above it (then `total` is raised to `done`).
 */
@Injectable()
export class RebuildService implements OnApplicationShutdown {
  private running?: RunningRebuild;
  private readonly logger = new Logger('Rebuild');
  /** Projections of the rebuild: every ledger projection, by default. */
  projections: readonly Projection[] = LEDGER_PROJECTIONS;
  /** Events per commit into the fresh generation; undefined: rebuildReadModels' default (large batches, bounded by the documents in memory). */
  batchSize?: number;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly jobs: JobService,
  ) {}

  /** Starts a rebuild in the background; answers its job (status RUNNING). */
  async start(caller: Pick<Caller, 'userId' | 'role'>): Promise<JobRecord> {
    if (this.running) throw await this.busy(this.running);
    // Taken before any await: two requests at once cannot both start one.
    const slot: RunningRebuild = { ready: this.open(caller), done: Promise.resolve() };
    this.running = slot;
    let job: JobRecord;
    try {
      job = await slot.ready;
    } catch (error) {
      this.running = undefined;
      throw error;
    }
    slot.done = this.run(job).finally(() => {
      if (this.running === slot) this.running = undefined;
    });
    return { ...job, progress: { ...job.progress } };
  }

  private async busy(slot: RunningRebuild): Promise<Conflict> {
    const job = await slot.ready.catch(() => undefined);
    return new Conflict(`a projection rebuild is already running: job ${job?.jobId ?? '(starting)'}`);
  }

  /** Checks that no other process of this read store is rebuilding, then records the job. */
  private async open(caller: Pick<Caller, 'userId' | 'role'>): Promise<JobRecord> {
    const current = await this.jobs.pointer('rebuild');
    const other = current === undefined ? undefined : await this.jobs.find(current);
    if (other && other.status === 'RUNNING') {
      if (Date.now() - Date.parse(other.updatedAt) < STALE_MS)
        throw new Conflict(`a projection rebuild is already running: job ${other.jobId}`);
      await this.jobs.save({ ...other, status: 'FAILED', finishedAt: new Date().toISOString(), error: 'the process running it stopped' });
    }
    const job = await this.jobs.create(REBUILD_JOB, caller, await this.eventCount());
    await this.jobs.setPointer('rebuild', job.jobId);
    return job;
  }

  /** The running rebuild's completion, if one runs in this process (tests, shutdown). */
  current(): Promise<void> | undefined {
    return this.running?.done;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.done;
  }

  private async eventCount(): Promise<number> {
    const head = await this.events.headPosition();
    if (head === undefined) return 0;
    if (/^\d+$/.test(head)) return Number(head);
    // Positions that are no count (EventStoreDB's commit/prepare): count the events.
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const batch = await this.events.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) return count;
      count += batch.length;
      after = batch[batch.length - 1].position;
    }
  }

  private async run(started: JobRecord): Promise<void> {
    const job: JobRecord = { ...started, progress: { ...started.progress } };
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    try {
      const result = await rebuildReadModels(this.events, this.reads, this.projections, {
        batchSize: this.batchSize,
        onProgress: (p) => {
          job.progress = { done: p.eventsProjected, total: Math.max(job.progress.total, p.eventsProjected) };
          if (Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
          lastWrite = Date.now();
          const snapshot = { ...job, progress: { ...job.progress } };
          writing = writing
            .then(() => this.jobs.save(snapshot))
            .catch((e: Error) => this.logger.warn(`job ${job.jobId}: progress not saved: ${e.message}`));
        },
      });
      await writing;
      job.status = 'SUCCEEDED';
      job.progress = { done: result.eventsProjected, total: Math.max(job.progress.total, result.eventsProjected) };
      job.result = {
        generation: result.generation,
        eventsProjected: result.eventsProjected,
        ...(result.checkpoint !== undefined && { checkpoint: result.checkpoint }),
      };
    } catch (error) {
      await writing;
      job.status = 'FAILED';
      job.error = (error as Error).message;
      this.logger.error(`projection rebuild ${job.jobId} failed: ${job.error}`);
    }
    job.finishedAt = new Date().toISOString();
    try {
      await this.jobs.save(job);
    } catch (error) {
      this.logger.error(`job ${job.jobId}: final state not saved: ${(error as Error).message}`);
    }
  }
}
