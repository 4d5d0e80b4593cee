import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
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
  /** Saves on a connection of their own in a worker thread (unless `saveInWorker: false`), in order. */
  private saver: Worker | undefined;
  private readonly saving = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private saves = 0;
  /** The thread saves in order: once the last one asked for has settled, all have. */
  private lastSave: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly options: { saveInWorker?: boolean } = {},
  ) {
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
      save: this.db.prepare<[string, number, string, string, string]>(SAVE_SQL),
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

  /**
   * In a worker thread: a monthly batch of 100,000 workers saves as many states of about 1 kB, which took
   * 1.3 s of the event loop (measured); the seam goes on reading while they are written.
   */
  async save(snapshots: readonly StreamSnapshot[]): Promise<void> {
    const rows = snapshots.map((s) => [s.streamName, s.revision, s.eventId, s.schema, JSON.stringify(s.state)] as const);
    const saver = this.options.saveInWorker === false ? undefined : this.startSaver();
    if (!saver) {
      this.db.transaction(() => rows.forEach((row) => this.stmts.save.run(...row)))();
      return;
    }
    const id = ++this.saves;
    const saved = new Promise<void>((resolve, reject) => {
      this.saving.set(id, { resolve, reject });
      saver.postMessage({ id, rows });
    });
    this.lastSave = saved.catch(() => undefined);
    return saved;
  }

  private startSaver(): Worker | undefined {
    if (this.saver) return this.saver;
    const saver = new Worker(SAVER, {
      eval: true,
      workerData: { file: this.file, sql: SAVE_SQL, driver: require.resolve('better-sqlite3') },
    });
    saver.unref();
    saver.on('message', (m: { id: number; error?: string }) => {
      const waiting = this.saving.get(m.id);
      this.saving.delete(m.id);
      if (m.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(m.error));
    });
    const stop = (error: Error) => {
      // Saves go on on this thread; those in hand are lost (a cache: the next command reads more events).
      this.options.saveInWorker = false;
      this.saver = undefined;
      for (const waiting of this.saving.values()) waiting.reject(error);
      this.saving.clear();
    };
    saver.on('error', stop);
    saver.on('exit', (code) => stop(new Error(`the snapshot writer thread stopped (exit code ${code})`)));
    this.saver = saver;
    return saver;
  }

  async close(): Promise<void> {
    await this.lastSave;
    const saver = this.saver;
    this.saver = undefined;
    await saver?.terminate();
    if (this.db.open) this.db.close();
  }
}

const SAVE_SQL = `INSERT INTO stream_snapshots (stream_name, revision, event_id, schema, state) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id, schema = excluded.schema, state = excluded.state`;

/** The saver thread's script: plain JavaScript through `eval`, so it runs alike under ts-jest and the build. */
const SAVER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = OFF');
db.pragma('busy_timeout = 5000');
const save = db.prepare(workerData.sql);
const saveAll = db.transaction((rows) => { for (const r of rows) save.run(r[0], r[1], r[2], r[3], r[4]); });
parentPort.on('message', ({ id, rows }) => {
  try { saveAll(rows); parentPort.postMessage({ id }); }
  catch (e) { parentPort.postMessage({ id, error: String(e && e.message) }); }
});
`;

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
