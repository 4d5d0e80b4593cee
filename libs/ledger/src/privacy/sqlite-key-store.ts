import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync } from 'node:fs';
import { AccessLogEntry, AccessLogFilter, KeyStore, StoredKey } from './key-store.port';

interface KeyRow {
  kid: string;
  wrapped: string | null;
  erased_at: string | null;
}

interface AccessRow {
  id: string;
  at: string;
  user_id: string;
  role: string;
  action: AccessLogEntry['action'];
  worker_id: string | null;
  region_code: string | null;
  fields: string;
  request_id: string | null;
}

/**
 * The embedded key store: its own file (`DATA_DIR/keys.sqlite`, mode 0600), apart from the ledger and
 * the read models. `secure_delete` overwrites a destroyed key's bytes in the file; after a
 * destruction the WAL is checkpointed and truncated, so no older page holding the wrapped key stays
 * in `keys.sqlite-wal` either. synchronous=FULL: a key that was used to encrypt an appended event
 * must not be lost.
 *
 * Group commit: the writes (a new key, a destruction, an access-log entry) that arrive in one turn of
 * the event loop are queued and committed together at the next `setImmediate`, in one transaction
 * (one fsync), each in a savepoint of its own, so a write that fails is rolled back alone and the
 * others are committed. Each caller's promise settles only after that commit; a write that is still
 * queued is not visible to reads (`get` never answers a key that is not yet durable). A roster import
 * keeps hundreds of enrolments in flight: their keys share one fsync instead of one each.
 */
