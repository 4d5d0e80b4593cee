import { EventEmitter } from 'node:events';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { DocKey, keyOf, Projection, ProjectionBatch } from './projection';
import type { ReadModels } from './read-store.port';

export interface RunnerOptions {
  /** Checkpoint name of this group of projections. */
  name: string;
  batchSize?: number;
  /** How long an idle runner sleeps before looking for new events. */
  idleMs?: number;
}

export interface ProjectionLag {
  checkpoint?: string;
  head?: string;
  caughtUp: boolean;
  /** Age of the oldest event not yet projected. */
  lagSeconds: number;
}

/**
 * Reads the ledger from its checkpoint in batches, applies the projections, and writes the changed
 * documents with the new checkpoint in one atomic commit: a crash loses at most the batch in flight,
 * which is read again on restart, so nothing is counted twice.
 */
export class ProjectionRunner {
  private readonly emitter = new EventEmitter();
  private running?: Promise<void>;
  private stopping = false;
  private lastError?: Error;

  constructor(
    private readonly store: EventStore,
    private readonly target: () => Promise<ReadModels>,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions,
  ) {
    this.emitter.setMaxListeners(0);
  }

  get error(): Error | undefined {
    return this.lastError;
  }

  /** Projects one batch; answers how many events it read (0 when caught up). */
  async runBatch(): Promise<number> {
    const target = await this.target();
    const after = await target.checkpoint(this.options.name);
    const events = await this.store.readAll({ after, maxCount: this.options.batchSize ?? 500 });
    if (events.length === 0) return 0;
    await this.project(target, events);
    return events.length;
  }

  private async project(target: ReadModels, events: RecordedEvent[]): Promise<void> {
    const keys = new Map<string, DocKey>();
    for (const event of events) for (const p of this.projections) for (const k of p.keys(event)) keys.set(keyOf(k), k);
    const byCollection = new Map<string, string[]>();
    for (const k of keys.values()) {
      const ids = byCollection.get(k.collection);
      if (ids) ids.push(k.id);
      else byCollection.set(k.collection, [k.id]);
    }
    const loaded: Array<[DocKey, NonNullable<Awaited<ReturnType<ReadModels['get']>>>]> = [];
    for (const [collection, ids] of byCollection) {
      for (const [id, doc] of await target.getMany(collection, ids)) loaded.push([{ collection, id }, doc]);
    }
    const batch = new ProjectionBatch(loaded);
    for (const event of events) batch.apply(this.projections, event);
    await target.commit(this.options.name, batch.changes(), events[events.length - 1].position);
  }

  /** Runs until the ledger's head at the time of the call has been projected. */
  async catchUp(): Promise<void> {
    while ((await this.runBatch()) > 0) {
      /* keep going */
    }
  }

  /** Projects continuously in the background until `stop`. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = (async () => {
      while (!this.stopping) {
        let read = 0;
        try {
          read = await this.runBatch();
          this.lastError = undefined;
        } catch (error) {
          // A failing batch is retried; listeners hear of each distinct failure once.
          if ((error as Error).message !== this.lastError?.message) this.emitter.emit('failed', error);
          this.lastError = error as Error;
        }
        if (read === 0) await new Promise((r) => setTimeout(r, this.options.idleMs ?? 50));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = undefined;
  }

  onFailed(listener: (error: Error) => void): () => void {
    this.emitter.on('failed', listener);
    return () => this.emitter.off('failed', listener);
  }

  async lag(now: Date = new Date()): Promise<ProjectionLag> {
    const target = await this.target();
    const checkpoint = await target.checkpoint(this.options.name);
    const head = await this.store.headPosition();
    if (head === undefined || (checkpoint !== undefined && checkpoint >= head)) return { checkpoint, head, caughtUp: true, lagSeconds: 0 };
    const [oldest] = await this.store.readAll({ after: checkpoint, maxCount: 1 });
    const lagSeconds = oldest ? Math.max(0, (now.getTime() - Date.parse(oldest.recordedAt)) / 1000) : 0;
    return { checkpoint, head, caughtUp: false, lagSeconds };
  }
}
