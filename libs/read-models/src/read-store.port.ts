/**
 * The read store port: documents by id in named collections, built by projections. Every adapter
 * (embedded SQLite, MongoDB) passes the one contract suite in test/contract/read-store.contract.ts.
 *
 * Read models live in generations: a rebuild fills a fresh generation while queries keep reading the
 * active one, then `activate` swaps it in atomically.
 */

export type Scalar = string | number | boolean | null;
export type Doc = { id: string } & Record<string, unknown>;

/** Field conditions are built by our code from validated values, never passed through from a request. */
export type Condition = Scalar | { in: readonly Scalar[] } | { gte?: Scalar; gt?: Scalar; lte?: Scalar; lt?: Scalar };
export type Filter = Record<string, Condition>;

export interface FindQuery {
  filter?: Filter;
  /** Sort keys, ties broken by id. */
  sort?: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  /**
   * Keyset paging: the values of the sort keys, then the id, of the last document already read (see
   * `keysetOf`); the answer starts right after it in the sort order, so a deep page costs what the
   * first does. `skip` still applies after it. No null among them (a document with a missing sort
   * field has no keyset). `total` still counts every document matching the filter.
   */
  after?: readonly Scalar[];
  skip?: number;
  limit?: number;
  /**
   * Totals over every document matching the filter (as `total`): per value of the `by` fields, how many
   * and the sum of the numeric field `sum` (0 without it; missing values count 0), in `Page.groups`.
   * The store computes them (an aggregate over an index, not the documents read into the process).
   */
  group?: { by: readonly string[]; sum?: string };
}

export interface Page<T = Doc> {
  items: T[];
  /** Every document matching the filter (neither `after`, `skip` nor `limit` change it). */
  total: number;
  /** With `group`: one entry per distinct key (the `by` values, null where missing), in no particular order. */
  groups?: Group[];
}

export interface Group {
  key: Scalar[];
  count: number;
  sum: number;
}

/** The keyset of a document for a sort (the values `after` takes): its sort fields, then its id; undefined when one is missing. */
export function keysetOf(doc: Doc, sort: FindQuery['sort'] = []): Scalar[] | undefined {
  const values = [...sort.map(([field]) => fieldValue(doc, field)), doc.id];
  return values.every((v) => v !== undefined && v !== null && ['string', 'number', 'boolean'].includes(typeof v))
    ? (values as Scalar[])
    : undefined;
}

/** A (dotted) field of a document. */
export function fieldValue(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}

/** The `after` of a query checked against its sort: one scalar (not null) per sort key, then the id. */
export function assertKeyset(after: readonly unknown[], sort: FindQuery['sort'] = []): Scalar[] {
  if (after.length !== sort.length + 1) throw new Error(`after: ${sort.length + 1} values expected (the sort keys, then the id)`);
  return after.map((v) => {
    if (v === null) throw new Error('after: no null in a keyset');
    return assertScalar(v);
  });
}

export interface DocChange {
  collection: string;
  id: string;
  /** null deletes the document. */
  doc: Doc | null;
}

/** Collections and the fields the queries filter and sort on (each list is one compound index). */
export type ReadModelSchema = Record<string, { indexes: ReadonlyArray<readonly string[]> }>;

/** One generation of read models. */
export interface ReadModels {
  readonly generation: number;
  get(collection: string, id: string): Promise<Doc | undefined>;
  getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>>;
  find(collection: string, query?: FindQuery): Promise<Page>;
  /**
   * Writes the changed documents and the projection's checkpoint atomically; `version` (the version of
   * the projection's code that produced them) is stored with the checkpoint.
   *
   * `expected` makes the checkpoint a compare-and-set inside the same commit: the state the batch
   * started from (`null`: no checkpoint yet). When the stored state is another (a second runner
   * committed first, or cleared the projection), nothing is written and the commit rejects with a
   * `ProjectionConflictError`; the runner then reads the state again and carries on from there, so two
   * writers never count an event twice. Left out, the commit is unconditional (in-memory replays).
   */
  commit(
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version?: number,
    expected?: ExpectedProjectionState,
  ): Promise<void>;
  checkpoint(projection: string): Promise<string | undefined>;
  /** The projection's checkpoint and the version stored with it; undefined before its first commit. */
  projectionState(projection: string): Promise<ProjectionState | undefined>;
  /**
   * Forgets the projection: deletes its checkpoint, then every document of its collections (a rebuild
   * in place starts from here). Other collections and other projections' checkpoints are untouched.
   * A failure part-way leaves the checkpoint gone, so the projection is cleared again.
   *
   * `expected` (as for `commit`): clears only when the stored state is that one, else rejects with a
   * `ProjectionConflictError` and clears nothing; no commit lands while a clear is under way.
   */
  clear(projection: string, collections: readonly string[], expected?: ExpectedProjectionState): Promise<void>;
}

/** The stored state a commit or a clear expects: `null` = no checkpoint. */
export type ExpectedProjectionState = ProjectionState | null;

/** Whether a stored state (undefined: none) is the expected one: same checkpoint, same version. */
export function isExpectedState(stored: ProjectionState | undefined, expected: ExpectedProjectionState): boolean {
  if (expected === null) return stored === undefined;
  return stored !== undefined && stored.checkpoint === expected.checkpoint && (stored.version ?? null) === (expected.version ?? null);
}

/** Another writer changed the projection's checkpoint since the batch read it: nothing was written. */
export class ProjectionConflictError extends Error {
  constructor(
    readonly projection: string,
    readonly expected: ExpectedProjectionState,
    readonly actual: ProjectionState | undefined | 'clearing',
  ) {
    const show = (s: ProjectionState | null | undefined | 'clearing') =>
      s === 'clearing' ? 'a clear under way' : s ? `${s.checkpoint} (v${s.version ?? '-'})` : 'none';
    super(`projection ${projection}: expected checkpoint ${show(expected)}, found ${show(actual)}`);
    this.name = 'ProjectionConflictError';
  }
}

export interface ProjectionState {
  checkpoint: string;
  /** Undefined when committed without a version. */
  version?: number;
}

export interface ReadStore {
  readonly kind: 'sqlite' | 'mongodb';
  /** The generation queries read. */
  active(): Promise<ReadModels>;
  /** A fresh, empty generation for a rebuild. */
  createGeneration(): Promise<ReadModels>;
  /**
   * Makes the generation the one queries read, atomically. The generation it replaces is kept (a query
   * in flight may still read it) until the next swap; older ones are dropped.
   */
  activate(generation: number): Promise<void>;
  /** Records outside the generations, kept across rebuilds (idempotency answers, jobs). */
  getRecord(namespace: string, id: string): Promise<Record<string, unknown> | undefined>;
  putRecord(namespace: string, id: string, record: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('READ_STORE');

const NAME = /^[a-z][a-zA-Z0-9]*$/;
const FIELD = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/;

/** Collection and field names become SQL identifiers and Mongo keys: only plain names pass. */
export function assertName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid collection name: ${name}`);
  return name;
}

export function assertField(field: string): string {
  if (!FIELD.test(field)) throw new Error(`invalid field name: ${field}`);
  return field;
}

export function isRange(c: Condition): c is { gte?: Scalar; gt?: Scalar; lte?: Scalar; lt?: Scalar } {
  return c !== null && typeof c === 'object' && !('in' in c);
}

export function assertScalar(value: unknown): Scalar {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as Scalar;
  throw new Error('filter values must be scalars');
}
