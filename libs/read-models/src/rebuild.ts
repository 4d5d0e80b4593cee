import type { EventStore } from '@app/event-store';
import type { Projection } from './projection';
import type { ReadStore } from './read-store.port';
import { ProjectionRunner } from './runner';

export interface RebuildProgress {
  generation: number;
  eventsProjected: number;
  /** The position every projection has reached in the fresh generation. */
  checkpoint?: string;
}

export interface RebuildOptions {
  /**
   * Events per commit of each projection into the fresh generation (default 1,000,000): a projection
   * commits earlier once it has changed `maxDocs` documents. Large batches write each document once
   * however many events change it; nobody reads the fresh generation before the swap.
   */
  batchSize?: number;
  /** Events per read of the ledger (default: the batch size, at most 5,000). */
  readSize?: number;
  /** Documents each projection keeps in memory (default 50,000, 10,000 on MongoDB; see RunnerOptions.maxDocs). */
  maxDocs?: number;
  /** Called after each page of events is applied (`checkpoint`: the position every projection has committed). */
  onProgress?: (p: RebuildProgress) => void;
}

/**
 * Replays the whole ledger into a fresh generation while queries keep reading the active one, then
 * swaps it in. A live runner needs no coordination: it looks up the active generation at every batch
 * and continues from that generation's own checkpoints, and a batch it commits into the generation
 * just replaced lands in tables the store keeps until no reader uses them (ReadStore.activate).
 */
export async function rebuildReadModels(
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  options?: RebuildOptions,
): Promise<RebuildProgress>;
/** @deprecated Projections keep their checkpoints under their own names: the name is ignored; leave it out. */
export async function rebuildReadModels(
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  checkpointName: string,
  options?: RebuildOptions,
): Promise<RebuildProgress>;
export async function rebuildReadModels(
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  nameOrOptions?: string | RebuildOptions,
  maybeOptions: RebuildOptions = {},
): Promise<RebuildProgress> {
  const options = typeof nameOrOptions === 'object' ? nameOrOptions : maybeOptions;
  const fresh = await readStore.createGeneration();
  const progress: RebuildProgress = { generation: fresh.generation, eventsProjected: 0 };
  const runner = new ProjectionRunner(events, async () => fresh, projections, {
    name: 'rebuild',
    batchSize: options.batchSize ?? 1_000_000,
    readSize: options.readSize,
    // A MongoDB commit is one transaction: smaller ones (its limits on a transaction's size and time).
    maxDocs: options.maxDocs ?? (readStore.kind === 'mongodb' ? 10_000 : 50_000),
    onRead: (n) => {
      progress.eventsProjected += n;
      options.onProgress?.({ ...progress });
    },
  });
  while ((await runner.runBatch()) > 0) progress.checkpoint = await runner.checkpoint();
  progress.checkpoint = await runner.checkpoint();
  await readStore.activate(fresh.generation);
  return progress;
}
