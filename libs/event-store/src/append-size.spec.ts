import { appendSizeOf, chunkBySize, DEFAULT_MAX_APPEND_BYTES } from './append-size';
import { EventTooLargeError } from './event-store.port';
import { sealEvents } from './sealing';
import { GENESIS_HASH } from './hashing';

const context = { userId: 'u', role: 'operator', correlationId: 'c', causationId: 'c' };
const sealed = (sizes: number[]) =>
  sealEvents(
    's-1',
    -1,
    GENESIS_HASH,
    sizes.map((n, i) => ({ id: `e${i}`, type: 'T', data: { pad: 'x'.repeat(n) }, effectiveDate: '2026-01-01', context })),
  );

describe('appends under the EventStoreDB size limit', () => {
  it('defaults to 1 MiB less a margin', () => {
    expect(DEFAULT_MAX_APPEND_BYTES).toBeLessThan(1024 * 1024);
    expect(DEFAULT_MAX_APPEND_BYTES).toBeGreaterThan(900_000);
  });

  it('counts data, metadata and the envelope', () => {
    const [s] = sealed([1000]);
    expect(appendSizeOf(s)).toBeGreaterThan(1000 + JSON.stringify(s.metadata).length);
  });

  it('splits a write of many events into consecutive chunks each under the limit, in order', () => {
    const events = sealed([400, 400, 400, 400, 400]);
    const limit = appendSizeOf(events[0]) * 2 + 10;
    const chunks = chunkBySize('s-1', events, limit);
    expect(chunks.map((c) => c.map((s) => s.event.id))).toEqual([['e0', 'e1'], ['e2', 'e3'], ['e4']]);
    for (const c of chunks) expect(c.reduce((n, s) => n + appendSizeOf(s), 0)).toBeLessThanOrEqual(limit);
    expect(chunkBySize('s-1', events, DEFAULT_MAX_APPEND_BYTES)).toHaveLength(1);
  });

  it('refuses the whole write, typed, when one event alone is over the limit', () => {
    const events = sealed([10, 5000, 10]);
    expect(() => chunkBySize('s-1', events, 2000)).toThrow(EventTooLargeError);
    try {
      chunkBySize('s-1', events, 2000);
    } catch (error) {
      expect(error).toMatchObject({ streamName: 's-1', eventType: 'T', limit: 2000 });
    }
  });
});
