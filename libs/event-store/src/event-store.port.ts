/**
 * The event store port: the ledger. Every adapter (embedded SQLite, EventStoreDB) passes the one
 * contract suite in test/contract/event-store.contract.ts.
 */

/** Who did it and why: what the caller supplies with every event. */
export interface EventContext {
  userId: string;
  role: string;
  /** The request that caused the command. */
  correlationId: string;
  /** The command (or event) that directly caused this event. */
  causationId: string;
}

export interface NewEvent<D = Record<string, unknown>> {
  /** Unique id (UUID). Re-appending an id already in the stream is a no-op. */
  id: string;
  type: string;
  data: D;
  /** The business date the event is about (YYYY-MM-DD): payment date, incident date, allocation date. */
  effectiveDate: string;
  context: EventContext;
  schemaVersion?: number;
}

/** Metadata stored with each event; `hash`/`prevHash` form the per-stream integrity chain. */
export interface EventMetadata extends EventContext {
  schemaVersion: number;
  effectiveDate: string;
  hash: string;
  prevHash: string;
}

export interface RecordedEvent<D = Record<string, unknown>> {
  id: string;
  streamName: string;
  /** 0-based revision within the stream. */
  revision: number;
  /** Opaque ledger position; positions of one store sort as strings in ledger order. */
  position: string;
  type: string;
  data: D;
  effectiveDate: string;
  /** The ledger's own clock, ISO 8601 UTC. */
  recordedAt: string;
  metadata: EventMetadata;
}

/** `no_stream`: must not exist; `stream_exists`: must exist; a number: the exact last revision; `any`. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** The revision of the stream's last event after the append: pass it as the next expected revision. */
  nextRevision: number;
  /** Ledger position of the last appended event. */
  position: string;
}

export interface StreamWrite {
  streamName: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

export interface ReadStreamOptions {
  /** Only events at or before this ledger position. */
  toPosition?: string;
  /** Only events recorded at or before this instant. */
  toRecordedAt?: Date;
}

export interface ReadAllOptions {
  /** Exclusive: the first event returned is the one after this position. Omit to start at the beginning. */
  after?: string;
  maxCount: number;
  /** Stream categories (the part of a stream name before the first '-') to keep. */
  categories?: readonly string[];
}

export interface SubscribeOptions {
  /** Exclusive start position; omit to start at the beginning. */
  after?: string;
  categories?: readonly string[];
  /**
   * Told of every failure (a read or the server's subscription failing, or the handler throwing). The
   * subscription never stops on its own and never rejects unhandled: it waits (backing off) and
   * resubscribes after the last event the handler finished, so the event that failed comes again.
   */
  onError?: (error: Error) => void;
}

export interface Subscription {
  /** Resolves once the subscription has delivered every event that existed when it started. */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * An event as verification reads it: what its chain hash and its Merkle leaf cover, nothing more
 * (the stored form: data parsed from the stored text; of the metadata only the chain and the actor).
 */
export interface StoredEventForVerification {
  position: string;
  streamName: string;
  revision: number;
  type: string;
  data: unknown;
  effectiveDate: string;
  recordedAt: string;
  metadata: { hash: string; prevHash: string; userId: string; role: string };
}

export interface ReadStreamsOptions {
  /** Per stream: read only the events with a revision greater than this one. */
  fromRevision?: ReadonlyMap<string, number>;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  /** True when appendMany writes all or nothing (one transaction); false where the later writes land one by one. */
  readonly atomicAppendMany: boolean;
  /** Appends to one stream atomically, checking the expected revision. */
  append(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams, each checked against its own expected revision. The first write leads:
   * if it fails, nothing is written. Every write is reported in order. The embedded store is stricter
   * (one transaction: any failure writes nothing); EventStoreDB has no multi-stream transaction, so
   * there the later writes land or fail one by one and the caller compensates (see docs/design.md).
   */
  appendMany(writes: StreamWrite[]): Promise<AppendOutcome[]>;
  /** Every event of a stream in order; an unknown stream reads as empty. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams at once (batch commands), keyed by stream name. With `fromRevision`, a stream named
   * there reads only its events after that revision (the rest of it is in a snapshot the caller holds).
   */
  readStreams(streamNames: readonly string[], options?: ReadStreamsOptions): Promise<Map<string, RecordedEvent[]>>;
  /** The whole ledger forwards, in pages. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional, where the store can do it cheaply (the embedded store): the stored events in ledger order
   * after `after`, page by page, in the lean form verification reads. Each page is read whole when it
   * is asked for (no read is held open between pages). Stores without it are read with readAll.
   */
  iterateStored?(options?: { after?: string; pageSize?: number }): Iterable<StoredEventForVerification[]>;
  /** Catch up from a position, then deliver new events as they are appended, one at a time, in order. */
  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void> | void): Subscription;
  /** Position of the ledger's last event, or undefined when the ledger is empty. */
  headPosition(): Promise<string | undefined>;
  /** Checks that a client-supplied string is a position of this store. */
  isPosition(value: string): boolean;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** A write of an appendMany that was not attempted or was rolled back because another write failed. */
export class WriteNotAppliedError extends Error {
  constructor(
    readonly streamName: string,
    override readonly cause: Error,
  ) {
    super(`stream ${streamName}: not written because another write of the batch failed`);
    this.name = 'WriteNotAppliedError';
  }
}

/**
 * The store could not say whether the append committed (a timeout, a dropped connection). Retry the
 * same write with the same event ids: the store recognises them, so it lands once whatever happened.
 * Never treat it as a failure to compensate.
 */
export class AppendOutcomeUnknownError extends Error {
  constructor(
    readonly streamName: string,
    override readonly cause: Error,
  ) {
    super(`stream ${streamName}: the append's outcome is unknown (${cause.message})`);
    this.name = 'AppendOutcomeUnknownError';
  }
}

/**
 * An event too large for the store's append limit (EventStoreDB refuses appends over its
 * `MaxAppendSize`, 1 MiB by default). Several events are split over several appends by the adapter;
 * one event must be made smaller by its decider (split into several events).
 */
export class EventTooLargeError extends Error {
  constructor(
    readonly streamName: string,
    readonly eventType: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`stream ${streamName}: a ${eventType} event of about ${bytes} bytes exceeds the append limit of ${limit} bytes`);
    this.name = 'EventTooLargeError';
  }
}

/** A write lost a race with another writer (itself, or the write that rolled its batch back): decide again. */
export function isConcurrencyConflict(error: unknown): boolean {
  return (
    error instanceof WrongExpectedRevisionError ||
    (error instanceof WriteNotAppliedError && error.cause instanceof WrongExpectedRevisionError)
  );
}

/** Stream category: the part of the name before the first '-' (`allocation-…` → `allocation`). */
export function categoryOf(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash < 0 ? streamName : streamName.slice(0, dash);
}

export const EVENT_STORE = Symbol('EVENT_STORE');
