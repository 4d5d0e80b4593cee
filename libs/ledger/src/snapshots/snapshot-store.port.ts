/**
 * Snapshots of a stream's part of a decider's state: a cache, never a source of truth. A snapshot is
 * keyed by its stream and the revision of the last event folded into it (with that event's id, so a
 * snapshot of another ledger, or of events that are no longer there, is seen and ignored), and named
 * by the state's schema (a snapshot of another schema is ignored). Losing every snapshot changes no
 * decision, only how many events the next command reads.
 */
export interface StreamSnapshot {
  streamName: string;
  /** Revision of the last event folded into `state`. */
  revision: number;
  /** Id of that event. */
  eventId: string;
  /** The state's schema and version (WORKER_SNAPSHOT_SCHEMA). */
  schema: string;
  /** JSON-safe. */
  state: unknown;
}

export interface SnapshotStore {
  readonly kind: 'sqlite' | 'mongodb';
  /** The snapshot of each stream named that has one under `schema` (others: none). */
  load(streamNames: readonly string[], schema: string): Promise<Map<string, StreamSnapshot>>;
  /** Keeps each snapshot in place of the stream's earlier one. */
  save(snapshots: readonly StreamSnapshot[]): Promise<void>;
  close(): Promise<void>;
}

export const SNAPSHOT_STORE = Symbol('SNAPSHOT_STORE');
