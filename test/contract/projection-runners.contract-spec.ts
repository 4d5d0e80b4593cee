import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { SqliteEventStore } from '@app/event-store';
import { MongoReadStore, READ_MODEL_SCHEMA, SqliteReadStore } from '@app/read-models';
import { twoRunnersContract } from './projection-runners.contract';

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-runners-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const s of stores) await s.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const ledger = async () => {
  const store = new SqliteEventStore(join(tempDir(), 'ledger.sqlite'));
  stores.push(store);
  return store;
};

// Two connections to one file: two processes, as far as SQLite's locking is concerned.
twoRunnersContract('SQLite (embedded), two connections', ledger, async () => {
  const file = join(tempDir(), 'read-models.sqlite');
  const a = new SqliteReadStore(file, READ_MODEL_SCHEMA);
  const b = new SqliteReadStore(file, READ_MODEL_SCHEMA);
  return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
});

const url = process.env.MONGO_URL;
if (url) {
  const databases: string[] = [];
  afterAll(async () => {
    const client = await MongoClient.connect(url);
    for (const db of databases) await client.db(db).dropDatabase();
    await client.close();
  });
  twoRunnersContract(`MongoDB at ${url}, two clients`, ledger, async () => {
    const u = new URL(url);
    const db = `runners_${randomUUID().slice(0, 8)}`;
    databases.push(db);
    u.pathname = `/${db}`;
    const a = await MongoReadStore.connect(u.toString(), READ_MODEL_SCHEMA);
    const b = await MongoReadStore.connect(u.toString(), READ_MODEL_SCHEMA);
    return [a, b, async () => void (await Promise.all([a.close(), b.close()]))];
  });
} else {
  describe('two projection runners on one read store: MongoDB', () => {
    it.skip('skipped: MONGO_URL is not set (the GitHub workflow sets it)', () => undefined);
  });
}