export class SqliteKeyStore implements KeyStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmts;
  /** The writes of the current turn, committed together by `flush`. */
  private queue: QueuedWrite[] = [];
  /** Runs a function in a savepoint (nested in the batch's transaction). */
  private readonly savepoint: Database.Transaction<(run: () => unknown) => unknown>;
  private readonly batch: Database.Transaction<(writes: QueuedWrite[]) => Outcome[]>;
  private committed = 0;

  constructor(file: string) {
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    this.db = new Database(file);
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // A key per person, at random places of the index: checkpoints every 64 MiB of WAL, not every 4 MiB
    // (each copies every changed page once), and a 64 MiB cache (see SqliteEventStore). A destruction
    // still checkpoints and truncates at once.
    this.db.pragma('wal_autocheckpoint = 16384');
    this.db.pragma('cache_size = -65536');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS data_keys (kid TEXT PRIMARY KEY, wrapped TEXT, erased_at TEXT) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS access_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,
        action TEXT NOT NULL, worker_id TEXT, region_code TEXT, fields TEXT NOT NULL, request_id TEXT
      );
      CREATE INDEX IF NOT EXISTS access_log_worker ON access_log (worker_id, at);
      CREATE INDEX IF NOT EXISTS access_log_user ON access_log (user_id, at);
      CREATE INDEX IF NOT EXISTS access_log_at ON access_log (at);
    `);
    this.stmts = {
      get: this.db.prepare<[string], KeyRow>('SELECT kid, wrapped, erased_at FROM data_keys WHERE kid = ?'),
      getMany: this.db.prepare<[string], KeyRow>(
        'SELECT kid, wrapped, erased_at FROM data_keys WHERE kid IN (SELECT value FROM json_each(?))',
      ),
      insert: this.db.prepare('INSERT OR IGNORE INTO data_keys (kid, wrapped, erased_at) VALUES (?, ?, NULL)'),
      destroy: this.db.prepare(
        `INSERT INTO data_keys (kid, wrapped, erased_at) VALUES (?, NULL, ?)
         ON CONFLICT (kid) DO UPDATE SET wrapped = NULL, erased_at = COALESCE(data_keys.erased_at, excluded.erased_at)`,
      ),
      countActive: this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM data_keys WHERE wrapped IS NOT NULL'),
      addAccess: this.db.prepare(
        `INSERT OR IGNORE INTO access_log (id, at, user_id, role, action, worker_id, region_code, fields, request_id)
         VALUES (@id, @at, @user_id, @role, @action, @worker_id, @region_code, @fields, @request_id)`,
      ),
    };
    this.savepoint = this.db.transaction((run: () => unknown) => run());
    this.batch = this.db.transaction((writes: QueuedWrite[]) =>
      writes.map((w): Outcome => {
        try {
          return { ok: true, value: this.savepoint(w.run) };
        } catch (error) {
          // A failure SQLite answers by rolling back the whole transaction (disk full, I/O) fails the batch.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error: error as Error };
        }
      }),
    );
  }

  /** Transactions the write queue committed so far (each one fsync): tests and the import bench read it. */
  get commits(): number {
    return this.committed;
  }

  async get(kid: string): Promise<StoredKey | undefined> {
    const row = this.stmts.get.get(kid);
    return row && toKey(row);
  }

  /**
   * One statement for all the kids (a JSON array of them, each looked up on the primary key): a page of
   * 50 workers read key by key took 7 µs a key, mostly starting and ending 50 read transactions.
   */
  async getMany(kids: readonly string[]): Promise<Map<string, StoredKey>> {
    const out = new Map<string, StoredKey>();
    if (kids.length === 0) return out;
    for (const row of this.stmts.getMany.all(JSON.stringify([...new Set(kids)]))) out.set(row.kid, toKey(row));
    return out;
  }

  putIfAbsent(kid: string, wrapped: string): Promise<StoredKey> {
    return this.write(() => {
      this.stmts.insert.run(kid, wrapped);
      return toKey(this.stmts.get.get(kid)!);
    });
  }

  async destroy(kid: string, erasedAt: string): Promise<void> {
    await this.write(() => this.stmts.destroy.run(kid, erasedAt));
    // The old page images (holding the wrapped key) go with the WAL's frames: copy back and truncate.
    for (let attempt = 0; attempt < 50; attempt++) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (!result?.busy) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the key store could not truncate its write-ahead log after destroying a key; the erasure will be finished on retry');
  }

  async countActive(): Promise<number> {
    return this.stmts.countActive.get()!.n;
  }

  async appendAccess(e: AccessLogEntry): Promise<void> {
    await this.write(() =>
      this.stmts.addAccess.run({
        id: e.id,
        at: e.at,
        user_id: e.userId,
        role: e.role,
        action: e.action,
        worker_id: e.workerId,
        region_code: e.regionCode,
        fields: JSON.stringify(e.fields),
        request_id: e.requestId ?? null,
      }),
    );
  }

  async accessLog(filter: AccessLogFilter): Promise<AccessLogEntry[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    const conditions: Array<[keyof AccessLogFilter, string]> = [
      ['workerId', 'worker_id = @workerId'],
      ['userId', 'user_id = @userId'],
      ['from', 'at >= @from'],
      ['to', 'at <= @to'],
    ];
    for (const [field, condition] of conditions) {
      if (filter[field] === undefined) continue;
      where.push(condition);
      params[field] = filter[field];
    }
    const sql = `SELECT * FROM access_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, seq LIMIT @limit`;
    return this.db
      .prepare<Record<string, unknown>, AccessRow>(sql)
      .all(params)
      .map((r) => {
        const entry: AccessLogEntry = {
          id: r.id,
          at: r.at,
          userId: r.user_id,
          role: r.role,
          action: r.action,
          workerId: r.worker_id,
          regionCode: r.region_code,
          fields: JSON.parse(r.fields),
        };
        if (r.request_id !== null) entry.requestId = r.request_id;
        return entry;
      });
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flush();
    this.db.close();
  }

  /** Queues a write for this turn's transaction; settles after its commit. */
  private write<T>(run: () => T): Promise<T> {
    if (!this.db.open) return Promise.reject(new Error('the key store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits the queued writes in one transaction (BEGIN IMMEDIATE: the write lock first), then settles each. */
  private flush(): void {
    const writes = this.queue;
    this.queue = [];
    if (writes.length === 0) return;
    let outcomes: Outcome[];
    try {
      if (!this.db.open) throw new Error('the key store is closed');
      outcomes = this.batch.immediate(writes);
      this.committed++;
    } catch (error) {
      for (const w of writes) w.reject(error as Error);
      return;
    }
    writes.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) w.resolve(outcome.value);
      else w.reject(outcome.error);
    });
  }
}

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

function toKey(row: KeyRow): StoredKey {
  return row.wrapped !== null ? { state: 'active', wrapped: row.wrapped } : { state: 'erased', erasedAt: row.erased_at ?? '' };
}
