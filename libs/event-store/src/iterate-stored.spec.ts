import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';

describe('SqliteEventStore.iterateStored', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iterate-stored-'));
    store = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yields, page by page, exactly what readAll reads of the fields verification needs', async () => {
    const context = { userId: 'u1', role: 'operator', correlationId: 'c', causationId: 'c' };
    for (let i = 0; i < 7; i++) {
      await store.append(
        `s-${i % 3}`,
        [{ id: `e-${i}`, type: 'T', data: { n: i, b: { z: 1, a: [i, 'x'] } }, effectiveDate: '2025-01-01', context }],
        'any',
      );
    }
    const all = await store.readAll({ maxCount: 100 });
    const pages = [...store.iterateStored({ pageSize: 3 })];
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(
      all.map((e) => ({
        position: e.position,
        streamName: e.streamName,
        revision: e.revision,
        type: e.type,
        data: e.data,
        effectiveDate: e.effectiveDate,
        recordedAt: e.recordedAt,
        metadata: { hash: e.metadata.hash, prevHash: e.metadata.prevHash, userId: e.metadata.userId, role: e.metadata.role },
      })),
    );
    expect([...store.iterateStored({ after: all[4].position })].flat().map((e) => e.position)).toEqual(all.slice(5).map((e) => e.position));
  });
});
