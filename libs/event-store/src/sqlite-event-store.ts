import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import {
  AppendOutcome,
  AppendOutcomeUnknownError,
  AppendResult,
  categoryOf,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamsOptions,
  RecordedEvent,
  StoredEventForVerification,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  WriteNotAppliedError,
  WrongExpectedRevisionError,
} from './event-store.port';
import { GENESIS_HASH } from './hashing';
import { sealEvents } from './sealing';
import { chunkBySize } from './append-size';
import { runSubscription } from './subscription-loop';
import { LongWriter, LongWriteSession, PreparedWrite, StreamHead } from './sqlite-long-writer';

/**
 * An event row as the read statements answer it: an array (better-sqlite3's raw mode), in the order of
 * EVENT_COLUMNS. Rows as objects cost a third more to read (a property per column, per row).
 */
type EventRow = [
  position: number,
  id: string,
  stream_name: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  effective_date: string,
  recorded_at: string,
];

const EVENT_COLUMNS = 'position, id, stream_name, revision, type, data, metadata, effective_date, recorded_at';

interface StreamHeadRow {
  revision: number;
  last_hash: string;
}

const POSITION_DIGITS = 20;
const POSITION_PATTERN = /^\d{20}$/;

export function sqlitePosition(seq: number): string {
  return String(seq).padStart(POSITION_DIGITS, '0');
}

/** A write waiting for its turn: one append or appendMany call. */
interface PendingWrite {
  writes: StreamWrite[];
  events: number;
  resolve: (outcomes: AppendOutcome[]) => void;
}

/** Above this many events, an appendMany is written in chunks that yield to the event loop, still as one transaction. */
export const LONG_WRITE_EVENTS = 2_000;
const LONG_WRITE_CHUNK = 1_000;

/**
 * A page cache of 64 MiB on each connection (the default is 2 MiB): the writer's inserts land at random
 * places of the id and stream indexes, which outgrow the default within a few thousand workers.
 */
function tunePageCache(db: Database.Database): void {
  db.pragma('cache_size = -65536');
}

/** The writer's connection, on the main thread and in the long writes' worker alike. */
const WRITER_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = FULL',
  'busy_timeout = 5000',
  // Checkpoints every 64 MiB of WAL, not every 4 MiB: appends of random ids dirty pages all over the
  // indexes, and each checkpoint copies (and fsyncs) every page once however often it changed since the
  // last; at the default, a roster import spent about a third of its time committing, and with this it
  // ran about a quarter faster (README, Performance).
  'wal_autocheckpoint = 16384',
  'journal_size_limit = 67108864',
  'cache_size = -65536',
];

