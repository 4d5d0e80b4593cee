import { randomUUID } from 'node:crypto';
import {
  eventHash,
  EventStore,
  EventTooLargeError,
  GENESIS_HASH,
  NewEvent,
  RecordedEvent,
  WriteNotAppliedError,
  WrongExpectedRevisionError,
} from '@app/event-store';

/**
 * The one contract every event store adapter passes. Stream categories are unique per test so the
 * suite can run against a shared server that already holds other events.
 */
export function eventStoreContract(name: string, open: () => Promise<EventStore>): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let category: string;
    beforeEach(async () => {
      store = await open();
      category = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(async () => store.close());

    const stream = (id: string) => `${category}-${id}`;
    const ev = (type: string, data: Record<string, unknown> = {}, id = randomUUID()): NewEvent => ({
      id,
      type,
      data,
      effectiveDate: '2025-07-21',
      context: { userId: 'u-1', role: 'finance', correlationId: 'req-1', causationId: 'cmd-1' },
    });

    it('appends to a new stream and reads it back with revisions, metadata and a hash chain', async () => {
      const result = await store.append(
        stream('a'),
        [ev('FundingAllocated', { amount: 10_080_000_000 }), ev('FundingRevised', { amount: 1 })],
        'no_stream',
      );
      expect(result.nextRevision).toBe(1);
      const events = await store.readStream(stream('a'));
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['FundingAllocated', 0],
        ['FundingRevised', 1],
      ]);
      expect(events[1].position).toBe(result.position);
      expect(events[0].data).toEqual({ amount: 10_080_000_000 });
      expect(events[0].effectiveDate).toBe('2025-07-21');
      expect(new Date(events[0].recordedAt).toISOString()).toBe(events[0].recordedAt);
      expect(events[0].metadata).toMatchObject({
        userId: 'u-1',
        role: 'finance',
        correlationId: 'req-1',
        causationId: 'cmd-1',
        schemaVersion: 1,
      });
      expect(events[0].metadata.prevHash).toBe(GENESIS_HASH);
      expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
      for (const e of events) expect(e.metadata.hash).toBe(eventHash(e.metadata.prevHash, e));
    });

    it('refuses a stale expected revision with a typed error and writes nothing', async () => {
      await store.append(stream('b'), [ev('A')], 'no_stream');
      await store.append(stream('b'), [ev('B')], 0);
      await expect(store.append(stream('b'), [ev('C')], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream('b'), [ev('C')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream('missing'), [ev('C')], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream('missing'), [ev('C')], 3)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream('b'))).map((e) => e.type)).toEqual(['A', 'B']);
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('accepts any and stream_exists and keeps the hash chain intact', async () => {
      await store.append(stream('c'), [ev('A')], 'any');
      await store.append(stream('c'), [ev('B')], 'stream_exists');
      await store.append(stream('c'), [ev('C')], 'any');
      const events = await store.readStream(stream('c'));
      expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(events[2].metadata.prevHash).toBe(events[1].metadata.hash);
    });

    it('treats re-appending the same event ids as a no-op that answers the first result', async () => {
      const batch = [ev('A'), ev('B')];
      const first = await store.append(stream('d'), batch, 'no_stream');
      const again = await store.append(stream('d'), batch, 'no_stream');
      expect(again).toEqual(first);
      expect(await store.readStream(stream('d'))).toHaveLength(2);
    });

    it('reads the ledger forwards in pages from an exclusive position, filtered by category, in position order', async () => {
      const other = `${category}x`;
      await store.append(stream('e1'), [ev('A'), ev('B')], 'no_stream');
      await store.append(`${other}-1`, [ev('X')], 'no_stream');
      await store.append(stream('e2'), [ev('C')], 'no_stream');
      await store.append(stream('e1'), [ev('D')], 1);

      const all = await store.readAll({ maxCount: 10_000, categories: [category] });
      expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      const positions = all.map((e) => e.position);
      expect([...positions].sort()).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      positions.forEach((p) => expect(store.isPosition(p)).toBe(true));

      const page1 = await store.readAll({ maxCount: 2, categories: [category] });
      const page2 = await store.readAll({ after: page1[1].position, maxCount: 2, categories: [category] });
      expect([...page1, ...page2].map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);

      const both = await store.readAll({ after: all[0].position, maxCount: 10_000, categories: [category, other] });
      expect(both.map((e) => e.type)).toEqual(['B', 'X', 'C', 'D']);
      expect((await store.headPosition())! >= all[3].position).toBe(true);
    });

    it('reads a stream only up to a ledger position or a recorded time', async () => {
      const first = await store.append(stream('f'), [ev('A')], 'no_stream');
      await store.append(stream('f'), [ev('B')], 0);
      expect((await store.readStream(stream('f'), { toPosition: first.position })).map((e) => e.type)).toEqual(['A']);
      expect(await store.readStream(stream('f'), { toRecordedAt: new Date('2000-01-01T00:00:00Z') })).toEqual([]);
      expect(await store.readStream(stream('f'), { toRecordedAt: new Date(Date.now() + 60_000) })).toHaveLength(2);
    });

    it('reads several streams at once', async () => {
      await store.append(stream('g1'), [ev('A')], 'no_stream');
      await store.append(stream('g2'), [ev('B'), ev('C')], 'no_stream');
      const read = await store.readStreams([stream('g1'), stream('g2'), stream('g3')]);
      expect(read.get(stream('g1'))!.map((e) => e.type)).toEqual(['A']);
      expect(read.get(stream('g2'))!.map((e) => e.type)).toEqual(['B', 'C']);
      expect(read.get(stream('g3'))).toEqual([]);
    });

    it('reads several streams from a revision each: only the later events of those named, the others whole', async () => {
      await store.append(stream('r1'), [ev('A'), ev('B'), ev('C')], 'no_stream');
      await store.append(stream('r2'), [ev('D'), ev('E')], 'no_stream');
      const read = await store.readStreams([stream('r1'), stream('r2'), stream('r3')], {
        fromRevision: new Map([
          [stream('r1'), 0],
          [stream('r3'), 4],
        ]),
      });
      expect(read.get(stream('r1'))!.map((e) => [e.type, e.revision])).toEqual([
        ['B', 1],
        ['C', 2],
      ]);
      expect(read.get(stream('r2'))!.map((e) => e.type)).toEqual(['D', 'E']);
      expect(read.get(stream('r3'))).toEqual([]);
      const past = await store.readStreams([stream('r2')], { fromRevision: new Map([[stream('r2'), 1]]) });
      expect(past.get(stream('r2'))).toEqual([]);
    });

    it('answers appends started together, each by its own expected revision: one refused leaves the others written', async () => {
      await store.append(stream('c0'), [ev('A')], 'no_stream');
      const outcomes = await Promise.all([
        store.appendMany([{ streamName: stream('c1'), expectedRevision: 'no_stream', events: [ev('B')] }]),
        store.appendMany([{ streamName: stream('c0'), expectedRevision: 'no_stream', events: [ev('C')] }]),
        store.append(stream('c2'), [ev('D'), ev('E')], 'no_stream'),
      ]);
      expect(outcomes[0][0].ok).toBe(true);
      expect(outcomes[1][0].ok).toBe(false);
      expect((outcomes[1][0] as { error: Error }).error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(outcomes[2].nextRevision).toBe(1);
      expect((await store.readStream(stream('c0'))).map((e) => e.type)).toEqual(['A']);
      expect((await store.readStream(stream('c1'))).map((e) => e.type)).toEqual(['B']);
      expect((await store.readStream(stream('c2'))).map((e) => e.type)).toEqual(['D', 'E']);
    });

    it('appends to several streams; a failed lead write writes nothing', async () => {
      await store.append(stream('h1'), [ev('A')], 'no_stream');
      const ok = await store.appendMany([
        { streamName: stream('h1'), expectedRevision: 0, events: [ev('B')] },
        { streamName: stream('h2'), expectedRevision: 'no_stream', events: [ev('C')] },
      ]);
      expect(ok.every((o) => o.ok)).toBe(true);

      const stale = await store.appendMany([
        { streamName: stream('h1'), expectedRevision: 0, events: [ev('X')] },
        { streamName: stream('h3'), expectedRevision: 'no_stream', events: [ev('Y')] },
      ]);
      expect(stale[0]).toMatchObject({ ok: false });
      expect((stale[0] as { error: Error }).error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((stale[1] as { error: Error }).error).toBeInstanceOf(WriteNotAppliedError);
      expect(await store.readStream(stream('h3'))).toEqual([]);
      expect(await store.readStream(stream('h1'))).toHaveLength(2);
    });

    it('reports a failed later write of appendMany and leaves its stream untouched', async () => {
      await store.append(stream('i2'), [ev('A')], 'no_stream');
      const outcomes = await store.appendMany([
        { streamName: stream('i1'), expectedRevision: 'no_stream', events: [ev('L')] },
        { streamName: stream('i2'), expectedRevision: 'no_stream', events: [ev('B')] },
      ]);
      expect(outcomes[1].ok).toBe(false);
      expect(await store.readStream(stream('i2'))).toHaveLength(1);
    });

    it('subscribes after a position: catches up without that position, then delivers live events', async () => {
      await store.append(stream('j'), [ev('A'), ev('B')], 'no_stream');
      const [a] = await store.readStream(stream('j'));
      const seen: RecordedEvent[] = [];
      const sub = store.subscribe({ after: a.position, categories: [category] }, (e) => {
        seen.push(e);
      });
      await sub.caughtUp;
      await store.append(stream('j'), [ev('C')], 1);
      await waitFor(() => seen.length >= 2);
      await sub.stop();
      expect(seen.map((e) => e.type)).toEqual(['B', 'C']);
      await store.append(stream('j'), [ev('D')], 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.map((e) => e.type)).toEqual(['B', 'C']);
    });

    describe('re-appending the same event ids answers the first result and writes nothing, whatever the expected revision', () => {
      it('no_stream', async () => {
        const batch = [ev('A'), ev('B')];
        const first = await store.append(stream('k1'), batch, 'no_stream');
        await store.append(stream('k1'), [ev('C')], 1);
        expect(await store.append(stream('k1'), batch, 'no_stream')).toEqual(first);
        expect((await store.readStream(stream('k1'))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('an exact revision', async () => {
        await store.append(stream('k2'), [ev('A')], 'no_stream');
        const batch = [ev('B'), ev('C')];
        const first = await store.append(stream('k2'), batch, 0);
        expect(await store.append(stream('k2'), batch, 0)).toEqual(first);
        await store.append(stream('k2'), [ev('D')], 2);
        expect(await store.append(stream('k2'), batch, 0)).toEqual(first);
        expect((await store.readStream(stream('k2'))).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      });

      it('any', async () => {
        const batch = [ev('A'), ev('B')];
        const first = await store.append(stream('k3'), batch, 'any');
        expect(await store.append(stream('k3'), batch, 'any')).toEqual(first);
        await store.append(stream('k3'), [ev('C')], 'any');
        expect(await store.append(stream('k3'), batch, 'any')).toEqual(first);
        expect((await store.readStream(stream('k3'))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('stream_exists', async () => {
        await store.append(stream('k4'), [ev('A')], 'no_stream');
        const batch = [ev('B')];
        const first = await store.append(stream('k4'), batch, 'stream_exists');
        expect(await store.append(stream('k4'), batch, 'stream_exists')).toEqual(first);
        await store.append(stream('k4'), [ev('C')], 'stream_exists');
        expect(await store.append(stream('k4'), batch, 'stream_exists')).toEqual(first);
        const events = await store.readStream(stream('k4'));
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        for (const e of events) expect(e.metadata.hash).toBe(eventHash(e.metadata.prevHash, e));
      });

      it('ids already in the stream but not as this write refuse it (typed)', async () => {
        const [a, b] = [ev('A'), ev('B')];
        await store.append(stream('k5'), [a, b], 'no_stream');
        await expect(store.append(stream('k5'), [b, a], 'any')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream('k5'))).toHaveLength(2);
      });
    });

    it('writes several events larger together than the append limit, whole, in order, the chain intact', async () => {
      const big = (type: string) => ev(type, { pad: 'x'.repeat(400_000) });
      await store.append(stream('l'), [ev('A')], 'no_stream');
      const batch = [big('B'), big('C'), big('D')];
      const result = await store.append(stream('l'), batch, 0);
      expect(result.nextRevision).toBe(3);
      const events = await store.readStream(stream('l'));
      expect(events.map((e) => [e.type, e.revision])).toEqual([
        ['A', 0],
        ['B', 1],
        ['C', 2],
        ['D', 3],
      ]);
      for (const e of events) expect(e.metadata.hash).toBe(eventHash(e.metadata.prevHash, e));
      expect(events[3].position).toBe(result.position);
      // And again: the same answer, nothing written.
      expect(await store.append(stream('l'), batch, 0)).toEqual(result);
      expect(await store.readStream(stream('l'))).toHaveLength(4);
    });

    it('refuses one event over the append limit with a typed error and writes nothing', async () => {
      await expect(store.append(stream('m'), [ev('A'), ev('Huge', { pad: 'x'.repeat(1_100_000) })], 'no_stream')).rejects.toBeInstanceOf(
        EventTooLargeError,
      );
      expect(await store.readStream(stream('m'))).toEqual([]);
    });

    it('answers the head of the ledger exactly: the position of its last event', async () => {
      const result = await store.append(stream('n'), [ev('A'), ev('B')], 'no_stream');
      const head = await store.headPosition();
      const later = await store.readAll({ after: result.position, maxCount: 1 });
      // On a shared server another suite may have appended since; otherwise the head is ours exactly.
      if (later.length === 0) expect(head).toBe(result.position);
      else expect(head! >= later[0].position).toBe(true);
    });

    it('a subscription whose handler fails gets the event again and carries on', async () => {
      await store.append(stream('o'), [ev('A'), ev('B'), ev('C')], 'no_stream');
      const seen: string[] = [];
      const errors: Error[] = [];
      let failed = false;
      const sub = store.subscribe({ categories: [category], onError: (e) => errors.push(e) }, (e) => {
        if (e.type === 'B' && !failed) {
          failed = true;
          throw new Error('read store unavailable');
        }
        seen.push(e.type);
      });
      await waitFor(() => seen.length >= 3, 15_000);
      await store.append(stream('o'), [ev('D')], 2);
      await waitFor(() => seen.length >= 4, 15_000);
      await sub.stop();
      expect(seen).toEqual(['A', 'B', 'C', 'D']);
      expect(errors.map((e) => e.message)).toEqual(['read store unavailable']);
    });

    it('rejects strings that are not positions of this store', () => {
      expect(store.isPosition('not-a-position')).toBe(false);
      expect(store.isPosition('{"$gt":""}')).toBe(false);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
