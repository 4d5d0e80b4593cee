import { EventMetadata, NewEvent } from './event-store.port';
import { canonicalJson, eventHashOfDataJson } from './hashing';

export interface SealedEvent {
  event: NewEvent;
  revision: number;
  metadata: EventMetadata;
  /** The canonical JSON of the event's data, as its hash covers it: what the embedded store keeps. */
  dataJson: string;
}

/** Gives each new event its revision and its link in the stream's hash chain. Both adapters seal alike. */
export function sealEvents(streamName: string, lastRevision: number, lastHash: string, events: NewEvent[]): SealedEvent[] {
  let prevHash = lastHash;
  return events.map((event, i) => {
    const revision = lastRevision + 1 + i;
    const dataJson = canonicalJson(event.data);
    const hash = eventHashOfDataJson(prevHash, { streamName, revision, type: event.type, effectiveDate: event.effectiveDate }, dataJson);
    const metadata: EventMetadata = {
      ...event.context,
      schemaVersion: event.schemaVersion ?? 1,
      effectiveDate: event.effectiveDate,
      hash,
      prevHash,
    };
    prevHash = hash;
    return { event, revision, metadata, dataJson };
  });
}
