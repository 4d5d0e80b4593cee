import { Worker } from 'node:worker_threads';

/**
 * One stream's part of a long appendMany, sealed on the main thread: the head it was sealed on (the
 * worker checks it is still the head inside its transaction) and the rows to insert.
 */
export interface PreparedWrite {
  /** Index of the write in the appendMany. */
  index: number;
  streamName: string;
  category: string;
  /** The stream's revision and last hash when it was sealed; -1 and '' for a new stream. */
  headRevision: number;
  headHash: string;
  recordedAt: string;
  /** The hash of the write's last event: the stream's new head. */
  lastHash: string;
  /** id, revision, type, data, metadata, effective_date */
  rows: Array<[string, number, string, string, string, string]>;
}

/** How a long write ended in the worker. */
export type LongWriteAnswer =
  | { ok: true; positions: Array<[index: number, position: number]> }
  /** A stream's head was no longer the one sealed on (another process wrote it): nothing was written. */
  | { ok: false; stale: true }
  | { ok: false; stale?: false; index: number; error: { name: string; message: string; code?: string } };

/**
 * The worker's script, plain JavaScript through `eval` (it needs nothing but the driver, so it runs the
 * same under ts-jest, ts-node and the build). One transaction per long write: `begin`, any number of
 * `writes`, then `commit` (answered) or `abort`. The first failure rolls back at once; what follows is
 * ignored until the answer says so.
 */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const head = db.prepare('SELECT revision, last_hash FROM streams WHERE stream_name = ?');
const insert = db.prepare('INSERT INTO events (id, stream_name, category, revision, type, data, metadata, effective_date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
const upsert = db.prepare('INSERT INTO streams (stream_name, revision, last_hash) VALUES (?, ?, ?) ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash');
let positions = [];
let failed;
const rollback = () => { if (db.inTransaction) db.exec('ROLLBACK'); };
function write(w) {
  const current = head.get(w.streamName);
  if ((current ? current.revision : -1) !== w.headRevision || (current ? current.last_hash : '') !== w.headHash) {
    failed = { ok: false, stale: true };
    return rollback();
  }
  let position = 0;
  for (const r of w.rows) position = Number(insert.run(r[0], w.streamName, w.category, r[1], r[2], r[3], r[4], r[5], w.recordedAt).lastInsertRowid);
  const last = w.rows[w.rows.length - 1];
  upsert.run(w.streamName, last[1], w.lastHash);
  positions.push([w.index, position]);
}
parentPort.on('message', (m) => {
  let index = -1;
  try {
    if (m.type === 'begin') {
      positions = [];
      failed = undefined;
      db.exec('BEGIN IMMEDIATE');
    } else if (m.type === 'writes') {
      for (const w of m.writes) {
        if (failed) return;
        index = w.index;
        write(w);
      }
    } else if (m.type === 'commit') {
      if (!failed) db.exec('COMMIT');
      parentPort.postMessage(failed || { ok: true, positions });
    } else if (m.type === 'abort') {
      rollback();
    }
  } catch (e) {
    failed = { ok: false, index, error: { name: e.name, message: e.message, code: e.code } };
    try { rollback(); } catch {}
  }
});
`;

/** A long write's session with the worker, opened by `LongWriter.begin`. */
export interface LongWriteSession {
  send(writes: PreparedWrite[]): void;
  /** Commits what was sent; rejects when the worker stopped (then the outcome is unknown). */
  commit(): Promise<LongWriteAnswer>;
  abort(): void;
}

/**
 * The SQLite work of a long appendMany (inserts and commit) on a connection of its own in a worker
 * thread, so that the event loop keeps answering while 100,000 rows are inserted and the commit writes
 * and syncs the WAL (a commit alone took 0.4 s for 20,000 workers, measured). Sealing stays on the main
 * thread, a chunk at a time between yields: it reads the stream heads, and the worker checks them again
 * inside its transaction, so a stream another process wrote meanwhile is never overwritten.
 */
export class LongWriter {
  private worker: Worker | undefined;
  private waiting: { resolve: (answer: LongWriteAnswer) => void; reject: (error: Error) => void } | undefined;
  private stopped: Error | undefined;

  constructor(
    private readonly file: string,
    private readonly pragmas: string[],
  ) {}

  begin(): LongWriteSession {
    const worker = this.start();
    worker.postMessage({ type: 'begin' });
    return {
      send: (writes) => worker.postMessage({ type: 'writes', writes }),
      commit: () =>
        new Promise<LongWriteAnswer>((resolve, reject) => {
          if (this.stopped) return reject(this.stopped);
          this.waiting = { resolve, reject };
          worker.postMessage({ type: 'commit' });
        }),
      abort: () => worker.postMessage({ type: 'abort' }),
    };
  }

  private start(): Worker {
    if (this.worker && !this.stopped) return this.worker;
    this.stopped = undefined;
    const worker = new Worker(SCRIPT, {
      eval: true,
      workerData: { file: this.file, pragmas: this.pragmas, driver: require.resolve('better-sqlite3') },
    });
    // It never keeps a process alive that has nothing else to do.
    worker.unref();
    worker.on('message', (answer: LongWriteAnswer) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(answer);
    });
    const stop = (error: Error) => {
      this.stopped ??= error;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(this.stopped);
    };
    worker.on('error', stop);
    worker.on('exit', (code) => stop(new Error(`the ledger's writer thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
