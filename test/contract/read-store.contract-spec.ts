import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { InMemoryReadModels, MongoReadStore, SqliteReadStore } from '@app/read-models';
import { contractSchema, projectionStateContract, readStoreContract } from './read-store.contract';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

readStoreContract('SQLite (embedded)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-rs-'));
  dirs.push(dir);
  return new SqliteReadStore(join(dir, 'read-models.sqlite'), contractSchema);
});

describe('read models contract: in memory (projection state)', () => projectionStateContract(async () => new InMemoryReadModels()));

const url = process.env.MONGO_URL;
if (url) {
  const databases: string[] = [];
  afterAll(async () => {
    const client = await MongoClient.connect(url);
    for (const db of databases) await client.db(db).dropDatabase();
    await client.close();
  });
  readStoreContract(`MongoDB at ${url}`, async () => {
    const u = new URL(url);
    const db = `contract_${randomUUID().slice(0, 8)}`;
    databases.push(db);
    u.pathname = `/${db}`;
    return MongoReadStore.connect(u.toString(), contractSchema);
  });
} else {
  describe('read store contract: MongoDB', () => {
    it.skip('skipped: MONGO_URL is not set (the GitHub workflow sets it)', () => undefined);
  });
}
