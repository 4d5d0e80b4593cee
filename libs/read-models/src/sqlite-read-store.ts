import Database from 'better-sqlite3';
import {
  assertField,
  assertKeyset,
  assertName,
  assertScalar,
  Condition,
  Doc,
  DocChange,
  ExpectedProjectionState,
  FindQuery,
  isExpectedState,
  isRange,
  Page,
  ProjectionConflictError,
  ProjectionState,
  ReadModels,
  ReadModelSchema,
  ReadStore,
  Scalar,
} from './read-store.port';
import { BulkRows, BulkWriteError, SqliteBulkWriter } from './sqlite-bulk-writer';

const RANGE_OPS = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const;

export interface SqliteReadStoreOptions {
  /**
   * How long a replaced generation is kept after the swap and after its last use by this process
   * (default 10 s): a query that started on it (here or in another process sharing the file) finishes
   * on it; then its tables are dropped and the file gives the space back (incremental vacuum).
   */
  retireAfterMs?: number;
  /**
   * Whether a generation being rebuilt is written by a thread of its own (default true): its commits
   * are handed over serialized and written while the next events are applied, and its indexes are
   * built there, so the event loop keeps answering through a rebuild.
   */
  bulkWriterThread?: boolean;
}

/** Documents of a generation being rebuilt that may wait for the writer thread before a commit waits for it in turn (memory bound). */
const MAX_DOCS_BEHIND = 100_000;
/** Documents serialized and handed to the writer thread in one turn of the event loop (about 50 ms for 1,000 workers). */
const ROWS_PER_MESSAGE = 1_000;

/**
 * Embedded read models: one table per collection and generation (`rm_g3_coverage`), JSON documents,
 * expression indexes on the fields the queries use. synchronous=NORMAL: read models can be rebuilt.
 *
 * A generation being rebuilt gets its expression indexes when it is swapped in (built once over its
 * documents rather than kept up to date through every write of the rebuild). The generation it
 * replaces is dropped once no reader uses it (`retireAfterMs`). A file made by this code has
 * auto_vacuum=INCREMENTAL, so dropped generations' pages go back to the file system in steps; an
 * older file keeps its size and reuses the freed pages for the next rebuild (it does not keep growing).
 */
