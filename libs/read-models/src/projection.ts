import type { ClaimEvent, DomainEvent, FundingEvent, WorkerEvent, WorkforceEstimated } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange, ExpectedProjectionState, ProjectionState, ReadModels } from './read-store.port';

/** Every domain event of the ledger a projection may handle. */
export type LedgerEvent = FundingEvent | WorkerEvent | ClaimEvent | WorkforceEstimated;
export type LedgerEventType = LedgerEvent['type'];

/** A domain event as the ledger recorded it: the store's envelope with the event's own type and data. */
export type Recorded<E extends DomainEvent> = E extends DomainEvent
  ? Omit<RecordedEvent, 'type' | 'data'> & { type: E['type']; data: E['data'] }
  : never;

/** Each ledger event type's recorded event. */
export type RecordedLedgerEvents = { [E in LedgerEvent as E['type']]: Recorded<E> };

/** The recorded events of the given type names (a union a `switch` on `type` narrows). */
export type RecordedOf<T extends LedgerEventType> = RecordedLedgerEvents[T];

export interface DocKey {
  collection: string;
  id: string;
}

/** The documents a projection may read while applying one event (loaded by the runner beforehand). */
export interface DocReader {
  get(collection: string, id: string): Doc | undefined;
}

/**
 * A projection is a pure function of (read-model documents, event) -> changed documents. The same
 * function builds the MongoDB and SQLite read models and the in-memory state of point-in-time reports.
 *
 * It stands alone: its own checkpoint (stored under `name`, with `version`), its own collections (no
 * other projection writes them, and it reads no others), and only the events it `handles` reach it.
 * Bump `version` whenever a change of the code changes the documents it produces: the runner then
 * clears its collections and replays the ledger into them, while the other projections carry on.
 */
export interface Projection<T extends LedgerEventType = LedgerEventType> {
  readonly name: string;
  readonly version: number;
  /** The event types it is given; every other event passes it by. */
  readonly handles: readonly T[];
  /** The collections it owns: the only ones it reads and writes, cleared when it is rebuilt. */
  readonly collections: readonly string[];
  /** The documents this event reads or writes: the runner loads them before `apply`. */
  keys(event: RecordedOf<T>): DocKey[];
  /** No I/O, no clock: everything it needs is in the event and the documents. */
  apply(event: RecordedOf<T>, docs: DocReader): DocChange[];
  /**
   * Completes a document the batch changed, once, before it is written: fields derived from the whole
   * document (the workers' lapse month, from the membership timeline) are worked out once per document
   * and batch rather than after every event. Pure, and the same document whatever batches the events
   * came in (so settling twice changes nothing); between the events of a batch, `apply` may see
   * documents not yet settled. Answers the document itself when nothing changes.
   */
  settle?(collection: string, doc: Doc): Doc;
}

/**
 * Defines a projection typed by the events it handles: `handles: ['FundingAllocated', …]` makes `keys`
 * and `apply` receive exactly those recorded events (`RecordedOf<'FundingAllocated' | …>`, from the
 * domain's event unions).
 */
export function defineProjection<const T extends LedgerEventType>(definition: {
  name: string;
  version: number;
  handles: readonly T[];
  collections: readonly string[];
  keys(event: RecordedOf<T>): DocKey[];
  apply(event: RecordedOf<T>, docs: DocReader): DocChange[];
  settle?(collection: string, doc: Doc): Doc;
}): Projection<T> {
  if (!Number.isInteger(definition.version) || definition.version < 1)
    throw new Error(`projection ${definition.name}: version must be a positive integer`);
  if (definition.handles.length === 0) throw new Error(`projection ${definition.name} handles no event`);
  if (definition.collections.length === 0) throw new Error(`projection ${definition.name} owns no collection`);
  return Object.freeze({
    ...definition,
    handles: Object.freeze([...definition.handles]),
    collections: Object.freeze([...definition.collections]),
  });
}

