import { EventTooLargeError } from './event-store.port';
import type { SealedEvent } from './sealing';

/** EventStoreDB's default `MaxAppendSize` (1 MiB), less a margin for what the estimate leaves out. */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024 - 64 * 1024;

/** Per event, besides data and metadata: id, type, content type and protobuf framing (generous). */
const EVENT_OVERHEAD_BYTES = 128;

/**
 * About what the server counts of an event against `MaxAppendSize` (the serialized size of its
 * proposed message: data and metadata as the client sends them, JSON in UTF-8, plus the id and type).
 */
export function appendSizeOf(sealed: SealedEvent): number {
  return (
    Buffer.byteLength(JSON.stringify(sealed.event.data)) +
    Buffer.byteLength(JSON.stringify(sealed.metadata)) +
    Buffer.byteLength(sealed.event.type) +
    EVENT_OVERHEAD_BYTES
  );
}

/**
 * Splits an append into consecutive chunks each within `limit` bytes, keeping the order. Refuses the
 * whole append, before anything is written, when one event alone is larger than the limit.
 */
export function chunkBySize(streamName: string, sealed: readonly SealedEvent[], limit: number): SealedEvent[][] {
  const chunks: SealedEvent[][] = [];
  let current: SealedEvent[] = [];
  let size = 0;
  for (const s of sealed) {
    const bytes = appendSizeOf(s);
    if (bytes > limit) throw new EventTooLargeError(streamName, s.event.type, bytes, limit);
    if (current.length > 0 && size + bytes > limit) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