export class SqliteReadStore implements ReadStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  /** One instance per generation: the runner keeps documents in memory for an instance it committed to. */
  private readonly generations = new Map<number, SqliteReadModels>();
  private readonly retireAfterMs: number;
  private sweepTimer?: NodeJS.Timeout;
  private vacuuming = false;
  private readonly bulk?: SqliteBulkWriter;
  private activeStatement?: Database.Statement<[], { value: string }>;

  constructor(
    file: string,
    private readonly schema: ReadModelSchema,
    options: SqliteReadStoreOptions = {},
  ) {
    Object.keys(schema).forEach(assertName);
    this.retireAfterMs = options.retireAfterMs ?? 10_000;
    this.db = new Database(file);
    // Only takes effect on a new file (before its first table).
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    // The WAL of a large rebuild commit is cut back after checkpoints; pages of big generations stay cached.
    this.db.pragma('journal_size_limit = 67108864');
    this.db.pragma('cache_size = -65536');
    // Checkpoints every 64 MiB of WAL, not 4: each copies every page changed since the last once, and a
    // projector's documents change all over the tables (see SqliteEventStore).
    this.db.pragma('wal_autocheckpoint = 16384');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    if (options.bulkWriterThread ?? true)
      this.bulk = new SqliteBulkWriter(file, [
        'journal_size_limit = 67108864',
        'cache_size = -65536',
        'wal_autocheckpoint = 16384',
        'synchronous = NORMAL',
        'busy_timeout = 5000',
      ]);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS records (namespace TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (namespace, id));
    `);
    const active = this.activeGeneration();
    if (active === undefined) {
      this.createTables(1);
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('activeGeneration', '1'), ('lastGeneration', '1')").run();
    } else {
      // A collection added to the schema since this generation was made (a new projection) gets its table.
      this.createTables(active);
    }
    this.addVersionColumns();
    this.retireOlder();
    this.sweep();
  }

  /** Generations older than the active one that nothing marked retired (left by an older version of this code) are retired now. */
  private retireOlder(): void {
    const active = this.activeGeneration() ?? 1;
    const retire = this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    const now = String(Date.now());
    for (const g of this.storedGenerations()) if (g < active) retire.run(`retired:${g}`, now);
  }

  /** Checkpoint tables written before projections had versions get the column (once, whoever opens first). */
  private addVersionColumns(): void {
    this.db
      .transaction(() => {
        const tables = this.db
          .prepare<[], { name: string }>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_g%\\_checkpoints' ESCAPE '\\'",
          )
          .all()
          .map((t) => t.name);
        for (const table of tables) {
          const columns = this.db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
          if (!columns.some((c) => c.name === 'version')) this.db.exec(`ALTER TABLE ${table} ADD COLUMN version INTEGER`);
        }
      })
      .immediate();
  }

  /** Asked by every query (another process may have swapped generations): prepared once, not per request. */
  private activeGeneration(): number | undefined {
    this.activeStatement ??= this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'activeGeneration'");
    const row = this.activeStatement.get();
    return row ? Number(row.value) : undefined;
  }

  private createTables(generation: number): void {
    const ddl = [
      `CREATE TABLE IF NOT EXISTS rm_g${generation}_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL, version INTEGER)`,
    ];
    for (const [collection, { indexes }] of Object.entries(this.schema)) {
      const table = tableName(generation, collection);
      ddl.push(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      const wanted = new Map(indexes.map((fields) => expressionIndex(table, fields)));
      ddl.push(...wanted.values());
      ddl.push(...this.staleIndexes(table, wanted).map((index) => `DROP INDEX IF EXISTS ${index}`));
    }
    this.db.exec(ddl.join(';\n'));
  }

  /** The generation's expression indexes, as statements that build those missing. */
  private indexStatements(generation: number): string[] {
    return Object.entries(this.schema).flatMap(([collection, { indexes }]) =>
      indexes.map((fields) => expressionIndex(tableName(generation, collection), fields)[1]),
    );
  }

  /** Indexes of a read model table that the schema no longer names (older names `_i0`…, changed definitions). */
  private staleIndexes(table: string, wanted: ReadonlyMap<string, string>): string[] {
    return this.db
      .prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
      .all(table)
      .map((i) => i.name)
      .filter((name) => name.startsWith(`${table}_`) && !wanted.has(name));
  }

  async active(): Promise<ReadModels> {
    return this.models(this.activeGeneration() ?? 1);
  }

  private models(generation: number): SqliteReadModels {
    let models = this.generations.get(generation);
    if (!models) this.generations.set(generation, (models = new SqliteReadModels(this.db, generation, this.schema)));
    return models;
  }

  async createGeneration(): Promise<ReadModels> {
    const generation = this.db.transaction(() => {
      const last = Number(this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'lastGeneration'").get()!.value);
      const next = last + 1;
      this.db.prepare("UPDATE meta SET value = ? WHERE key = 'lastGeneration'").run(String(next));
      this.createTables(next);
      // Its expression indexes are built when it is swapped in (activate).
      for (const index of this.expressionIndexes(next)) this.db.exec(`DROP INDEX ${index}`);
      return next;
    })();
    const models = this.models(generation);
    if (this.bulk) models.writeBehind(this.bulk);
    return models;
  }

  /** The generation's secondary indexes (those the schema declares; primary keys are not listed in sqlite_master.sql). */
  private expressionIndexes(generation: number): string[] {
    return this.db
      .prepare<[string], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE ? ESCAPE '\\'",
      )
      .all(`rm\\_g${generation}\\_%`)
      .map((i) => i.name);
  }

  /**
   * Builds the generation's indexes (if it has none yet), then makes it the active one, in one
   * transaction. Every other generation is retired: dropped once no query has used it for
   * `retireAfterMs` (a query that started on it finishes there).
   */
  async activate(generation: number): Promise<void> {
    const rebuilt = this.generations.get(generation);
    if (this.bulk && rebuilt?.writingBehind) {
      await rebuilt.drain();
      // Built by the writer thread (over a million documents, seconds): the event loop answers meanwhile.
      await this.bulk.run({ type: 'exec', sql: this.indexStatements(generation).join(';\n') });
      rebuilt.stopWritingBehind();
    }
    const now = Date.now();
    this.db
      .transaction(() => {
        this.createTables(generation);
        this.db.prepare("UPDATE meta SET value = ? WHERE key = 'activeGeneration'").run(String(generation));
        const retire = this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
        for (const g of this.storedGenerations()) if (g !== generation) retire.run(`retired:${g}`, String(now));
        this.db.prepare('DELETE FROM meta WHERE key = ?').run(`retired:${generation}`);
      })
      .immediate();
    this.sweep();
  }

  /** Generations that have tables in the file. */
  private storedGenerations(): number[] {
    const tables = this.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_g%' ESCAPE '\\'")
      .all();
    return [...new Set(tables.map((t) => Number(/^rm_g(\d+)_/.exec(t.name)?.[1])).filter((g) => Number.isInteger(g)))];
  }

  /**
   * Drops the retired generations no reader of this process has used for `retireAfterMs` (nor since
   * they were retired); looks again later for those still in use. Then gives the space back.
   */
  private sweep(): void {
    if (!this.db.open) return;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    const now = Date.now();
    const active = this.activeGeneration();
    let wait = Infinity;
    const retired = this.db
      .prepare<[], { key: string; value: string }>("SELECT key, value FROM meta WHERE key LIKE 'retired:%'")
      .all()
      .map((r) => ({ generation: Number(r.key.slice('retired:'.length)), since: Number(r.value) }));
    let dropped = false;
    for (const { generation, since } of retired) {
      if (generation === active) continue;
      const idle = Math.max(since, this.generations.get(generation)?.lastUsed ?? 0) + this.retireAfterMs - now;
      if (idle > 0) {
        wait = Math.min(wait, idle);
        continue;
      }
      try {
        this.drop(generation);
        dropped = true;
      } catch {
        // Busy (another process writing): tried again later.
        wait = Math.min(wait, this.retireAfterMs || 1000);
      }
    }
    if (wait !== Infinity) (this.sweepTimer = setTimeout(() => this.sweep(), wait + 5)).unref();
    if (dropped) void this.vacuum();
  }

  private drop(generation: number): void {
    this.db
      .transaction(() => {
        const tables = this.db
          .prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'")
          .all(`rm\\_g${generation}\\_%`);
        for (const { name } of tables) this.db.exec(`DROP TABLE ${name}`);
        this.db.prepare('DELETE FROM meta WHERE key = ?').run(`retired:${generation}`);
      })
      .immediate();
    this.generations.delete(generation);
  }

  /** Returns the free pages to the file system, a few thousand at a time (other writers get turns in between); no-op without auto_vacuum. */
  private async vacuum(): Promise<void> {
    if (this.vacuuming) return;
    this.vacuuming = true;
    try {
      if (this.db.pragma('auto_vacuum', { simple: true }) !== 2) return;
      while (this.db.open && Number(this.db.pragma('freelist_count', { simple: true })) > 0) {
        this.db.pragma('incremental_vacuum(4096)');
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The WAL (it may hold up to 64 MiB between checkpoints) goes back too; a reader in the way is waited for, a little.
      for (let attempt = 0; attempt < 50 && this.db.open; attempt++) {
        const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
        if (!result?.busy) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      this.vacuuming = false;
    }
  }

  async getRecord(namespace: string, id: string): Promise<Record<string, unknown> | undefined> {
    const row = this.db
      .prepare<[string, string], { record: string }>('SELECT record FROM records WHERE namespace = ? AND id = ?')
      .get(namespace, id);
    return row ? JSON.parse(row.record) : undefined;
  }

  async putRecord(namespace: string, id: string, record: Record<string, unknown>): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO records (namespace, id, record) VALUES (?, ?, ?)').run(namespace, id, JSON.stringify(record));
  }

  async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    await this.bulk?.close();
    if (this.db.open) this.db.close();
  }
}

class SqliteReadModels implements ReadModels {
  /** When a query or a write of this process last used the generation (a retired one is kept until it has been idle long enough). */
  lastUsed = 0;
  private readonly writes = new Map<string, Database.Statement>();
  /** While the generation is being rebuilt: the thread its commits are handed to. */
  private behind?: SqliteBulkWriter;
  /** Commits handed over and not yet written, oldest first, with their number of documents. */
  private inFlight: Array<{ written: Promise<void>; docs: number }> = [];
  /** Each projection's state once the commits handed over are written. */
  private readonly statesBehind = new Map<string, ProjectionState>();
  /** The first commit the thread could not write: every later use of the generation fails with it. */
  private failedBehind?: Error;

  constructor(
    private readonly db: Database.Database,
    readonly generation: number,
    private readonly schema: ReadModelSchema,
  ) {}

  /**
   * From now until `stopWritingBehind`, commits are serialized here and written by `writer`, in order,
   * while the caller goes on (a generation being rebuilt, which nothing else writes and no query reads).
   * Reads wait until what was handed over is written; the projections' states are answered as they will
   * be. A commit the thread fails to write fails every later use of the generation.
   */
  writeBehind(writer: SqliteBulkWriter): void {
    this.behind = writer;
  }

  get writingBehind(): boolean {
    return this.behind !== undefined;
  }

  /** Waits until every commit handed over is written; throws the first that was not. */
  async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift()!.written;
    if (this.failedBehind) throw this.failedBehind;
  }

  stopWritingBehind(): void {
    this.behind = undefined;
    this.statesBehind.clear();
  }

  private table(collection: string): string {
    if (!this.schema[collection]) throw new Error(`unknown collection: ${collection}`);
    this.lastUsed = Date.now();
    return tableName(this.generation, collection);
  }

  async get(collection: string, id: string): Promise<Doc | undefined> {
    if (this.behind) await this.drain();
    const row = queryCache(this.db)
      .statement<{ doc: string }>(`SELECT doc FROM ${this.table(collection)} WHERE id = ?`)
      .get(id);
    return row ? JSON.parse(row.doc) : undefined;
  }

  /** One statement for all the ids (a JSON array of them, each looked up on the primary key). */
  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    if (ids.length === 0) return out;
    if (this.behind) await this.drain();
    const rows = queryCache(this.db)
      .statement<{ id: string; doc: string }>(`SELECT id, doc FROM ${this.table(collection)} WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify([...new Set(ids)]));
    for (const row of rows) out.set(row.id, JSON.parse(row.doc));
    return out;
  }

  /**
   * The page walks an index in the sort order (the schema has one per list query: filter fields, sort
   * fields, id), from the keyset `after` when given; `total` is a COUNT over the filter, answered from
   * an index, and kept until the database changes (see QueryCache).
   */
  async find(collection: string, query: FindQuery = {}): Promise<Page> {
    if (this.behind) await this.drain();
    const table = this.table(collection);
    const cache = queryCache(this.db);
    const params: Scalar[] = [];
    const filter = Object.entries(query.filter ?? {});
    const where = filter.map(([field, condition]) => sqlCondition(field, condition, params));
    const countSql = `SELECT COUNT(*) AS n FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    const sort = query.sort ?? [];
    const keys = [...sort.map(([f, d]) => ({ expr: jsonPath(f), direction: d })), { expr: 'id', direction: 1 as const }];
    let pageWhere = where;
    let pageParams = params;
    if (query.after) {
      const after = assertKeyset(query.after, sort);
      // The keyset bounds the first sort key on its side: the filter's bound on that side, when the keyset
      // is past it, is implied and left out, so the index is entered at the keyset, not at the range's start.
      const first = sort[0]?.[0] ?? 'id';
      const direction = sort[0]?.[1] ?? 1;
      pageParams = [];
      pageWhere = filter.map(([field, condition]) =>
        sqlCondition(field, field === first ? withoutImpliedBound(condition, after[0], direction) : condition, pageParams),
      );
      pageWhere.push(keysetCondition(keys, after, pageParams));
    }
    const order = keys.map((k) => `${k.expr} ${k.direction === 1 ? 'ASC' : 'DESC'}`).join(', ');
    const skip = query.skip ?? 0;
    const select = (columns: string) =>
      `SELECT ${columns} FROM ${table}${pageWhere.length ? ` WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ? OFFSET ?`;
    // A deep page by number steps over the rows before it on the index alone (ids), then reads its own documents.
    const sql =
      skip >= DEFERRED_SKIP && query.limit !== undefined
        ? `SELECT doc FROM ${table} WHERE id IN (${select('id')}) ORDER BY ${order}`
        : select('doc');
    const rows = cache.statement<{ doc: string }>(sql).all(...pageParams, query.limit ?? -1, skip);
    const total = cache.get(countSql, params, () => cache.statement<{ n: number }>(countSql).get(...params)!.n);
    const items = rows.map((r) => JSON.parse(r.doc));
    if (!query.group) return { items, total };
    const by = query.group.by.map(jsonPath);
    const sum = query.group.sum === undefined ? '0' : `COALESCE(SUM(${jsonPath(query.group.sum)}), 0)`;
    const groupSql = `SELECT ${[...by.map((b, i) => `${b} AS k${i}`), 'COUNT(*) AS n', `${sum} AS s`].join(', ')} FROM ${table}${
      where.length ? ` WHERE ${where.join(' AND ')}` : ''
    }${by.length ? ` GROUP BY ${by.join(', ')}` : ''}`;
    const groups = cache.get(groupSql, params, () =>
      cache
        .statement<Record<string, Scalar>>(groupSql)
        .all(...params)
        .map((row) => ({ key: by.map((_, i) => row[`k${i}`]), count: Number(row.n), sum: Number(row.s) })),
    );
    return { items, total, groups: structuredClone(groups) };
  }

  /** A write statement of this generation, prepared once. */
  private write(sql: string): Database.Statement {
    let statement = this.writes.get(sql);
    if (!statement) this.writes.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /**
   * The checkpoint is compared inside the commit's own transaction, taken IMMEDIATE (the write lock
   * first), so another connection to the same file (a second process) cannot slip in between. The
   * documents go in with prepared statements (one per table), the whole batch in that one transaction.
   */
  async commit(
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version?: number,
    expected?: ExpectedProjectionState,
  ): Promise<void> {
    if (this.behind) return this.commitBehind(this.behind, projection, changes, checkpoint, version, expected);
    const tables = new Map<string, string>();
    for (const change of changes) if (!tables.has(change.collection)) tables.set(change.collection, this.table(change.collection));
    this.db
      .transaction(() => {
        this.assertState(projection, expected);
        for (const change of changes) {
          const table = tables.get(change.collection)!;
          if (change.doc) {
            const doc = change.doc.id === change.id ? change.doc : { ...change.doc, id: change.id };
            this.write(`INSERT OR REPLACE INTO ${table} (id, doc) VALUES (?, ?)`).run(change.id, JSON.stringify(doc));
          } else this.write(`DELETE FROM ${table} WHERE id = ?`).run(change.id);
        }
        this.write(`INSERT OR REPLACE INTO rm_g${this.generation}_checkpoints (projection, position, version) VALUES (?, ?, ?)`).run(
          projection,
          checkpoint,
          version ?? null,
        );
      })
      .immediate();
  }

  /**
   * Serializes the documents and hands them to the thread, after the commits before (compared there
   * too, inside its transaction); waits only while more than MAX_DOCS_BEHIND documents are waiting.
   */
  private async commitBehind(
    writer: SqliteBulkWriter,
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version: number | undefined,
    expected: ExpectedProjectionState | undefined,
  ): Promise<void> {
    if (this.failedBehind) throw this.failedBehind;
    const stored = await this.projectionState(projection);
    if (expected !== undefined && !isExpectedState(stored, expected)) throw new ProjectionConflictError(projection, expected, stored);
    const commit = writer.nextCommit();
    let rows: BulkRows['rows'] = [];
    for (const change of changes) {
      const doc = change.doc && (change.doc.id === change.id ? change.doc : { ...change.doc, id: change.id });
      rows.push([this.table(change.collection), change.id, doc ? JSON.stringify(doc) : null]);
      if (rows.length === ROWS_PER_MESSAGE) {
        writer.send({ type: 'rows', commit, rows });
        rows = [];
        // The event loop answers in between (a rebuild's last commit serializes every document).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (rows.length > 0) writer.send({ type: 'rows', commit, rows });
    const state: ProjectionState = version === undefined ? { checkpoint } : { checkpoint, version };
    this.statesBehind.set(projection, state);
    const written = writer
      .run({
        type: 'commit',
        commit,
        checkpoints: `rm_g${this.generation}_checkpoints`,
        projection,
        checkpoint,
        version: version ?? null,
        expected: expected === undefined ? undefined : expected && { checkpoint: expected.checkpoint, version: expected.version ?? null },
      })
      .catch((error: unknown) => {
        this.failedBehind ??=
          error instanceof BulkWriteError && error.errorName === 'ProjectionConflictError'
            ? new ProjectionConflictError(projection, expected ?? null, undefined)
            : (error as Error);
      });
    this.inFlight.push({ written, docs: changes.length });
    let waiting = this.inFlight.reduce((n, c) => n + c.docs, 0);
    while (waiting > MAX_DOCS_BEHIND && this.inFlight.length > 1) {
      const oldest = this.inFlight.shift()!;
      await oldest.written;
      waiting -= oldest.docs;
    }
    if (this.failedBehind) throw this.failedBehind;
  }

  private assertState(projection: string, expected: ExpectedProjectionState | undefined): void {
    if (expected === undefined) return;
    const stored = this.readState(projection);
    if (!isExpectedState(stored, expected)) throw new ProjectionConflictError(projection, expected, stored);
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return (await this.projectionState(projection))?.checkpoint;
  }

  async projectionState(projection: string): Promise<ProjectionState | undefined> {
    if (this.behind) {
      if (this.failedBehind) throw this.failedBehind;
      const state = this.statesBehind.get(projection);
      if (state) return { ...state };
    }
    return this.readState(projection);
  }

  private readState(projection: string): ProjectionState | undefined {
    this.lastUsed = Date.now();
    const row = this.write(`SELECT position, version FROM rm_g${this.generation}_checkpoints WHERE projection = ?`).get(projection) as
      { position: string; version: number | null } | undefined;
    if (!row) return undefined;
    return row.version === null ? { checkpoint: row.position } : { checkpoint: row.position, version: row.version };
  }

  async clear(projection: string, collections: readonly string[], expected?: ExpectedProjectionState): Promise<void> {
    if (this.behind) {
      await this.drain();
      this.statesBehind.delete(projection);
    }
    const tables = collections.map((c) => this.table(c));
    this.db
      .transaction(() => {
        this.assertState(projection, expected);
        this.db.prepare(`DELETE FROM rm_g${this.generation}_checkpoints WHERE projection = ?`).run(projection);
        for (const table of tables) this.db.exec(`DELETE FROM ${table}`);
      })
      .immediate();
  }
}

/** An expression index of a table: its name (after its fields: a changed definition is a new index) and the statement that builds it. */
function expressionIndex(table: string, fields: readonly string[]): [string, string] {
  const index = `${table}_x_${fields.map((f) => assertField(f).replace(/\./g, '_')).join('__')}`;
  return [index, `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${fields.map(jsonPath).join(', ')})`];
}

function tableName(generation: number, collection: string): string {
  return `rm_g${generation}_${assertName(collection)}`;
}

/** From this many rows skipped, a page reads the ids of its rows first (index only), then their documents. */
const DEFERRED_SKIP = 200;

/** A field as SQL: the id column, or the field of the JSON document (as the expression indexes have it). */
function jsonPath(field: string): string {
  return field === 'id' ? 'id' : `json_extract(doc, '$.${assertField(field)}')`;
}

/**
 * A range condition on the first sort key without its bound on the keyset's side (ascending: gte/gt;
 * descending: lte/lt) when the keyset's value already satisfies that bound (rows after the keyset
 * satisfy it then too).
 */
function withoutImpliedBound(condition: Condition, first: Scalar, direction: 1 | -1): Condition {
  if (condition === null || typeof condition !== 'object' || !isRange(condition) || first === null) return condition;
  const same = (bound: Scalar | undefined) => bound !== undefined && bound !== null && typeof bound === typeof first;
  const { gte, gt, lte, lt, ...rest } = condition;
  if (direction === 1) {
    if (same(gte) && first >= gte! && (gt === undefined || (same(gt) && first > gt!))) return { ...rest, lte, lt };
    if (gte === undefined && same(gt) && first > gt!) return { ...rest, lte, lt };
  } else {
    if (same(lte) && first <= lte! && (lt === undefined || (same(lt) && first < lt!))) return { ...rest, gte, gt };
    if (lte === undefined && same(lt) && first < lt!) return { ...rest, gte, gt };
  }
  return condition;
}

/**
 * The rows after a keyset in the order of `keys` (the sort keys, then id): a row value comparison when
 * every key ascends, else the expanded form; both with a bound on the first key, where the index range
 * starts (then only the rows sharing the keyset's first key are stepped over).
 */
function keysetCondition(keys: ReadonlyArray<{ expr: string; direction: 1 | -1 }>, after: readonly Scalar[], params: Scalar[]): string {
  const values = after.map(toSql);
  if (keys.every((k) => k.direction === 1)) {
    params.push(values[0], ...values);
    // SQLite starts an index range on expressions from the first key's bound, not from the row value.
    return `${keys[0].expr} >= ? AND (${keys.map((k) => k.expr).join(', ')}) > (${keys.map(() => '?').join(', ')})`;
  }
  const alternatives = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => {
      params.push(values[j]);
      return `${k.expr} = ?`;
    });
    params.push(values[i]);
    return `(${[...equal, `${key.expr} ${key.direction === 1 ? '>' : '<'} ?`].join(' AND ')})`;
  });
  params.push(values[0]);
  return `(${alternatives.join(' OR ')}) AND ${keys[0].expr} ${keys[0].direction === 1 ? '>=' : '<='} ?`;
}

