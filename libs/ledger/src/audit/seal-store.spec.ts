import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoSealStore } from './mongo-seal-store';
import { sealStoreContract } from './seal-store.contract';
import { SqliteSealStore } from './sqlite-seal-store';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

sealStoreContract('SQLite (embedded)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-seal-'));
  dirs.push(dir);
  return new SqliteSealStore(join(dir, 'seal.sqlite'));
});

const url = process.env.MONGO_URL;
if (url) {
  const databases: string[] = [];
  afterAll(async () => {
    const client = await MongoClient.connect(url);
    for (const db of databases) await client.db(db).dropDatabase();
    await client.close();
  });
  sealStoreContract(`MongoDB at ${url}`, async () => {
    const u = new URL(url);
    const db = `seal_${randomUUID().slice(0, 8)}`;
    databases.push(db);
    u.pathname = `/${db}`;
    return MongoSealStore.connect(u.toString());
  });
} else {
  describe('seal store contract: MongoDB', () => {
    it.skip('skipped: MONGO_URL is not set (the GitHub workflow sets it)', () => undefined);
  });
}
