import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadStore } from './sqlite-read-store';

describe('SQLite read store', () => {
  it('opens read models written before checkpoints had versions, keeping their checkpoints and documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-rs-old-'));
    const file = join(dir, 'read-models.sqlite');
    try {
      // The layout the previous version of the store created.
      const db = new Database(file);
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE records (namespace TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (namespace, id));
        INSERT INTO meta (key, value) VALUES ('activeGeneration', '2'), ('lastGeneration', '2');
        CREATE TABLE rm_g1_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL);
        CREATE TABLE rm_g2_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL);
        CREATE TABLE rm_g2_regions (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
        INSERT INTO rm_g2_checkpoints VALUES ('ledger', 'p-7');
        INSERT INTO rm_g2_regions VALUES ('53', '{"id":"53","name":"Nusa Tenggara Timur"}');
      `);
      db.close();

      const store = new SqliteReadStore(file, { regions: { indexes: [] } });
      const again = new SqliteReadStore(file, { regions: { indexes: [] } });
      const models = await store.active();
      expect(models.generation).toBe(2);
      expect(await models.projectionState('ledger')).toEqual({ checkpoint: 'p-7' });
      expect(await models.get('regions', '53')).toEqual({ id: '53', name: 'Nusa Tenggara Timur' });
      await models.commit('regions', [], 'p-8', 3);
      expect(await (await again.active()).projectionState('regions')).toEqual({ checkpoint: 'p-8', version: 3 });
      await store.close();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
