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

/**
 * Embedded read models: one table per collection and generation (`rm_g3_coverage`), JSON documents,
 * expression indexes on the fields the queries use. synchronous=NORMAL: read models can be rebuilt.
 */
export class SqliteReadStore implements ReadStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(
    file: string,
    private readonly schema: ReadModelSchema,
  ) {
    Object.keys(schema).forEach(assertName);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
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
    return new SqliteReadModels(this.db, this.activeGeneration() ?? 1, this.schema);
  }

  async createGeneration(): Promise<ReadModels> {
    const generation = this.db.transaction(() => {
      const last = Number(this.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'lastGeneration'").get()!.value);
      const next = last + 1;
      this.db.prepare("UPDATE meta SET value = ? WHERE key = 'lastGeneration'").run(String(next));
      this.createTables(next);
      return next;
    })();
    return new SqliteReadModels(this.db, generation, this.schema);
  }

  async activate(generation: number): Promise<void> {
    this.db.transaction(() => {
      const previous = this.activeGeneration();
      this.db.prepare("UPDATE meta SET value = ? WHERE key = 'activeGeneration'").run(String(generation));
      const tables = this.db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_g%' ESCAPE '\\'")
        .all()
        .map((t) => t.name);
      for (const t of tables) {
        const g = Number(/^rm_g(\d+)_/.exec(t)?.[1]);
        if (g !== generation && g !== previous) this.db.exec(`DROP TABLE ${t}`);
      }
    })();
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
    if (this.db.open) this.db.close();
  }
}

class SqliteReadModels implements ReadModels {
  constructor(
    private readonly db: Database.Database,
    readonly generation: number,
    private readonly schema: ReadModelSchema,
  ) {}

  private table(collection: string): string {
    if (!this.schema[collection]) throw new Error(`unknown collection: ${collection}`);
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

  /**
   * The checkpoint is compared inside the commit's own transaction, taken IMMEDIATE (the write lock
   * first), so another connection to the same file (a second process) cannot slip in between.
   */
  async commit(
    projection: string,
    changes: readonly DocChange[],
    checkpoint: string,
    version?: number,
    expected?: ExpectedProjectionState,
  ): Promise<void> {
    const upserts = new Map<string, Database.Statement>();
    const deletes = new Map<string, Database.Statement>();
    this.db
      .transaction(() => {
        this.assertState(projection, expected);
        for (const change of changes) {
          const table = this.table(change.collection);
          if (change.doc) {
            if (!upserts.has(table)) upserts.set(table, this.db.prepare(`INSERT OR REPLACE INTO ${table} (id, doc) VALUES (?, ?)`));
            upserts.get(table)!.run(change.id, JSON.stringify({ ...change.doc, id: change.id }));
          } else {
            if (!deletes.has(table)) deletes.set(table, this.db.prepare(`DELETE FROM ${table} WHERE id = ?`));
            deletes.get(table)!.run(change.id);
          }
        }
        this.db
          .prepare(`INSERT OR REPLACE INTO rm_g${this.generation}_checkpoints (projection, position, version) VALUES (?, ?, ?)`)
          .run(projection, checkpoint, version ?? null);
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
    const row = this.db
      .prepare<[string], { position: string; version: number | null }>(
        `SELECT position, version FROM rm_g${this.generation}_checkpoints WHERE projection = ?`,
      )
      .get(projection);
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
