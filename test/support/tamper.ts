import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chainHash } from '@app/verifier';

/**
 * Tampering with the embedded ledger as someone with write access to DATA_DIR/ledger.sqlite could:
 * straight SQL on the `events` table, behind the application's back (the app may be running: WAL).
 * Positions are the table's integer primary key.
 */
export interface EventRow {
  position: number;
  id: string;
  stream_name: string;
  category: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  effective_date: string;
  recorded_at: string;
}

export const seqOf = (position: string): number => Number(position);

function withLedger<T>(dataDir: string, work: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'ledger.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    return db.transaction(() => work(db))();
  } finally {
    db.close();
  }
}

export function rows(dataDir: string): EventRow[] {
  return withLedger(dataDir, (db) => db.prepare<[], EventRow>('SELECT * FROM events ORDER BY position').all());
}

/** Changes an event's data in place, leaving its stored hashes alone (a clumsy forger). */
export function changeData(dataDir: string, position: string, change: (data: Record<string, unknown>) => Record<string, unknown>): void {
  withLedger(dataDir, (db) => {
    const row = db.prepare<[number], EventRow>('SELECT * FROM events WHERE position = ?').get(seqOf(position));
    if (!row) throw new Error(`no event at ${position}`);
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(change(JSON.parse(row.data))), row.position);
  });
}

/**
 * Changes an event's data and recomputes its hash and every later hash of its stream (a careful
 * forger): every chain still holds; only the Merkle tree (a checkpoint, the sealer's leaves) shows it.
 */
export function rewriteWithHashes(
  dataDir: string,
  position: string,
  change: (data: Record<string, unknown>) => Record<string, unknown>,
): void {
  withLedger(dataDir, (db) => {
    const target = db.prepare<[number], EventRow>('SELECT * FROM events WHERE position = ?').get(seqOf(position));
    if (!target) throw new Error(`no event at ${position}`);
    const stream = db
      .prepare<[string, number], EventRow>('SELECT * FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision')
      .all(target.stream_name, target.revision);
    let prevHash = JSON.parse(stream[0].metadata).prevHash as string;
    for (const [i, row] of stream.entries()) {
      const data = i === 0 ? change(JSON.parse(row.data)) : JSON.parse(row.data);
      const metadata = JSON.parse(row.metadata);
      const hash = chainHash(prevHash, {
        streamName: row.stream_name,
        revision: row.revision,
        type: row.type,
        data,
        effectiveDate: row.effective_date,
      });
      db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?').run(
        JSON.stringify(data),
        JSON.stringify({ ...metadata, prevHash, hash }),
        row.position,
      );
      prevHash = hash;
    }
    db.prepare('UPDATE streams SET last_hash = ? WHERE stream_name = ?').run(prevHash, target.stream_name);
  });
}

/** Deletes an event. */
export function removeEvent(dataDir: string, position: string): void {
  withLedger(dataDir, (db) => {
    if (db.prepare('DELETE FROM events WHERE position = ?').run(seqOf(position)).changes !== 1) throw new Error(`no event at ${position}`);
  });
}

/** Swaps the ledger positions of two events (ledger order changes; each event keeps its content). */
export function swapPositions(dataDir: string, a: string, b: string): void {
  withLedger(dataDir, (db) => {
    const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
    move.run(-1, seqOf(a));
    move.run(seqOf(a), seqOf(b));
    move.run(seqOf(b), -1);
  });
}

/**
 * Inserts a forged event just before the event at `before`: a copy of that event with other data,
 * the same stream, revision and predecessor, and a correct hash of its own (a forger who knows the
 * hash rule). The table's UNIQUE (stream_name, revision) stands in the way, so the table is rebuilt
 * without it first, and every later event moves one position on.
 */
export function insertForgedBefore(
  dataDir: string,
  before: string,
  change: (data: Record<string, unknown>) => Record<string, unknown>,
): void {
  withLedger(dataDir, (db) => {
    const original = db.prepare<[number], EventRow>('SELECT * FROM events WHERE position = ?').get(seqOf(before));
    if (!original) throw new Error(`no event at ${before}`);
    const columns = 'position, id, stream_name, category, revision, type, data, metadata, effective_date, recorded_at';
    db.exec(`
      CREATE TABLE events_forged (position INTEGER PRIMARY KEY, id TEXT NOT NULL, stream_name TEXT NOT NULL, category TEXT NOT NULL, revision INTEGER NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL);
      INSERT INTO events_forged (${columns}) SELECT ${columns} FROM events;
      DROP TABLE events;
      ALTER TABLE events_forged RENAME TO events;
    `);
    const later = db
      .prepare<[number], { position: number }>('SELECT position FROM events WHERE position >= ? ORDER BY position DESC')
      .all(original.position);
    const shift = db.prepare('UPDATE events SET position = position + 1 WHERE position = ?');
    for (const r of later) shift.run(r.position);
    const data = change(JSON.parse(original.data));
    const metadata = JSON.parse(original.metadata);
    const hash = chainHash(metadata.prevHash, {
      streamName: original.stream_name,
      revision: original.revision,
      type: original.type,
      data,
      effectiveDate: original.effective_date,
    });
    db.prepare(`INSERT INTO events (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      original.position,
      `${original.id}-forged`,
      original.stream_name,
      original.category,
      original.revision,
      original.type,
      JSON.stringify(data),
      JSON.stringify({ ...metadata, hash }),
      original.effective_date,
      original.recorded_at,
    );
  });
}

/**
 * A copy of the ledger file to tamper with while keeping the original (each tamper test starts from
 * the same ledger), with the secrets a ledger with personal data needs to start (its NIK pepper,
 * master key and key store).
 */
export function copyLedger(fromDir: string, toDir: string): void {
  const db = new Database(join(fromDir, 'ledger.sqlite'));
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec(`VACUUM INTO '${join(toDir, 'ledger.sqlite').replace(/'/g, "''")}'`);
  } finally {
    db.close();
  }
  for (const secret of ['nik-pepper', 'master.key'])
    if (existsSync(join(fromDir, secret))) copyFileSync(join(fromDir, secret), join(toDir, secret));
  if (existsSync(join(fromDir, 'keys.sqlite'))) {
    const keys = new Database(join(fromDir, 'keys.sqlite'));
    try {
      keys.exec(`VACUUM INTO '${join(toDir, 'keys.sqlite').replace(/'/g, "''")}'`);
    } finally {
      keys.close();
    }
  }
}

const ROOT = join(__dirname, '..', '..');

/** Runs the real CLI (its TypeScript sources) on a data directory. */
export function cli(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