/** What the runner and the batch know of a projection beyond its definition: sets to test against. */
interface Compiled {
  handles: ReadonlySet<string>;
  collections: ReadonlySet<string>;
}
const compiled = new WeakMap<Projection, Compiled>();

function compile(projection: Projection): Compiled {
  let c = compiled.get(projection);
  if (!c) compiled.set(projection, (c = { handles: new Set<string>(projection.handles), collections: new Set(projection.collections) }));
  return c;
}

/**
 * Whether the projection handles the event. The one place a stored event becomes a domain event: an
 * event whose type a projection handles is that domain event (the ledger stores what the deciders made).
 */
export function handles<T extends LedgerEventType>(
  projection: Projection<T>,
  event: RecordedEvent,
): event is RecordedEvent & RecordedOf<T> {
  return compile(projection).handles.has(event.type);
}

/** The documents the projection needs for the event: none when it does not handle it. */
export function keysFor(projection: Projection, event: RecordedEvent): DocKey[] {
  if (!handles(projection, event)) return [];
  const keys = projection.keys(event);
  for (const k of keys) assertOwned(projection, k.collection);
  return keys;
}

function assertOwned(projection: Projection, collection: string): void {
  if (!compile(projection).collections.has(collection))
    throw new Error(`projection ${projection.name} touched collection ${collection}, which it does not own`);
}

/** Names unique, collections owned by one projection each: what lets them be rebuilt alone. */
export function assertIndependent(projections: readonly Projection[]): void {
  const names = new Set<string>();
  const owners = new Map<string, string>();
  for (const p of projections) {
    if (names.has(p.name)) throw new Error(`two projections are named ${p.name}`);
    names.add(p.name);
    for (const c of p.collections) {
      const owner = owners.get(c);
      if (owner) throw new Error(`collection ${c} is owned by both ${owner} and ${p.name}`);
      owners.set(c, p.name);
    }
  }
}

/** Applies events in order over an in-memory overlay of documents; answers the net changes. */
export class ProjectionBatch implements DocReader {
  private readonly docs = new Map<string, Doc | null>();
  private readonly changed = new Map<string, DocChange>();
  /** The projection that wrote each changed document (its `settle` completes it). */
  private readonly writers = new Map<string, Projection>();

  constructor(loaded: Iterable<[DocKey, Doc]>) {
    for (const [key, doc] of loaded) this.docs.set(keyOf(key), doc);
  }

  get(collection: string, id: string): Doc | undefined {
    return this.docs.get(keyOf({ collection, id })) ?? undefined;
  }

  /** Applies the event to every projection that handles it (and only those). */
  apply(projections: readonly Projection[], event: RecordedEvent): void {
    for (const projection of projections) {
      if (!handles(projection, event)) continue;
      for (const change of projection.apply(event, this)) {
        assertOwned(projection, change.collection);
        const k = keyOf(change);
        this.docs.set(k, change.doc);
        this.changed.set(k, change);
        if (projection.settle) this.writers.set(k, projection);
      }
    }
  }

  /** The net changes, each document settled by the projection that wrote it. */
  changes(): DocChange[] {
    const out: DocChange[] = [];
    for (const [k, change] of this.changed) {
      const settled = settledChange(this.writers.get(k), change);
      if (settled !== change) {
        this.changed.set(k, settled);
        this.docs.set(k, settled.doc);
      }
      out.push(settled);
    }
    return out;
  }
}

/** The change with its document settled by `projection` (the change itself when it has nothing to settle). */
function settledChange(projection: Projection | undefined, change: DocChange): DocChange {
  if (!projection?.settle || !change.doc) return change;
  const doc = projection.settle(change.collection, change.doc);
  return doc === change.doc ? change : { collection: change.collection, id: change.id, doc };
}

/**
 * One projection's documents in memory, for the runner: those the batch in flight changed (written
 * once, at its commit, however many events changed them) and those read or written before, kept
 * across batches for as long as `state` is what the store holds for the projection in `target` (the
 * runner checks it at each batch; a commit is a compare-and-set of it, so a document another writer
 * changed cannot be used unnoticed).
 */
