import { ANY, NO_STREAM, STREAM_EXISTS, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { WrongExpectedRevisionError } from './event-store.port';
import {
  collectStreamRead,
  fromEsdbEvent,
  isLedgerEvent,
  mapAppendError,
  positionFromString,
  positionToString,
  revisionToNumber,
  toEsdbExpectedRevision,
} from './esdb-mapping';

describe('EventStoreDB mapping', () => {
  it('keeps commit and prepare in a position string that sorts in ledger order', () => {
    const p = { commit: 18_446_744_073_709_551_615n, prepare: 12n };
    expect(positionFromString(positionToString(p))).toEqual(p);
    const earlier = positionToString({ commit: 9n, prepare: 9n });
    const later = positionToString({ commit: 10n, prepare: 10n });
    expect(earlier < later).toBe(true);
    expect(positionToString({ commit: 10n, prepare: 3n }) < positionToString({ commit: 10n, prepare: 4n })).toBe(true);
    expect(() => positionFromString('123')).toThrow(RangeError);
  });

  it('turns BigInt revisions into numbers and refuses ones past 2^53', () => {
    expect(revisionToNumber(0n)).toBe(0);
    expect(revisionToNumber(9_007_199_254_740_991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => revisionToNumber(9_007_199_254_740_992n)).toThrow(RangeError);
  });

  it('maps expected revisions to the client constants and BigInt', () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
  });

  it("maps the client's WrongExpectedVersionError to the port's typed error", () => {
    const err = new WrongExpectedVersionError(undefined, { streamName: 'allocation-1', expected: 3n, current: 5n });
    const mapped = mapAppendError(err, 'allocation-1');
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamName: 'allocation-1', expected: 3, actual: 5 });
    const noStream = mapAppendError(
      new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM }),
      's',
    );
    expect(noStream).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    const other = new Error('boom');
    expect(mapAppendError(other, 's')).toBe(other);
  });

  it('maps a recorded event, taking the position from the commit position when a stream read has none', () => {
    const base = {
      streamId: 'worker-1',
      id: 'e1',
      revision: 7n,
      type: 'WorkerEnrolled',
      created: new Date('2025-07-07T01:00:00Z'),
      data: { regionCode: '53.03' },
      metadata: { effectiveDate: '2025-07-07', hash: 'h', prevHash: 'p' },
    };
    const withPosition = fromEsdbEvent({ ...base, position: { commit: 100n, prepare: 90n } });
    expect(withPosition).toMatchObject({
      revision: 7,
      position: positionToString({ commit: 100n, prepare: 90n }),
      effectiveDate: '2025-07-07',
      recordedAt: '2025-07-07T01:00:00.000Z',
    });
    expect(fromEsdbEvent(base, 55n).position).toBe(positionToString({ commit: 55n, prepare: 55n }));
    expect(() => fromEsdbEvent(base)).toThrow(/position/);
  });

  it('reads an unknown stream as empty when the client throws StreamNotFoundError while iterating', async () => {
    // The client yields nothing and then fails, as a read of a stream that does not exist does.
    const missing = (): AsyncIterable<number> => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new StreamNotFoundError(undefined, 'worker-x')) }),
    });
    expect(await collectStreamRead(missing())).toEqual([]);
  });

  it('passes on other errors raised in the middle of a read', async () => {
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new Error('connection reset');
    }
    await expect(collectStreamRead(broken())).rejects.toThrow('connection reset');
  });

  it('leaves out system streams and events', () => {
    expect(isLedgerEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(false);
    expect(isLedgerEvent({ streamId: 'allocation-1', type: '$metadata' })).toBe(false);
    expect(isLedgerEvent({ streamId: 'allocation-1', type: 'FundingAllocated' })).toBe(true);
  });
});
