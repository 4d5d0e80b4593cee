import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, StreamWrite, WrongExpectedRevisionError } from './event-store.port';
import { LONG_WRITE_EVENTS, SqliteEventStore } from './sqlite-event-store';

const ev = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: { n: 1 },
  effectiveDate: '2025-07-21',
  context: { userId: 'u-1', role: 'operator', correlationId: 'req-1', causationId: 'cmd-1' },
});
const many = (n: number, prefix: string): StreamWrite[] =>
  Array.from({ length: n }, (_, i) => ({ streamName: `${prefix}-${i}`, expectedRevision: 'no_stream' as const, events: [ev('P')] }));

describe('the embedded store: long writes inserted and committed in a worker thread', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-long-'));
    file = join(dir, 'ledger.sqlite');
    store = new SqliteEventStore(file);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const spy = (name: 'writeLongInWorker' | 'writeLongHere' | 'sealOn') =>
    jest.spyOn(store as unknown as Record<typeof name, (...args: unknown[]) => unknown>, name);

  it('writes a long appendMany in the worker: every write answered with its own position, the chains continued after it', async () => {
    await store.append('w-0', [ev('A')], 'no_stream');
    const here = spy('writeLongHere');
    const writes = [{ streamName: 'w-0', expectedRevision: 0 as const, events: [ev('B'), ev('C')] }, ...many(LONG_WRITE_EVENTS, 'n')];
    const outcomes = await store.appendMany(writes);
    expect(here).not.toHaveBeenCalled();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const positions = outcomes.map((o) => (o.ok ? o.result.position : ''));
    expect(new Set(positions).size).toBe(writes.length);
    expect([...positions].sort()).toEqual(positions);
    expect(outcomes[0].ok && outcomes[0].result.nextRevision).toBe(2);

    await store.append('w-0', [ev('D')], 2);
    const stream = await store.readStream('w-0');
    expect(stream.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    for (let i = 1; i < stream.length; i++) expect(stream[i].metadata.prevHash).toBe(stream[i - 1].metadata.hash);
    expect(stream[1].position).toBe(positions[0].replace(/\d+$/, (p) => String(Number(p) - 1).padStart(p.length, '0')));
    expect((await store.readStream('n-17'))[0].position).toBe(positions[18]);
    expect(await store.headPosition()).toBe(stream[3].position);
  });

  it('a retried long appendMany (the same ids) answers the first positions and writes nothing', async () => {
    const writes = many(LONG_WRITE_EVENTS + 1, 'r');
    const first = await store.appendMany(writes);
    const head = await store.headPosition();
    const again = await store.appendMany(writes);
    expect(again).toEqual(first);
    expect(await store.headPosition()).toBe(head);
  });

  it('a refused write anywhere in it leaves none of it, and the refusal names that write', async () => {
    await store.append('x-last', [ev('A')], 'no_stream');
    const writes = [...many(LONG_WRITE_EVENTS, 'x'), { streamName: 'x-last', expectedRevision: 'no_stream' as const, events: [ev('B')] }];
    const outcomes = await store.appendMany(writes);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    const last = outcomes[outcomes.length - 1];
    expect(!last.ok && last.error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('x-0')).toEqual([]);
  });

  it('an event id already in the ledger under another stream fails in the worker: nothing written, that write named', async () => {
    const taken = ev('A');
    await store.append('other', [taken], 'no_stream');
    const writes = many(LONG_WRITE_EVENTS + 10, 'd');
    writes[1500] = { ...writes[1500], events: [{ ...ev('P'), id: taken.id }] };
    const outcomes = await store.appendMany(writes);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(!outcomes[1500].ok && outcomes[1500].error.name).not.toBe('WriteNotAppliedError');
    expect(!outcomes[0].ok && outcomes[0].error.name).toBe('WriteNotAppliedError');
    expect(await store.readStream('d-0')).toEqual([]);
  });

  it('seals on heads read inside its transaction: another process can write nothing until the commit, and what it wrote before is seen', async () => {
    const other = new Database(file, { timeout: 0 });
    other.prepare("INSERT INTO streams (stream_name, revision, last_hash) VALUES ('s-9', 0, 'elsewhere')").run();
    const blocked: unknown[] = [];
    const original = (store as unknown as { sealOn: (...args: unknown[]) => unknown }).sealOn.bind(store);
    spy('sealOn').mockImplementation((...args: unknown[]) => {
      if (blocked.length === 0) {
        try {
          other.prepare("INSERT INTO streams (stream_name, revision, last_hash) VALUES ('s-0', 0, 'elsewhere')").run();
          blocked.push('written');
        } catch (error) {
          blocked.push((error as { code?: string }).code);
        }
      }
      return original(...args);
    });
    const outcomes = await store.appendMany(many(LONG_WRITE_EVENTS + 10, 's'));
    other.close();
    expect(blocked).toEqual(['SQLITE_BUSY']);
    expect(!outcomes[9].ok && outcomes[9].error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(await store.readStream('s-0')).toEqual([]);
  });

  it('a stream named twice in one appendMany is written on this thread, in order', async () => {
    const here = spy('writeLongHere');
    const writes = [...many(LONG_WRITE_EVENTS, 't'), { streamName: 't-0', expectedRevision: 0 as const, events: [ev('Q')] }];
    const outcomes = await store.appendMany(writes);
    expect(here).toHaveBeenCalledTimes(1);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await store.readStream('t-0')).map((e) => e.type)).toEqual(['P', 'Q']);
  });
});
