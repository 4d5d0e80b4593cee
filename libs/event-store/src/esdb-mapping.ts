/**
 * Pure mapping between EventStoreDB client types and the port's types. Kept apart from the adapter so
 * the subtle parts (BigInt revisions, {commit, prepare} positions, errors raised while iterating a
 * read) are unit-tested without a server.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  DeadlineExceededError,
  UnavailableError,
  CancelledError,
  TimeoutError,
  MaxAppendSizeExceededError,
  type AppendExpectedRevision,
  type Position,
} from '@eventstore/db-client';
import {
  AppendOutcomeUnknownError,
  EventMetadata,
  EventTooLargeError,
  ExpectedRevision,
  RecordedEvent,
  WrongExpectedRevisionError,
} from './event-store.port';

const DIGITS = 20;
const POSITION_PATTERN = /^(\d{20})\/(\d{20})$/;

/** `{commit, prepare}` as one string that sorts in ledger order: both parts zero-padded to 20 digits. */
export function positionToString(p: Position): string {
  if (p.commit < 0n || p.prepare < 0n) throw new RangeError('negative EventStoreDB position');
  return `${p.commit.toString().padStart(DIGITS, '0')}/${p.prepare.toString().padStart(DIGITS, '0')}`;
}

export function positionFromString(value: string): Position {
  const m = POSITION_PATTERN.exec(value);
  if (!m) throw new RangeError(`not an EventStoreDB position: ${value}`);
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
}

export function isEsdbPosition(value: string): boolean {
  return POSITION_PATTERN.test(value);
}

/** Revisions are u64 on the wire; the port uses JS numbers, which are exact up to 2^53. */
export function revisionToNumber(revision: bigint): number {
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${revision} exceeds 2^53`);
  return Number(revision);
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

export function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  if (expected === ANY) return 'any';
  if (expected === NO_STREAM) return 'no_stream';
  if (expected === STREAM_EXISTS) return 'stream_exists';
  return revisionToNumber(expected as bigint);
}

/** Maps the client's errors to the port's; anything else passes through unchanged. */
export function mapAppendError(error: unknown, streamName: string): Error {
  if (error instanceof WrongExpectedVersionError) {
    const actual = typeof error.actualVersion === 'bigint' ? revisionToNumber(error.actualVersion) : 'no_stream';
    return new WrongExpectedRevisionError(streamName, fromEsdbExpectedRevision(error.expectedVersion), actual);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    // The server counts more than the adapter's estimate: lower EVENTSTORE_MAX_APPEND_BYTES.
    return new EventTooLargeError(streamName, 'append', error.maxAppendSize + 1, error.maxAppendSize);
  }
  if (
    error instanceof DeadlineExceededError ||
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof TimeoutError
  ) {
    return new AppendOutcomeUnknownError(streamName, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The subset of the client's recorded event that the mapping reads. */
export interface EsdbRecordedLike {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

export function fromEsdbEvent(e: EsdbRecordedLike, fallbackCommit?: bigint): RecordedEvent {
  const position = e.position ?? (fallbackCommit !== undefined ? { commit: fallbackCommit, prepare: fallbackCommit } : undefined);
  if (!position) throw new Error(`event ${e.id} has no ledger position (EventStoreDB 22.10 or later is required)`);
  const metadata = e.metadata as EventMetadata;
  return {
    id: e.id,
    streamName: e.streamId,
    revision: revisionToNumber(e.revision),
    position: positionToString(position),
    type: e.type,
    data: e.data as Record<string, unknown>,
    effectiveDate: metadata.effectiveDate,
    recordedAt: e.created.toISOString(),
    metadata,
  };
}

/** System events and streams (`$…`) are EventStoreDB's own, never the ledger's. */
export function isLedgerEvent(e: { streamId: string; type: string }): boolean {
  return !e.streamId.startsWith('$') && !e.type.startsWith('$');
}

/**
 * Drains a stream read. The client raises StreamNotFoundError while iterating (not when the read is
 * created); an unknown stream reads as empty in the port.
 */
export async function collectStreamRead<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const item of read) out.push(item);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return out;
}
