import type { RecordedEvent } from '@app/event-store';
import type { Doc, DocChange } from './read-store.port';

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
 */
export interface Projection {
  readonly name: string;
  /** The documents this event reads or writes: the runner loads them before `apply`. */
  keys(event: RecordedEvent): DocKey[];
  /** No I/O, no clock: everything it needs is in the event and the documents. */
  apply(event: RecordedEvent, docs: DocReader): DocChange[];
}

/** Applies events in order over an in-memory overlay of documents; answers the net changes. */
export class ProjectionBatch implements DocReader {
  private readonly docs = new Map<string, Doc | null>();
  private readonly changed = new Map<string, DocChange>();

  constructor(loaded: Iterable<[DocKey, Doc]>) {
    for (const [key, doc] of loaded) this.docs.set(keyOf(key), doc);
  }

  get(collection: string, id: string): Doc | undefined {
    return this.docs.get(keyOf({ collection, id })) ?? undefined;
  }

  apply(projections: readonly Projection[], event: RecordedEvent): void {
    for (const projection of projections) {
      for (const change of projection.apply(event, this)) {
        const k = keyOf(change);
        this.docs.set(k, change.doc);
        this.changed.set(k, change);
      }
    }
  }

  changes(): DocChange[] {
    return [...this.changed.values()];
  }
}

export function keyOf(k: DocKey): string {
  return `${k.collection}\u0000${k.id}`;
}
