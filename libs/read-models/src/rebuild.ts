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
 * swaps it in. The live runner (if any) is held for the final catch-up and the swap, so no event
 * lands in the old generation after the new one has been read up to the head.
 */
export async function rebuildReadModels(
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  checkpointName: string,
  options: { live?: ProjectionRunner; batchSize?: number; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildProgress> {
  const fresh = await readStore.createGeneration();
  const runner = new ProjectionRunner(events, async () => fresh, projections, { name: checkpointName, batchSize: options.batchSize ?? 1000 });
  const progress: RebuildProgress = { generation: fresh.generation, eventsProjected: 0 };
  const step = async () => {
    for (let n = await runner.runBatch(); n > 0; n = await runner.runBatch()) {
      progress.eventsProjected += n;
      progress.checkpoint = await fresh.checkpoint(checkpointName);
      options.onProgress?.({ ...progress });
    }
  };
  await step();
  const resume = options.live ? await options.live.pause() : undefined;
  try {
    await step();
    await readStore.activate(fresh.generation);
  } finally {
    resume?.();
  }
  return progress;
}
