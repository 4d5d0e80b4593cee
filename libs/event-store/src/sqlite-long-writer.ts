import type { Worker } from 'node:worker_threads';
import { SqliteThread } from './sqlite-thread';

/** One stream's part of a long appendMany, sealed on the main thread on the head the worker read. */
export interface PreparedWrite {
  /** Index of the write in the appendMany. */
  index: number;
  streamName: string;
  category: string;
  recordedAt: string;
  /** The hash of the write's last event: the stream's new head. */
  lastHash: string;
  /** id, revision, type, data, metadata, effective_date */
  rows: Array<[string, number, string, string, string, string]>;
}

/** A stream's revision and last hash, as the worker's transaction sees it; null when it has no events. */
export type StreamHead = [revision: number, lastHash: string] | null;

/** What the thread answers: the heads asked for, or how the write ended. */
type LongWriterAnswer = { type: 'heads'; heads: StreamHead[] } | { type: 'end'; answer: LongWriteAnswer };

/** How a long write ended in the worker. */
export type LongWriteAnswer =
  | { ok: true; positions: Array<[index: number, position: number]> }
  | { ok: false; index: number; error: { name: string; message: string; code?: string } };

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
const head = db.prepare('SELECT revision, last_hash FROM streams WHERE stream_name = ?').raw();
const insert = db.prepare('INSERT INTO events (id, stream_name, category, revision, type, data, metadata, effective_date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
const upsert = db.prepare('INSERT INTO streams (stream_name, revision, last_hash) VALUES (?, ?, ?) ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash');
let positions = [];
let failed;
const rollback = () => { if (db.inTransaction) db.exec('ROLLBACK'); };
function write(w) {
  let position = 0;
  for (const r of w.rows) position = Number(insert.run(r[0], w.streamName, w.category, r[1], r[2], r[3], r[4], r[5], w.recordedAt).lastInsertRowid);
  upsert.run(w.streamName, w.rows[w.rows.length - 1][1], w.lastHash);
  positions.push([w.index, position]);
}
parentPort.on('message', (m) => {
  let index = -1;
  try {
    if (m.type === 'begin') {
      positions = [];
      failed = undefined;
      db.exec('BEGIN IMMEDIATE');
    } else if (m.type === 'heads') {
      // Read inside the transaction, which holds the write lock: no other writer can move them before the commit.
      parentPort.postMessage({ type: 'heads', heads: failed ? [] : m.names.map((name) => head.get(name) || null) });
    } else if (m.type === 'writes') {
      for (const w of m.writes) {
        if (failed) return;
        index = w.index;
        write(w);
      }
    } else if (m.type === 'commit') {
      if (!failed) db.exec('COMMIT');
      parentPort.postMessage({ type: 'end', answer: failed || { ok: true, positions } });
    } else if (m.type === 'abort') {
      rollback();
    }
  } catch (e) {
    failed = { ok: false, index, error: { name: e.name, message: e.message, code: e.code } };
    try { rollback(); } catch {}
    if (m.type === 'heads') parentPort.postMessage({ type: 'heads', heads: [] });
  }
});
`;

/** A long write's session with the worker, opened by `LongWriter.begin`. */
export interface LongWriteSession {
  /** The heads of these streams inside the transaction (none when it already failed: then commit says why). */
  heads(streamNames: string[]): Promise<StreamHead[]>;
  send(writes: PreparedWrite[]): void;
  /** Commits what was sent; rejects when the worker stopped (then the outcome is unknown). */
  commit(): Promise<LongWriteAnswer>;
  abort(): void;
}

/**
 * The SQLite work of a long appendMany on a connection of its own in a worker thread, so that the event
 * loop keeps answering while 100,000 rows are inserted and the commit writes and syncs the WAL (a commit
 * alone took 0.4 s for 20,000 workers, measured). The worker opens the transaction, answers the stream
 * heads inside it (its page cache stays warm: the main thread's is emptied by every commit of another
 * connection), inserts what the main thread sealed on them, a chunk at a time, and commits.
 */
export class LongWriter {
  private readonly thread: SqliteThread<LongWriterAnswer>;

  constructor(file: string, pragmas: string[]) {
    this.thread = new SqliteThread(SCRIPT, file, pragmas, "the ledger's writer thread");
  }

  begin(): LongWriteSession {
    const worker = this.thread.thread;
    worker.postMessage({ type: 'begin' });
    return {
      heads: async (names) => (await this.ask(worker, 'heads', { type: 'heads', names })).heads,
      send: (writes) => worker.postMessage({ type: 'writes', writes }),
      commit: async () => (await this.ask(worker, 'end', { type: 'commit' })).answer,
      abort: () => worker.postMessage({ type: 'abort' }),
    };
  }

  private async ask<T extends LongWriterAnswer['type']>(
    worker: Worker,
    type: T,
    message: unknown,
  ): Promise<Extract<LongWriterAnswer, { type: T }>> {
    const answer = await this.thread.ask(worker, message);
    if (answer.type === type) return answer as Extract<LongWriterAnswer, { type: T }>;
    // Nothing it says can be trusted now: the next long write gets a new thread.
    const error = new Error(`the ledger's writer thread answered ${answer.type} out of turn`);
    await this.thread.fail(error);
    throw error;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
