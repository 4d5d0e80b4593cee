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
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}

/**
 * Replays the whole ledger into a fresh generation while queries keep reading the active one, then
 * swaps it in. A live runner needs no coordination: it looks up the active generation at every batch
 * and continues from that generation's own checkpoints, and a batch it commits into the generation
 * just replaced lands in tables that are kept until the next swap.
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
  const runner = new ProjectionRunner(events, async () => fresh, projections, { name: 'rebuild', batchSize: options.batchSize ?? 1000 });
  const progress: RebuildProgress = { generation: fresh.generation, eventsProjected: 0 };
  for (let n = await runner.runBatch(); n > 0; n = await runner.runBatch()) {
    progress.eventsProjected += n;
    progress.checkpoint = await runner.checkpoint();
    options.onProgress?.({ ...progress });
  }
  await readStore.activate(fresh.generation);
  return progress;
}
