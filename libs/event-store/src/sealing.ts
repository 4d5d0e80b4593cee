import { EventMetadata, NewEvent } from './event-store.port';
import { eventHash } from './hashing';

export interface SealedEvent {
  event: NewEvent;
  revision: number;
  metadata: EventMetadata;
}

/** Gives each new event its revision and its link in the stream's hash chain. Both adapters seal alike. */
export function sealEvents(streamName: string, lastRevision: number, lastHash: string, events: NewEvent[]): SealedEvent[] {
  let prevHash = lastHash;
  return events.map((event, i) => {
    const revision = lastRevision + 1 + i;
    const hash = eventHash(prevHash, { streamName, revision, type: event.type, data: event.data, effectiveDate: event.effectiveDate });
    const metadata: EventMetadata = {
      ...event.context,
      schemaVersion: event.schemaVersion ?? 1,
      effectiveDate: event.effectiveDate,
      hash,
      prevHash,
    };
    prevHash = hash;
    return { event, revision, metadata };
  });
}
