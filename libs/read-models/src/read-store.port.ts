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
  skip?: number;
  limit?: number;
}

export interface Page<T = Doc> {
  items: T[];
  total: number;
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
   */
  commit(projection: string, changes: readonly DocChange[], checkpoint: string, version?: number): Promise<void>;
  checkpoint(projection: string): Promise<string | undefined>;
  /** The projection's checkpoint and the version stored with it; undefined before its first commit. */
  projectionState(projection: string): Promise<ProjectionState | undefined>;
  /**
   * Forgets the projection: deletes its checkpoint, then every document of its collections (a rebuild
   * in place starts from here). Other collections and other projections' checkpoints are untouched.
   * A failure part-way leaves the checkpoint gone, so the projection is cleared again.
   */
  clear(projection: string, collections: readonly string[]): Promise<void>;
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