export class UnitOfWork implements DocReader {
  /** Documents by collection and id (null: known not to exist), in the order they were first read or written. */
  private readonly docs = new Map<string, Map<string, Doc | null>>();
  /** The batch's changes by collection and id. */
  private readonly dirty = new Map<string, Map<string, DocChange>>();
  private size = 0;
  private dirtySize = 0;
  /** A batch of the runner is using it (a second batch running at the same time gets its own). */
  busy = false;

  constructor(
    readonly target: ReadModels,
    /** The stored state the documents are those of (null: no checkpoint). */
    public state: ExpectedProjectionState,
    /** Every document of the projection is in memory: one that is not does not exist (a projection replayed from nothing). */
    public complete: boolean,
  ) {}

  get dirtyCount(): number {
    return this.dirtySize;
  }

  private collection<V>(maps: Map<string, Map<string, V>>, collection: string): Map<string, V> {
    let map = maps.get(collection);
    if (!map) maps.set(collection, (map = new Map()));
    return map;
  }

  has(k: DocKey): boolean {
    return this.docs.get(k.collection)?.has(k.id) ?? false;
  }

  get(collection: string, id: string): Doc | undefined {
    return this.docs.get(collection)?.get(id) ?? undefined;
  }

  /** A document read from the store (undefined: there is none). */
  loaded(k: DocKey, doc: Doc | undefined): void {
    const docs = this.collection(this.docs, k.collection);
    if (!docs.has(k.id)) this.size++;
    docs.set(k.id, doc ?? null);
  }

  /** Applies the event, if the projection handles it; its changes replace the documents in memory. */
  apply(projection: Projection, event: RecordedEvent): void {
    if (!handles(projection, event)) return;
    for (const change of projection.apply(event, this)) {
      assertOwned(projection, change.collection);
      // As the store keeps it: with its id.
      const doc = change.doc && change.doc.id !== change.id ? { ...change.doc, id: change.id } : change.doc;
      const docs = this.collection(this.docs, change.collection);
      if (!docs.has(change.id)) this.size++;
      docs.set(change.id, doc);
      const dirty = this.collection(this.dirty, change.collection);
      if (!dirty.has(change.id)) this.dirtySize++;
      dirty.set(change.id, doc === change.doc ? change : { collection: change.collection, id: change.id, doc });
    }
  }

  /**
   * Settles the documents the batch in flight changed (`Projection.settle`: once per document and
   * batch); the settled documents replace those in memory. The event loop gets a turn every `perTurn`
   * documents (a rebuild's batch settles every worker).
   */
  async settle(projection: Projection, perTurn = 2_000): Promise<void> {
    if (!projection.settle) return;
    let n = 0;
    for (const [collection, changes] of this.dirty)
      for (const [id, change] of changes) {
        if (++n % perTurn === 0) await new Promise((resolve) => setImmediate(resolve));
        const settled = settledChange(projection, change);
        if (settled === change) continue;
        changes.set(id, settled);
        this.docs.get(collection)!.set(id, settled.doc);
      }
  }

  /** The net changes of the batch in flight (settle them first). */
  changes(): DocChange[] {
    const out: DocChange[] = [];
    for (const changes of this.dirty.values()) for (const change of changes.values()) out.push(change);
    return out;
  }

  /** The batch was committed: its documents are what the store holds at `state`. Beyond `maxDocs`, those held longest go. */
  committed(state: ProjectionState, maxDocs: number): void {
    this.state = state;
    this.dirty.clear();
    this.dirtySize = 0;
    if (this.size <= maxDocs) return;
    let drop = this.size - Math.floor(maxDocs * 0.8);
    for (const docs of this.docs.values())
      for (const id of docs.keys()) {
        if (drop-- <= 0) break;
        docs.delete(id);
        this.size--;
      }
    this.complete = false;
  }
}

export function keyOf(k: DocKey): string {
  return `${k.collection}\u0000${k.id}`;
}
