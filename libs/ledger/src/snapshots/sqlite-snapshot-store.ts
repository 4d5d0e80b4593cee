import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { SnapshotStore, StreamSnapshot } from './snapshot-store.port';

interface Row {
  stream_name: string;
  revision: number;
  event_id: string;
  state: string;
}

/**
 * Snapshots on the embedded store: their own SQLite file beside the ledger (DATA_DIR/snapshots.sqlite,
 * readable by the service's user only, as every embedded file). A cache, so written without waiting
 * for the disk (WAL, synchronous=OFF): a power cut may lose its last writes or, at worst, the file,
 * which is then set aside and started afresh (the next batches read their streams whole once).
 */
export class SqliteSnapshotStore implements SnapshotStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.db = openOrStartAfresh(file);
    // A rowid table: a worker's state passes 1 kB within a year, and a WITHOUT ROWID table stores rows that
    // large on overflow pages (the twelfth batch read and wrote its snapshots 5-9 times slower than a rowid
    // table, measured). The first version's table is a cache like this one: dropped, not migrated.
    this.db.exec(`
      DROP TABLE IF EXISTS snapshots;
      CREATE TABLE IF NOT EXISTS stream_snapshots (
        stream_name TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        schema TEXT NOT NULL,
        state TEXT NOT NULL
      );
    `);
    this.stmts = {
      load: this.db.prepare<[string, string], Row>(
        'SELECT stream_name, revision, event_id, state FROM stream_snapshots WHERE stream_name IN (SELECT value FROM json_each(?)) AND schema = ?',
      ),
      save: this.db.prepare(
        `INSERT INTO stream_snapshots (stream_name, revision, event_id, schema, state) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id, schema = excluded.schema, state = excluded.state`,
      ),
    };
  }

  async load(streamNames: readonly string[], schema: string): Promise<Map<string, StreamSnapshot>> {
    const out = new Map<string, StreamSnapshot>();
    for (const row of this.stmts.load.all(JSON.stringify(streamNames), schema)) {
      let state: unknown;
      try {
        state = JSON.parse(row.state);
      } catch {
        continue; // unreadable: as if absent
      }
      out.set(row.stream_name, { streamName: row.stream_name, revision: row.revision, eventId: row.event_id, schema, state });
    }
    return out;
  }

  async save(snapshots: readonly StreamSnapshot[]): Promise<void> {
    this.db.transaction(() => {
      for (const s of snapshots) this.stmts.save.run(s.streamName, s.revision, s.eventId, s.schema, JSON.stringify(s.state));
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens the file; one that is not a readable snapshot database is moved aside (`.broken`) and a new one made. */
function openOrStartAfresh(file: string): Database.Database {
  const open = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('busy_timeout = 5000');
    return db;
  };
  let db: Database.Database | undefined;
  try {
    db = open();
    if (db.pragma('quick_check', { simple: true }) !== 'ok') throw new Error('snapshot database damaged');
    return db;
  } catch {
    db?.close();
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, `${file}.broken${suffix}`);
    return open();
  }
}
