import type { EventStore } from '@app/event-store';
import type { Projection } from './projection';
import type { ReadStore } from './read-store.port';
import { ProjectionRunner } from './runner';

export interface RebuildProgress {
  generation: number;
  eventsProjected: number;
  checkpoint?: string;
}

/**
 * Replays the whole ledger into a fresh generation while queries keep reading the active one, then
 * swaps it in. A live runner needs no coordination: it looks up the active generation at every batch
 * and continues from that generation's own checkpoint, and a batch it commits into the generation
 * just replaced lands in tables that are kept until the next swap.
 */
export async function rebuildReadModels(
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  checkpointName: string,
  options: { batchSize?: number; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildProgress> {
  const fresh = await readStore.createGeneration();
  const runner = new ProjectionRunner(events, async () => fresh, projections, { name: checkpointName, batchSize: options.batchSize ?? 1000 });
  const progress: RebuildProgress = { generation: fresh.generation, eventsProjected: 0 };
  for (let n = await runner.runBatch(); n > 0; n = await runner.runBatch()) {
    progress.eventsProjected += n;
    progress.checkpoint = await fresh.checkpoint(checkpointName);
    options.onProgress?.({ ...progress });
  }
  await readStore.activate(fresh.generation);
  return progress;
}
