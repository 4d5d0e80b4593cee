import type { RecordedEvent } from '@app/event-store';
import {
  Doc,
  DocKey,
  handles,
  InMemoryReadModels,
  keyOf,
  keysFor,
  LEDGER_PROJECTIONS,
  Projection,
  ProjectionBatch,
  ReadModels,
} from '@app/read-models';

/** The projections a report reads (coverage, funding, claims): the live read models' own functions, nothing else. */
export const REPORT_PROJECTIONS: readonly Projection[] = LEDGER_PROJECTIONS.filter((p) =>
  ['funding', 'coverage', 'claims'].includes(p.name),
);

/** The collections those projections own: what a snapshot holds. */
export const REPORT_COLLECTIONS: readonly string[] = REPORT_PROJECTIONS.flatMap((p) => p.collections);

/** Each report projection's name and version: a snapshot is used only by the same code. */
export function projectionVersions(projections: readonly Projection[] = REPORT_PROJECTIONS): Record<string, number> {
  return Object.fromEntries(projections.map((p) => [p.name, p.version]));
}

/**
 * Applies events (upcast, in ledger order) to in-memory read models exactly as the runner applies
 * them to the live ones: per projection, load the documents the events need, apply the projection's
 * pure function, commit the changed documents with the checkpoint of the last event.
 */
export async function applyEvents(
  models: ReadModels,
  events: readonly RecordedEvent[],
  projections: readonly Projection[] = REPORT_PROJECTIONS,
): Promise<void> {
  if (events.length === 0) return;
  const last = events[events.length - 1].position;
  for (const projection of projections) {
    const mine = events.filter((e) => handles(projection, e));
    if (mine.length === 0) {
      await models.commit(projection.name, [], last, projection.version);
      continue;
    }
    const keys = new Map<string, DocKey>();
    for (const e of mine) for (const k of keysFor(projection, e)) keys.set(keyOf(k), k);
    const byCollection = new Map<string, string[]>();
    for (const k of keys.values()) byCollection.set(k.collection, [...(byCollection.get(k.collection) ?? []), k.id]);
    const loaded: Array<[DocKey, Doc]> = [];
    for (const [collection, ids] of byCollection)
      for (const [id, doc] of await models.getMany(collection, ids)) loaded.push([{ collection, id }, doc]);
    const batch = new ProjectionBatch(loaded);
    for (const e of mine) batch.apply([projection], e);
    await models.commit(projection.name, batch.changes(), last, projection.version);
  }
}

/** Fresh in-memory read models holding the given documents (a snapshot's content). */
export async function modelsFrom(
  collections: Readonly<Record<string, readonly Record<string, unknown>[]>>,
  checkpoint: string | undefined,
  projections: readonly Projection[] = REPORT_PROJECTIONS,
): Promise<InMemoryReadModels> {
  const models = new InMemoryReadModels();
  for (const p of projections) {
    const changes = p.collections.flatMap((collection) =>
      (collections[collection] ?? []).map((doc) => ({ collection, id: String(doc.id), doc: doc as Doc })),
    );
    if (checkpoint !== undefined) await models.commit(p.name, changes, checkpoint, p.version);
  }
  return models;
}

/** Every document of the report collections, each collection sorted by id: a snapshot's content. */
export async function contentOf(
  models: ReadModels,
  collections: readonly string[] = REPORT_COLLECTIONS,
): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const c of collections) out[c] = (await models.find(c, {})).items;
  return out;
}
