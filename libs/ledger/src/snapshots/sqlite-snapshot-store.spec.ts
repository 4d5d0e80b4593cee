import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

describe('SqliteSnapshotStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'snapshots-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = (streamName: string, revision: number, size = 10) => ({
    streamName,
    revision,
    eventId: `event-${revision}`,
    schema: 'worker-state/1',
    state: { paid: 'x'.repeat(size) },
  });

  it('keeps the latest snapshot of each stream, large states included, and only under its schema', async () => {
    const store = new SqliteSnapshotStore(join(dir, 'snapshots.sqlite'));
    await store.save([snapshot('worker-a', 1), snapshot('worker-b', 3, 5_000)]);
    await store.save([snapshot('worker-a', 5, 2_000)]);
    const kept = await store.load(['worker-a', 'worker-b', 'worker-c'], 'worker-state/1');
    expect([...kept.keys()].sort()).toEqual(['worker-a', 'worker-b']);
    expect(kept.get('worker-a')).toEqual(snapshot('worker-a', 5, 2_000));
    expect(kept.get('worker-b')).toEqual(snapshot('worker-b', 3, 5_000));
    expect((await store.load(['worker-a'], 'worker-state/2')).size).toBe(0);
    await store.close();
  });

  it('given a file of the first version (a WITHOUT ROWID table), drops that cache and starts afresh', async () => {
    const file = join(dir, 'snapshots.sqlite');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE snapshots (stream_name TEXT PRIMARY KEY, revision INTEGER NOT NULL, event_id TEXT NOT NULL, schema TEXT NOT NULL, state TEXT NOT NULL) WITHOUT ROWID',
    );
    old.prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)').run('worker-a', 1, 'event-1', 'worker-state/1', '{"paid":"x"}');
    old.close();

    const store = new SqliteSnapshotStore(file);
    expect((await store.load(['worker-a'], 'worker-state/1')).size).toBe(0);
    await store.save([snapshot('worker-a', 2)]);
    expect((await store.load(['worker-a'], 'worker-state/1')).get('worker-a')?.revision).toBe(2);
    await store.close();

    const db = new Database(file, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    db.close();
    expect(tables).toEqual(['stream_snapshots']);
  });
});