/**
 * Per connection: prepared statements of the queries, and the counts and totals they answered, kept while the
 * database holds the same data: `total_changes()` (rows this connection wrote) and `PRAGMA data_version`
 * (commits of any other connection, another process's included) are both unchanged. A list query asks
 * these two numbers instead of counting a region again; a write anywhere forgets every count.
 */
class QueryCache {
  private static readonly MAX = 500;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly answers = new Map<string, unknown>();
  private stamp = '';
  private readonly stampOf: Database.Statement<[], { changes: number; version: number }>;

  constructor(private readonly db: Database.Database) {
    this.stampOf = db.prepare('SELECT total_changes() AS changes, data_version AS version FROM pragma_data_version');
  }

  statement<R>(sql: string): Database.Statement<Scalar[], R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= QueryCache.MAX) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<Scalar[], R>;
  }

  /** The answer of a read-only query, computed again once anything was written since it was kept. */
  get<T>(sql: string, params: readonly Scalar[], compute: () => T): T {
    const { changes, version } = this.stampOf.get()!;
    const stamp = `${changes}:${version}`;
    if (stamp !== this.stamp) {
      this.answers.clear();
      this.stamp = stamp;
    }
    const key = `${sql}\u0000${JSON.stringify(params)}`;
    if (this.answers.has(key)) return this.answers.get(key) as T;
    const answer = compute();
    if (this.answers.size >= QueryCache.MAX) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }
}

const queryCaches = new WeakMap<Database.Database, QueryCache>();

function queryCache(db: Database.Database): QueryCache {
  let cache = queryCaches.get(db);
  if (!cache) queryCaches.set(db, (cache = new QueryCache(db)));
  return cache;
}

function sqlCondition(field: string, condition: Condition, params: Scalar[]): string {
  const path = jsonPath(field);
  if (condition === null) return `${path} IS NULL`;
  if (typeof condition !== 'object') {
    params.push(toSql(condition));
    return `${path} = ?`;
  }
  if (!isRange(condition)) {
    if (condition.in.length === 0) return '0';
    condition.in.forEach((v) => params.push(toSql(assertScalar(v))));
    return `${path} IN (${condition.in.map(() => '?').join(', ')})`;
  }
  const parts = (Object.keys(RANGE_OPS) as Array<keyof typeof RANGE_OPS>)
    .filter((op) => condition[op] !== undefined)
    .map((op) => {
      params.push(toSql(assertScalar(condition[op])));
      return `${path} ${RANGE_OPS[op]} ?`;
    });
  return parts.length ? parts.join(' AND ') : '1';
}

/** json_extract answers booleans as 0/1. */
function toSql(value: Scalar): Scalar {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
