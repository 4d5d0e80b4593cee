import Database from 'better-sqlite3';
import {
  assertField,
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

const RANGE_OPS = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const;

export interface SqliteReadStoreOptions {
  /**
   * How long a replaced generation is kept after the swap and after its last use by this process
   * (default 10 s): a query that started on it (here or in another process sharing the file) finishes
   * on it; then its tables are dropped and the file gives the space back (incremental vacuum).
   */
  retireAfterMs?: number;
}

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
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
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

  private activeGeneration(): number | undefined {
    const row = this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'activeGeneration'").get();
    return row ? Number(row.value) : undefined;
  }

  private createTables(generation: number): void {
    const ddl = [
      `CREATE TABLE IF NOT EXISTS rm_g${generation}_checkpoints (projection TEXT PRIMARY KEY, position TEXT NOT NULL, version INTEGER)`,
    ];
    for (const [collection, { indexes }] of Object.entries(this.schema)) {
      const table = tableName(generation, collection);
      ddl.push(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      indexes.forEach((fields, i) => {
        ddl.push(`CREATE INDEX IF NOT EXISTS ${table}_i${i} ON ${table} (${fields.map(jsonPath).join(', ')})`);
      });
    }
    this.db.exec(ddl.join(';\n'));
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
    return this.models(generation);
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
      this.drop(generation);
      dropped = true;
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
      if (this.db.open) this.db.pragma('wal_checkpoint(TRUNCATE)');
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
    if (this.db.open) this.db.close();
  }
}

class SqliteReadModels implements ReadModels {
  /** When a query or a write of this process last used the generation (a retired one is kept until it has been idle long enough). */
  lastUsed = 0;
  private readonly writes = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    readonly generation: number,
    private readonly schema: ReadModelSchema,
  ) {}

  private table(collection: string): string {
    if (!this.schema[collection]) throw new Error(`unknown collection: ${collection}`);
    this.lastUsed = Date.now();
    return tableName(this.generation, collection);
  }

  async get(collection: string, id: string): Promise<Doc | undefined> {
    const row = this.db.prepare<[string], { doc: string }>(`SELECT doc FROM ${this.table(collection)} WHERE id = ?`).get(id);
    return row ? JSON.parse(row.doc) : undefined;
  }

  async getMany(collection: string, ids: readonly string[]): Promise<Map<string, Doc>> {
    const out = new Map<string, Doc>();
    const stmt = this.db.prepare<[string], { doc: string }>(`SELECT doc FROM ${this.table(collection)} WHERE id = ?`);
    for (const id of new Set(ids)) {
      const row = stmt.get(id);
      if (row) out.set(id, JSON.parse(row.doc));
    }
    return out;
  }

  async find(collection: string, query: FindQuery = {}): Promise<Page> {
    const table = this.table(collection);
    const params: Scalar[] = [];
    const where = Object.entries(query.filter ?? {}).map(([field, condition]) => sqlCondition(field, condition, params));
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = [...(query.sort ?? []).map(([f, d]) => `${jsonPath(f)} ${d === 1 ? 'ASC' : 'DESC'}`), 'id ASC'].join(', ');
    const total = this.db.prepare<Scalar[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table} ${whereSql}`).get(...params)!.n;
    const limit = query.limit ?? -1;
    const rows = this.db
      .prepare<Scalar[], { doc: string }>(`SELECT doc FROM ${table} ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, query.skip ?? 0);
    return { items: rows.map((r) => JSON.parse(r.doc)), total };
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

  private assertState(projection: string, expected: ExpectedProjectionState | undefined): void {
    if (expected === undefined) return;
    const stored = this.readState(projection);
    if (!isExpectedState(stored, expected)) throw new ProjectionConflictError(projection, expected, stored);
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return (await this.projectionState(projection))?.checkpoint;
  }

  async projectionState(projection: string): Promise<ProjectionState | undefined> {
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

function tableName(generation: number, collection: string): string {
  return `rm_g${generation}_${assertName(collection)}`;
}

function jsonPath(field: string): string {
  return `json_extract(doc, '$.${assertField(field)}')`;
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