/**
 * The embedded ledger: one SQLite file, WAL with synchronous=FULL so an answered command survives a
 * power cut.
 *
 * Two connections: the writer, used only for appends (and the checks they make inside their
 * transaction), and a read-only reader for everything else, which sees committed events only.
 * Writes take their turn through one queue. Group commit: the appendMany calls that arrive in the same
 * turn of the event loop share one transaction, each inside its own savepoint (one refused write
 * leaves the others alone), so one fsync answers them all. A long appendMany (a monthly batch of
 * 100,000 workers) is one transaction written in chunks with a yield to the event loop between them:
 * other requests keep being answered, the reader sees none of it before the commit, and other writes
 * wait for their turn without holding the event loop.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readonly atomicAppendMany = true;
  private readonly db: Database.Database;
  private readonly reader: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly stmts;
  /** Mutated in place, never reassigned: test wrappers (Object.create over the store) share it. */
  private readonly turn = { queue: [] as PendingWrite[], scheduled: false, writing: false };
  /** Where long writes are inserted and committed, off the event loop (unless `longWritesInWorker: false`). */
  private readonly longWriter: LongWriter | undefined;

  /**
   * `maxAppendBytes`: refuse one event larger than this (EventTooLargeError), as EventStoreDB would,
   * so a decider that makes one too large is caught on the embedded store too. Unset: no limit (a
   * SQLite transaction holds any batch).
   */
  constructor(
    file: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: { maxAppendBytes?: number; longWritesInWorker?: boolean } = {},
  ) {
    this.db = new Database(file);
    for (const pragma of WRITER_PRAGMAS) this.db.pragma(pragma);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        stream_name TEXT NOT NULL,
        category TEXT NOT NULL,
        revision INTEGER NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        effective_date TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (stream_name, revision)
      );
      CREATE INDEX IF NOT EXISTS events_category ON events (category, position);
      CREATE TABLE IF NOT EXISTS streams (
        stream_name TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      );
    `);
    this.longWriter = options.longWritesInWorker === false ? undefined : new LongWriter(file, WRITER_PRAGMAS);
    this.reader = new Database(file, { readonly: true });
    this.reader.pragma('busy_timeout = 5000');
    tunePageCache(this.reader);
    this.appended.setMaxListeners(0);
    this.stmts = {
      stream: this.db.prepare<[string], StreamHeadRow>('SELECT revision, last_hash FROM streams WHERE stream_name = ?'),
      byId: this.db.prepare<[string], { position: number; stream_name: string; revision: number }>(
        'SELECT position, stream_name, revision FROM events WHERE id = ?',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream_name, category, revision, type, data, metadata, effective_date, recorded_at)
         VALUES (@id, @stream_name, @category, @revision, @type, @data, @metadata, @effective_date, @recorded_at)`,
      ),
      upsertStream: this.db.prepare(
        `INSERT INTO streams (stream_name, revision, last_hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
      ),
      readStream: this.reader
        .prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? ORDER BY revision`)
        .raw(),
      readStreamAfter: this.reader
        .prepare<[string, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND revision > ? ORDER BY revision`)
        .raw(),
      readAll: this.reader
        .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
        .raw(),
      stored: this.reader
        .prepare<[number, number], StoredRow>(
          'SELECT position, stream_name, revision, type, data, metadata, effective_date, recorded_at FROM events WHERE position > ? ORDER BY position LIMIT ?',
        )
        .raw(),
      head: this.reader.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
  }

  async append(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const [outcome] = await this.appendMany([{ streamName, events, expectedRevision }]);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  appendMany(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    return new Promise((resolve) => {
      const events = writes.reduce((n, w) => n + w.events.length, 0);
      this.turn.queue.push({ writes, events, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.turn.scheduled || this.turn.writing) return;
    this.turn.scheduled = true;
    setImmediate(() => void this.writeQueued());
  }

  /** Writes what is queued: the long writes alone, in chunks; the others together, one transaction. */
  private async writeQueued(): Promise<void> {
    this.turn.scheduled = false;
    if (this.turn.writing) return;
    this.turn.writing = true;
    try {
      while (this.turn.queue.length > 0) {
        const next = this.turn.queue[0];
        if (next.events > LONG_WRITE_EVENTS) {
          this.turn.queue.shift();
          next.resolve(await this.writeLong(next.writes));
          continue;
        }
        const group: PendingWrite[] = [];
        while (this.turn.queue.length > 0 && this.turn.queue[0].events <= LONG_WRITE_EVENTS) group.push(this.turn.queue.shift()!);
        this.writeGroup(group);
      }
    } finally {
      this.turn.writing = false;
      if (this.turn.queue.length > 0) this.schedule();
    }
  }

  /** Group commit: every pending write in its own savepoint of one transaction. */
  private writeGroup(group: PendingWrite[]): void {
    let outcomes: AppendOutcome[][];
    try {
      if (!this.db.open) throw new Error('the ledger is closed');
      outcomes = this.db.transaction(() => group.map((pending) => this.writeInSavepoint(pending.writes)))();
    } catch (error) {
      // The commit itself failed (or the ledger is closed): nothing of the group was written.
      for (const pending of group) pending.resolve(notWritten(pending.writes, 0, error as Error));
      return;
    }
    if (outcomes.some((o) => o[0]?.ok)) this.appended.emit('appended');
    group.forEach((pending, i) => pending.resolve(outcomes[i]));
  }

  private writeInSavepoint(writes: StreamWrite[]): AppendOutcome[] {
    let failedAt = 0;
    try {
      // Nested in the group's transaction, better-sqlite3 makes this a savepoint.
      const results = this.db.transaction(() =>
        writes.map((w, i) => {
          failedAt = i;
          return this.appendInTransaction(w.streamName, w.events, w.expectedRevision);
        }),
      )();
      return results.map((result) => ({ ok: true, result }));
    } catch (error) {
      return notWritten(writes, failedAt, error as Error);
    }
  }

  /**
   * One long appendMany, one transaction: the worker thread opens it, reads the stream heads and inserts;
   * the events are sealed here on those heads, a chunk at a time while the worker reads the next chunk's
   * heads. Written here instead (inserts included, the commit blocking the event loop) when there is no
   * worker or when a stream appears twice in it.
   */
  private async writeLong(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    const streams = new Set(writes.map((w) => w.streamName));
    if (this.longWriter && streams.size === writes.length) return this.writeLongInWorker(this.longWriter, writes);
    return this.writeLongHere(writes);
  }

  private async writeLongInWorker(writer: LongWriter, writes: StreamWrite[]): Promise<AppendOutcome[]> {
    const results: AppendResult[] = new Array(writes.length);
    let failedAt = 0;
    let session: LongWriteSession | undefined;
    // Chunks of about LONG_WRITE_CHUNK events: [first write, end).
    const chunks: Array<[number, number]> = [];
    for (let i = 0, start = 0, events = 0; i < writes.length; i++) {
      events += writes[i].events.length;
      if (events >= LONG_WRITE_CHUNK || i === writes.length - 1) {
        chunks.push([start, i + 1]);
        start = i + 1;
        events = 0;
      }
    }
    const headsOf = (chunk: [number, number]) => session!.heads(writes.slice(chunk[0], chunk[1]).map((w) => w.streamName));
    let next: Promise<StreamHead[]> | undefined;
    try {
      if (!this.db.open) throw new Error('the ledger is closed');
      session = writer.begin();
      next = chunks.length ? headsOf(chunks[0]) : undefined;
      for (let c = 0; c < chunks.length; c++) {
        const heads = await next!;
        if (!this.db.open) throw new Error('the ledger was closed during a write');
        // Empty: the transaction already failed in the worker, and the commit says why.
        if (heads.length === 0) break;
        next = c + 1 < chunks.length ? headsOf(chunks[c + 1]) : undefined;
        const prepared: PreparedWrite[] = [];
        for (let i = chunks[c][0]; i < chunks[c][1]; i++) {
          failedAt = i;
          const w = writes[i];
          const head = heads[i - chunks[c][0]];
          const sealed = this.sealOn(
            w.streamName,
            w.events,
            w.expectedRevision,
            head ? { revision: head[0], last_hash: head[1] } : undefined,
          );
          if (!Array.isArray(sealed)) {
            results[i] = sealed;
            continue;
          }
          const last = sealed[sealed.length - 1];
          prepared.push({
            index: i,
            streamName: w.streamName,
            category: categoryOf(w.streamName),
            recordedAt: this.clock().toISOString(),
            lastHash: last.metadata.hash,
            rows: sealed.map((e) => [e.event.id, e.revision, e.event.type, e.dataJson, JSON.stringify(e.metadata), e.event.effectiveDate]),
          });
          results[i] = { nextRevision: last.revision, position: '' };
        }
        session.send(prepared);
      }
      await next; // none left unanswered
    } catch (error) {
      // The next chunk's heads were asked for already: their answer (or the thread's end) is not awaited.
      next?.catch(() => undefined);
      session?.abort();
      return notWritten(writes, failedAt, error as Error);
    }
    let answer;
    try {
      answer = await session.commit();
    } catch (error) {
      // The thread stopped after the commit was asked for: whether it was written is unknown.
      return writes.map((w) => ({ ok: false, error: new AppendOutcomeUnknownError(w.streamName, error as Error) }));
    }
    if (!answer.ok) return notWritten(writes, Math.max(answer.index, 0), Object.assign(new Error(answer.error.message), answer.error));
    for (const [index, position] of answer.positions) results[index].position = sqlitePosition(position);
    this.appended.emit('appended');
    const outcomes: AppendOutcome[] = new Array(results.length);
    for (let i = 0; i < results.length; i++) outcomes[i] = { ok: true, result: results[i] };
    return outcomes;
  }

  /** One long appendMany written on this thread: one transaction, a chunk per turn of the event loop. */
  private async writeLongHere(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    const results: AppendResult[] = [];
    let failedAt = 0;
    try {
      if (!this.db.open) throw new Error('the ledger is closed');
      this.db.exec('BEGIN IMMEDIATE');
      let inChunk = 0;
      for (let i = 0; i < writes.length; i++) {
        failedAt = i;
        const w = writes[i];
        results.push(this.appendInTransaction(w.streamName, w.events, w.expectedRevision));
        inChunk += w.events.length;
        if (inChunk >= LONG_WRITE_CHUNK) {
          inChunk = 0;
          await new Promise((resolve) => setImmediate(resolve));
          if (!this.db.open) throw new Error('the ledger was closed during a write');
        }
      }
      failedAt = 0;
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      return notWritten(writes, failedAt, error as Error);
    }
    this.appended.emit('appended');
    return results.map((result) => ({ ok: true, result }));
  }

  private appendInTransaction(streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    const already = this.alreadyAppended(streamName, events);
    if (already) return already;
    const { sealed } = this.seal(streamName, events, expected);
    const recordedAt = this.clock().toISOString();
    const category = categoryOf(streamName);
    let position = 0;
    for (const s of sealed) {
      position = Number(
        this.stmts.insert.run({
          id: s.event.id,
          stream_name: streamName,
          category,
          revision: s.revision,
          type: s.event.type,
          // Stored as hashed: canonical JSON (sorted members), so a verifier can hash the stored text itself.
          data: s.dataJson,
          metadata: JSON.stringify(s.metadata),
          effective_date: s.event.effectiveDate,
          recorded_at: recordedAt,
        }).lastInsertRowid,
      );
    }
    const last = sealed[sealed.length - 1];
    this.stmts.upsertStream.run(streamName, last.revision, last.metadata.hash);
    return { nextRevision: last.revision, position: sqlitePosition(position) };
  }

  /** Checks the expected revision against the stream's head, and seals the events onto it. */
  private seal(streamName: string, events: NewEvent[], expected: ExpectedRevision) {
    const current = this.stmts.stream.get(streamName);
    return { current, sealed: this.sealChecked(streamName, events, expected, current) };
  }

  private sealChecked(streamName: string, events: NewEvent[], expected: ExpectedRevision, current: StreamHeadRow | undefined) {
    const actual = current ? current.revision : 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && !current) ||
      (expected === 'stream_exists' && !!current) ||
      (typeof expected === 'number' && current?.revision === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);
    const sealed = sealEvents(streamName, current ? current.revision : -1, current?.last_hash ?? GENESIS_HASH, events);
    if (this.options.maxAppendBytes !== undefined) chunkBySize(streamName, sealed, this.options.maxAppendBytes);
    return sealed;
  }

  /**
   * Seals a long write's events on the head the worker read, or answers the first append when this is
   * its retry. Only a write whose expected head is not the head can be a retry (its events moved the
   * head); a write expecting 'any' or 'stream_exists' is looked up first, as on this thread.
   */
  private sealOn(streamName: string, events: NewEvent[], expected: ExpectedRevision, head: StreamHeadRow | undefined) {
    const exact = expected === 'no_stream' || typeof expected === 'number';
    const already = exact ? undefined : this.alreadyAppended(streamName, events);
    if (already) return already;
    try {
      return this.sealChecked(streamName, events, expected, head);
    } catch (error) {
      const retried = exact && error instanceof WrongExpectedRevisionError ? this.alreadyAppended(streamName, events) : undefined;
      if (!retried) throw error;
      return retried;
    }
  }

  /** A retried append (same event ids, same stream) answers what the first one did and writes nothing. */
  private alreadyAppended(streamName: string, events: NewEvent[]): AppendResult | undefined {
    if (events.length === 0) throw new Error('append needs at least one event');
    const first = this.stmts.byId.get(events[0].id);
    if (!first) return undefined;
    const rows = events.map((e) => this.stmts.byId.get(e.id));
    const sameRun = rows.every((r, i) => r && r.stream_name === streamName && r.revision === first.revision + i);
    if (!sameRun) throw new WrongExpectedRevisionError(streamName, 'any', first.revision);
    const last = rows[rows.length - 1]!;
    return { nextRevision: last.revision, position: sqlitePosition(last.position) };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const toSeq = options.toPosition === undefined ? Infinity : Number(options.toPosition);
    const toTime = options.toRecordedAt?.toISOString();
    return this.stmts.readStream
      .all(streamName)
      .filter((r) => r[0] <= toSeq && (toTime === undefined || r[8] <= toTime))
      .map(toRecorded);
  }

  async readStreams(streamNames: readonly string[], options: ReadStreamsOptions = {}): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    const after = options.fromRevision;
    const readEach = () => {
      for (const name of streamNames) {
        const revision = after?.get(name);
        const rows = revision === undefined ? this.stmts.readStream.all(name) : this.stmts.readStreamAfter.all(name, revision);
        out.set(name, rows.map(toRecorded));
      }
    };
    // One statement is consistent on its own; several streams are read in one transaction, one snapshot.
    if (streamNames.length === 1) readEach();
    else this.reader.transaction(readEach)();
    return out;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    let after = options.after === undefined ? 0 : Number(options.after);
    const categories = options.categories ? new Set(options.categories) : undefined;
    const out: RecordedEvent[] = [];
    while (out.length < options.maxCount) {
      const page = this.stmts.readAll.all(after, Math.max(options.maxCount, 500));
      if (page.length === 0) break;
      for (const row of page) {
        after = row[0];
        if (categories && !categories.has(categoryOf(row[2]))) continue;
        out.push(toRecorded(row));
        if (out.length === options.maxCount) break;
      }
    }
    return out;
  }

  /**
   * The stored events for verification, page by page (one `.all()` of raw rows per page, so the
   * connection is free between pages): `data` is parsed (its canonical JSON is hashed); of the metadata
   * only hash, prevHash, userId and role are kept. `onSqliteFile` is told, at once, the file the rows
   * are read from: a verifier may read ranges of it with read-only connections of its own, in worker
   * threads (libs/ledger/src/audit/verification.ts reads the same columns).
   */
  iterateStored(
    options: { after?: string; pageSize?: number; onSqliteFile?: (file: string) => void } = {},
  ): Iterable<StoredEventForVerification[]> {
    options.onSqliteFile?.(this.reader.name);
    const stored = this.stmts.stored;
    const pageSize = options.pageSize ?? 1000;
    let after = options.after === undefined ? 0 : Number(options.after);
    function* pages(): Generator<StoredEventForVerification[]> {
      for (;;) {
        const rows = stored.all(after, pageSize) as unknown as StoredRow[];
        if (rows.length === 0) return;
        const page: StoredEventForVerification[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          page[i] = {
            position: sqlitePosition(r[0]),
            streamName: r[1],
            revision: r[2],
            type: r[3],
            data: JSON.parse(r[4]),
            effectiveDate: r[6],
            recordedAt: r[7],
            metadata: chainMetadata(r[5]),
          };
        }
        after = rows[rows.length - 1][0];
        yield page;
        if (rows.length < pageSize) return;
      }
    }
    return pages();
  }

  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void> | void): Subscription {
    return runSubscription(
      (after) => this.readAll({ after, maxCount: 500, categories: options.categories }),
      options.after,
      handler,
      (wake) => {
        this.appended.on('appended', wake);
        return () => this.appended.off('appended', wake);
      },
      options.onError,
    );
  }

  async headPosition(): Promise<string | undefined> {
    const head = this.stmts.head.get()?.position;
    return head ? sqlitePosition(head) : undefined;
  }

  isPosition(value: string): boolean {
    return POSITION_PATTERN.test(value);
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
    // A write in hand finishes first (a long one yields between its chunks).
    while (this.turn.writing || this.turn.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.longWriter?.close();
    if (this.reader.open) this.reader.close();
    if (this.db.open) this.db.close();
  }
}

/** position, stream_name, revision, type, data, metadata, effective_date, recorded_at */
type StoredRow = [number, string, number, string, string, string, string, string];

/** The metadata fields verification reads (hash, prevHash, userId, role), parsed from the stored text. */
function chainMetadata(text: string): StoredEventForVerification['metadata'] {
  const m = JSON.parse(text) as StoredEventForVerification['metadata'];
  if (m === null || typeof m !== 'object') return m; // verification says what is wrong with it
  return { hash: m.hash, prevHash: m.prevHash, userId: m.userId, role: m.role };
}

function toRecorded(row: EventRow): RecordedEvent {
  const metadata = JSON.parse(row[6]);
  return {
    id: row[1],
    streamName: row[2],
    revision: row[3],
    position: sqlitePosition(row[0]),
    type: row[4],
    data: JSON.parse(row[5]),
    effectiveDate: row[7],
    recordedAt: row[8],
    metadata,
  };
}

/** The outcomes of writes of which none was written: the failed one's error, and WriteNotAppliedError for the rest. */
function notWritten(writes: StreamWrite[], failedAt: number, error: Error): AppendOutcome[] {
  return writes.map((w, i) => ({ ok: false, error: i === failedAt ? error : new WriteNotAppliedError(w.streamName, error) }));
}
