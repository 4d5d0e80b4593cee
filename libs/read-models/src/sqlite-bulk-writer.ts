import type { Worker } from 'node:worker_threads';
import { SqliteThread } from '@app/event-store';

/** Documents of the next commit, serialized: [table, id, JSON of the document or null to delete it]. */
export interface BulkRows {
  type: 'rows';
  /** The commit they belong to (rows of several commits may arrive interleaved). */
  commit: number;
  rows: Array<[string, string, string | null]>;
}

/** One projection's commit as the writer thread runs it: the rows sent with its number, and the checkpoint. */
export interface BulkCommit {
  type: 'commit';
  /** Writes the rows sent with this number. */
  commit: number;
  /** The generation's checkpoints table. */
  checkpoints: string;
  projection: string;
  checkpoint: string;
  version: number | null;
  /** The stored state the commit expects (compared inside its transaction); absent: not compared. */
  expected?: { checkpoint: string; version: number | null } | null;
}

/** Statements run as they are (a generation's index builds). */
export interface BulkExec {
  type: 'exec';
  sql: string;
}

/** What the thread answers when a message failed: the error's name (ProjectionConflictError for a lost compare-and-set) and message. */
export class BulkWriteError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'BulkWriteError';
  }
}

/**
 * The thread's script, plain JavaScript through `eval` (it needs nothing but the driver, so it runs the
 * same under ts-jest, ts-node and the build). Messages are run in the order sent, each a transaction of
 * its own, and each answered.
 */
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
let statements = new Map();
const pending = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
};
function commit(m) {
  const rows = pending.get(m.commit) || [];
  db.exec('BEGIN IMMEDIATE');
  try {
    if (m.expected !== undefined) {
      const row = prepared('SELECT position, version FROM ' + m.checkpoints + ' WHERE projection = ?').get(m.projection);
      const e = m.expected;
      const same = e === null ? !row : !!row && row.position === e.checkpoint && (row.version ?? null) === (e.version ?? null);
      if (!same) {
        const error = new Error('the checkpoint of ' + m.projection + ' is no longer the one the commit expects');
        error.name = 'ProjectionConflictError';
        throw error;
      }
    }
    for (const [table, id, doc] of rows)
      doc === null ? prepared('DELETE FROM ' + table + ' WHERE id = ?').run(id) : prepared('INSERT OR REPLACE INTO ' + table + ' (id, doc) VALUES (?, ?)').run(id, doc);
    prepared('INSERT OR REPLACE INTO ' + m.checkpoints + ' (projection, position, version) VALUES (?, ?, ?)').run(m.projection, m.checkpoint, m.version);
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}
parentPort.on('message', (m) => {
  if (m.type === 'rows') {
    const rows = pending.get(m.commit);
    if (rows) for (const row of m.rows) rows.push(row);
    else pending.set(m.commit, m.rows);
    return;
  }
  try {
    if (m.type === 'commit') commit(m);
    else {
      // Tables may be dropped after this (a generation swapped out): no statement is kept on them.
      statements = new Map();
      db.exec(m.sql);
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, name: e.name, message: e.message });
  } finally {
    if (m.type === 'commit') pending.delete(m.commit);
  }
});
`;

/**
 * A connection of its own, in a worker thread, for the read models' bulk writes: the commits of a
 * generation being rebuilt (tens of thousands of documents each) and its index builds. The event loop
 * goes on meanwhile (applying the next events, answering requests); what it hands over is already
 * serialized, so nothing is shared.
 */
export class SqliteBulkWriter {
  private readonly thread: SqliteThread<{ ok: true } | { ok: false; name: string; message: string }>;
  private commits = 0;
  /** The thread each open commit's rows went to. */
  private readonly writing = new Map<number, Worker>();

  constructor(file: string, pragmas: string[]) {
    this.thread = new SqliteThread(SCRIPT, file, pragmas, "the read models' writer thread");
  }

  /** A number for the next commit's rows and its commit message. */
  nextCommit(): number {
    const commit = ++this.commits;
    this.writing.set(commit, this.thread.thread);
    return commit;
  }

  /**
   * Hands over documents of a commit (cloned into the thread: a few thousand at a time, so that
   * no one call holds the event loop long; 40,000 workers in one message took a second).
   */
  send(message: BulkRows): void {
    const worker = this.writing.get(message.commit);
    // A thread that stopped took the rows sent before with it: the commit fails (run), none of it is written.
    if (worker && this.thread.alive(worker)) worker.postMessage(message);
  }

  /** Runs the message after those sent before (a commit writes the rows sent with its number); resolves once it is done. */
  async run(message: BulkCommit | BulkExec): Promise<void> {
    // A commit goes to the thread its rows went to (and fails if that one stopped).
    const worker = message.type === 'commit' ? this.writing.get(message.commit) : this.thread.thread;
    if (message.type === 'commit') this.writing.delete(message.commit);
    if (!worker) throw new Error(`commit ${(message as BulkCommit).commit} was not opened with nextCommit`);
    const answer = await this.thread.ask(worker, message);
    if (!answer.ok) throw new BulkWriteError(answer.name, answer.message);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
