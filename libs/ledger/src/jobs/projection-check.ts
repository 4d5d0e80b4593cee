import { isDeepStrictEqual } from 'node:util';
import type { EventStore } from '@app/event-store';
import { Doc, DocKey, InMemoryReadModels, keyOf, keysFor, Projection, ProjectionBatch, ReadModels } from '@app/read-models';

/** One document that differs between the read models and a replay of the ledger. */
export interface ProjectionDifference {
  projection: string;
  collection: string;
  id: string;
  /** `missing`: the replay has it, the read models do not; `unexpected`: the other way round; `changed`: both, unequal. */
  problem: 'missing' | 'unexpected' | 'changed';
  /** For `changed`: the first top-level fields that differ. */
  fields?: string[];
}

export interface ProjectionCheck {
  projection: string;
  version: number;
  /** The checkpoint of the read models the replay went up to; undefined when the projection has none (of its version). */
  checkpoint?: string;
  documents: number;
  differences: number;
  /** The read models hold no state of this version of the projection: nothing to compare. */
  notBuilt?: boolean;
}

export interface ProjectionCheckResult {
  ok: boolean;
  generation: number;
  eventsReplayed: number;
  projections: ProjectionCheck[];
  /** The first differences (at most `maxDifferences`), in projection, collection and id order. */
  differences: ProjectionDifference[];
}

export interface ProjectionCheckOptions {
  /** How many differences to keep (all are counted). Default 20. */
  maxDifferences?: number;
  batchSize?: number;
  /** Attempts when the read models move on while being read (a projector is running). Default 5. */
  attempts?: number;
}

/**
 * Replays the ledger in memory (InMemoryReadModels, the same projection functions) and compares the
 * result with the read models `live` document by document, collection by collection. Each projection
 * is replayed up to its own checkpoint in `live`, so read models being updated by a running projector
 * compare equal as long as they are right; a projection that moved while it was being read is read
 * again.
 */
export async function checkProjections(
  events: EventStore,
  live: () => Promise<ReadModels>,
  projections: readonly Projection[],
  options: ProjectionCheckOptions = {},
): Promise<ProjectionCheckResult> {
  const max = options.maxDifferences ?? 20;
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const models = await live();
    const states = await Promise.all(projections.map((p) => models.projectionState(p.name)));
    const upTo = new Map<Projection, string>();
    for (const [i, p] of projections.entries()) {
      const s = states[i];
      if (s && s.version === p.version) upTo.set(p, s.checkpoint);
    }
    const { memory, replayed } = await replay(events, upTo, options.batchSize ?? 5000);
    const result: ProjectionCheckResult = {
      ok: true,
      generation: models.generation,
      eventsReplayed: replayed,
      projections: [],
      differences: [],
    };
    let moved = false;
    for (const p of projections) {
      const checkpoint = upTo.get(p);
      const check: ProjectionCheck = {
        projection: p.name,
        version: p.version,
        ...(checkpoint !== undefined && { checkpoint }),
        documents: 0,
        differences: 0,
      };
      result.projections.push(check);
      if (checkpoint === undefined) {
        check.notBuilt = true;
        result.ok = false;
        continue;
      }
      const found: ProjectionDifference[] = [];
      for (const collection of [...p.collections].sort()) {
        const [actual, expected] = await Promise.all([models.find(collection), memory.find(collection)]);
        check.documents += actual.items.length;
        found.push(...compareCollection(p.name, collection, actual.items, expected.items));
      }
      // The projector committed while we read: this projection's documents may be of a later checkpoint.
      const after = await models.projectionState(p.name);
      if (after?.checkpoint !== checkpoint || after.version !== p.version) moved = true;
      check.differences = found.length;
      if (found.length > 0) result.ok = false;
      for (const d of found) if (result.differences.length < max) result.differences.push(d);
    }
    if (!moved || result.ok || attempt >= attempts) return result;
  }
}

async function replay(
  events: EventStore,
  upTo: Map<Projection, string>,
  batchSize: number,
): Promise<{ memory: InMemoryReadModels; replayed: number }> {
  const memory = new InMemoryReadModels();
  const last = [...upTo.values()].sort().pop();
  let replayed = 0;
  if (last === undefined) return { memory, replayed };
  let after: string | undefined;
  for (;;) {
    const batch = await events.readAll({ after, maxCount: batchSize });
    const events_ = batch.filter((e) => e.position <= last);
    for (const [projection, checkpoint] of upTo) {
      const mine = events_.filter((e) => e.position <= checkpoint);
      if (mine.length === 0) continue;
      const keys = new Map<string, DocKey>();
      for (const e of mine) for (const k of keysFor(projection, e)) keys.set(keyOf(k), k);
      const loaded: Array<[DocKey, Doc]> = [];
      for (const k of keys.values()) {
        const doc = await memory.get(k.collection, k.id);
        if (doc) loaded.push([k, doc]);
      }
      const projected = new ProjectionBatch(loaded);
      for (const e of mine) projected.apply([projection], e);
      await memory.commit(projection.name, projected.changes(), mine[mine.length - 1].position, projection.version);
    }
    replayed += events_.length;
    if (batch.length === 0 || events_.length < batch.length) break;
    after = batch[batch.length - 1].position;
  }
  return { memory, replayed };
}

/** The documents of one collection, compared by id (both lists as `find` answers them: by id). */
export function compareCollection(
  projection: string,
  collection: string,
  actual: readonly Doc[],
  expected: readonly Doc[],
): ProjectionDifference[] {
  const want = new Map(expected.map((d) => [d.id, d]));
  const have = new Map(actual.map((d) => [d.id, d]));
  const out: ProjectionDifference[] = [];
  const ids = [...new Set([...want.keys(), ...have.keys()])].sort();
  for (const id of ids) {
    const a = have.get(id);
    const e = want.get(id);
    if (!a) out.push({ projection, collection, id, problem: 'missing' });
    else if (!e) out.push({ projection, collection, id, problem: 'unexpected' });
    else if (!isDeepStrictEqual(normal(a), normal(e))) {
      const fields = [...new Set([...Object.keys(a), ...Object.keys(e)])]
        .filter((f) => !isDeepStrictEqual(normal(a[f]), normal(e[f])))
        .sort();
      out.push({ projection, collection, id, problem: 'changed', fields });
    }
  }
  return out;
}

/** A document as JSON holds it: undefined fields dropped (a stored document has none). */
function normal(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** One line per difference, for people. */
export function describeDifference(d: ProjectionDifference): string {
  const what =
    d.problem === 'missing'
      ? 'missing from the read models'
      : d.problem === 'unexpected'
        ? 'in the read models but not in the replay'
        : `differs (${(d.fields ?? []).join(', ')})`;
  return `${d.collection}/${d.id} (projection ${d.projection}): ${what}`;
}
