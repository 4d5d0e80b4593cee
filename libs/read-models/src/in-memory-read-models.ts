import {
  assertKeyset,
  assertScalar,
  Condition,
  Doc,
  DocChange,
  ExpectedProjectionState,
  FindQuery,
  Group,
  isExpectedState,
  isRange,
  Page,
  ProjectionConflictError,
  ProjectionState,
  ReadModels,
  Scalar,
} from './read-store.port';

/**
 * Read models held in memory: the third target of the projections, for point-in-time reports (replay
 * up to a cut-off, nothing written) and for tests of projections.
 */
export class InMemoryReadModels implements ReadModels {
  private readonly collections = new Map<string, Map<string, Doc>>();
  private readonly checkpoints = new Map<string, ProjectionState>();

  constructor(readonly generation = 0) {}

  private coll(name: string): Map<string, Doc> {
    let c = this.collections.get(name);
    if (!c) this.collections.set(name, (c = new Map()));
    return c;
  }

  async get(collection: string, id: string): Promise<Doc | undefined> {
    const doc = this.coll(collection).get(id);
    return doc ? structuredClone(doc) : undefined;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    for (const id of ids) {
      const doc = this.coll(collection).get(id);
      if (doc) out.set(id, structuredClone(doc));
    }
    return out;
  }

  async find(collection: string, query: FindQuery = {}): Promise<Page> {
    const filter = Object.entries(query.filter ?? {});
    const matching = [...this.coll(collection).values()].filter((doc) => filter.every(([f, c]) => matches(fieldOf(doc, f), c)));
    const sort = [...(query.sort ?? []), ['id', 1] as const];
    const order = (a: readonly unknown[], b: readonly unknown[]) => {
      for (let i = 0; i < sort.length; i++) {
        const cmp = compare(a[i], b[i]);
        if (cmp !== 0) return cmp * sort[i][1];
      }
      return 0;
    };
    const keyOf = (doc: Doc) => sort.map(([f]) => fieldOf(doc, f));
    matching.sort((a, b) => order(keyOf(a), keyOf(b)));
    const after = query.after && assertKeyset(query.after, query.sort);
    const from = after ? matching.findIndex((doc) => order(keyOf(doc), after) > 0) : 0;
    const start = (from < 0 ? matching.length : from) + (query.skip ?? 0);
    const items = matching.slice(start, query.limit === undefined ? undefined : start + query.limit);
    const page: Page = { items: items.map((d) => structuredClone(d)), total: matching.length };
    if (query.group) page.groups = groupsOf(matching, query.group);
    return page;
  }

  async commit(
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version?: number,
    expected?: ExpectedProjectionState,
  ): Promise<void> {
    this.assertState(projection, expected);
    for (const c of changes) {
      if (c.doc) this.coll(c.collection).set(c.id, structuredClone({ ...c.doc, id: c.id }));
      else this.coll(c.collection).delete(c.id);
    }
    this.checkpoints.set(projection, version === undefined ? { checkpoint } : { checkpoint, version });
  }

  private assertState(projection: string, expected: ExpectedProjectionState | undefined): void {
    if (expected === undefined) return;
    const stored = this.checkpoints.get(projection);
    if (!isExpectedState(stored, expected)) throw new ProjectionConflictError(projection, expected, stored && { ...stored });
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return this.checkpoints.get(projection)?.checkpoint;
  }

  async projectionState(projection: string): Promise<ProjectionState | undefined> {
    const state = this.checkpoints.get(projection);
    return state && { ...state };
  }

  async clear(projection: string, collections: readonly string[], expected?: ExpectedProjectionState): Promise<void> {
    this.assertState(projection, expected);
    this.checkpoints.delete(projection);
    for (const collection of collections) this.collections.delete(collection);
  }
}

function groupsOf(docs: readonly Doc[], group: NonNullable<FindQuery['group']>): Group[] {
  const out = new Map<string, Group>();
  for (const doc of docs) {
    const key = group.by.map((f) => (fieldOf(doc, f) ?? null) as Scalar);
    const id = JSON.stringify(key);
    const g = out.get(id) ?? { key, count: 0, sum: 0 };
    const value = group.sum === undefined ? undefined : fieldOf(doc, group.sum);
    g.count++;
    if (typeof value === 'number') g.sum += value;
    out.set(id, g);
  }
  return [...out.values()];
}

function fieldOf(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  return (a as Scalar)! < (b as Scalar)! ? -1 : 1;
}

function matches(value: unknown, condition: Condition): boolean {
  if (condition === null || typeof condition !== 'object')
    return value === assertScalar(condition) || (condition === null && value === undefined);
  if (!isRange(condition)) return condition.in.includes(value as Scalar);
  const v = value as NonNullable<Scalar>;
  if (value === undefined || value === null) return false;
  return (
    (condition.gte === undefined || v >= (condition.gte as NonNullable<Scalar>)) &&
    (condition.gt === undefined || v > (condition.gt as NonNullable<Scalar>)) &&
    (condition.lte === undefined || v <= (condition.lte as NonNullable<Scalar>)) &&
    (condition.lt === undefined || v < (condition.lt as NonNullable<Scalar>))
  );
}
