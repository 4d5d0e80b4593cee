import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import {
  AppendOutcome,
  AppendResult,
  categoryOf,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
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

interface EventRow {
  position: number;
  id: string;
  stream_name: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  effective_date: string;
  recorded_at: string;
}

const POSITION_DIGITS = 20;
const POSITION_PATTERN = /^\d{20}$/;

export function sqlitePosition(seq: number): string {
  return String(seq).padStart(POSITION_DIGITS, '0');
}

/**
 * The embedded ledger: one SQLite file, WAL with synchronous=FULL so an answered command survives a
 * power cut. A batch of appends is one transaction (one fsync).
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  readonly atomicAppendMany = true;
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly stmts;

  /**
   * `maxAppendBytes`: refuse one event larger than this (EventTooLargeError), as EventStoreDB would,
   * so a decider that makes one too large is caught on the embedded store too. Unset: no limit (a
   * SQLite transaction holds any batch).
   */
  constructor(
    file: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: { maxAppendBytes?: number } = {},
  ) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
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
    this.appended.setMaxListeners(0);
    this.stmts = {
      stream: this.db.prepare<[string], { revision: number; last_hash: string }>(
        'SELECT revision, last_hash FROM streams WHERE stream_name = ?',
      ),
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
      readStream: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE stream_name = ? ORDER BY revision'),
      readAll: this.db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      stored: this.db
        .prepare<[number, number], StoredRow>(
          'SELECT position, stream_name, revision, type, data, metadata, effective_date, recorded_at FROM events WHERE position > ? ORDER BY position LIMIT ?',
        )
        .raw(),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
  }

  async append(streamName: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const result = this.db.transaction(() => this.appendInTransaction(streamName, events, expectedRevision))();
    this.appended.emit('appended');
    return result;
  }

  async appendMany(writes: StreamWrite[]): Promise<AppendOutcome[]> {
    let failedAt = -1;
    let failure: Error | undefined;
    let results: AppendResult[] = [];
    try {
      results = this.db.transaction(() =>
        writes.map((w, i) => {
          try {
            return this.appendInTransaction(w.streamName, w.events, w.expectedRevision);
          } catch (error) {
            failedAt = i;
            throw error;
          }
        }),
      )();
    } catch (error) {
      failure = error as Error;
    }
    if (!failure) {
      this.appended.emit('appended');
      return results.map((result) => ({ ok: true, result }));
    }
    return writes.map((w, i) => ({
      ok: false,
      error: i === failedAt ? (failure as Error) : new WriteNotAppliedError(w.streamName, failure as Error),
    }));
  }

  private appendInTransaction(streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    if (events.length === 0) throw new Error('append needs at least one event');
    const already = this.alreadyAppended(streamName, events);
    if (already) return already;
    const current = this.stmts.stream.get(streamName);
    const actual = current ? current.revision : 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && !current) ||
      (expected === 'stream_exists' && !!current) ||
      (typeof expected === 'number' && current?.revision === expected);
    if (!ok) throw new WrongExpectedRevisionError(streamName, expected, actual);

    const recordedAt = this.clock().toISOString();
    const category = categoryOf(streamName);
    const sealed = sealEvents(streamName, current ? current.revision : -1, current?.last_hash ?? GENESIS_HASH, events);
    if (this.options.maxAppendBytes !== undefined) chunkBySize(streamName, sealed, this.options.maxAppendBytes);
    let position = 0;
    for (const s of sealed) {
      position = Number(
        this.stmts.insert.run({
          id: s.event.id,
          stream_name: streamName,
          category,
          revision: s.revision,
          type: s.event.type,
          data: JSON.stringify(s.event.data),
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

  /** A retried append (same event ids, same stream) answers what the first one did and writes nothing. */
  private alreadyAppended(streamName: string, events: NewEvent[]): AppendResult | undefined {
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
      .filter((r) => r.position <= toSeq && (toTime === undefined || r.recorded_at <= toTime))
      .map(toRecorded);
  }

  async readStreams(streamNames: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    const read = this.db.transaction(() => {
      for (const name of streamNames) out.set(name, this.stmts.readStream.all(name).map(toRecorded));
    });
    read();
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
        after = row.position;
        if (categories && !categories.has(categoryOf(row.stream_name))) continue;
        out.push(toRecorded(row));
        if (out.length === options.maxCount) break;
      }
    }
    return out;
  }

  /**
   * The stored events for verification, page by page (one `.all()` of raw rows per page, so the
   * connection is free between pages): `data` is parsed (its canonical JSON is hashed); of the metadata
   * only hash, prevHash, userId and role are kept.
   */
  *iterateStored(options: { after?: string; pageSize?: number } = {}): Iterable<StoredEventForVerification[]> {
    let after = options.after === undefined ? 0 : Number(options.after);
    const pageSize = options.pageSize ?? 10_000;
    for (;;) {
      const rows = this.stmts.stored.all(after, pageSize) as unknown as StoredRow[];
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
  const metadata = JSON.parse(row.metadata);
  return {
    id: row.id,
    streamName: row.stream_name,
    revision: row.revision,
    position: sqlitePosition(row.position),
    type: row.type,
    data: JSON.parse(row.data),
    effectiveDate: row.effective_date,
    recordedAt: row.recorded_at,
    metadata,
  };
}
