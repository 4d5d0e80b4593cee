import Database from 'better-sqlite3';
import { LEAF_BLOCK, LeafBlock, SealCommit, SealState, SealStore, StoredCheckpoint } from './seal-store.port';

interface BlockRow {
  block: number;
  hashes: Buffer;
  positions: string;
}

/**
 * The embedded seal store: its own file (`DATA_DIR/seal.sqlite`), WAL with synchronous=NORMAL (the
 * tree can always be recomputed from the ledger; a lost commit is sealed again on restart), one
 * transaction per sealed batch, prepared statements.
 */
export class SqliteSealStore implements SealStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS seal_state (id INTEGER PRIMARY KEY CHECK (id = 1), tree_size INTEGER NOT NULL, subtrees TEXT NOT NULL, last_position TEXT);
      CREATE TABLE IF NOT EXISTS seal_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS seal_leaves (block INTEGER PRIMARY KEY, first_position TEXT NOT NULL, hashes BLOB NOT NULL, positions TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS seal_leaves_first_position ON seal_leaves (first_position);
      CREATE TABLE IF NOT EXISTS checkpoints (tree_size INTEGER PRIMARY KEY, root_hash TEXT NOT NULL, position TEXT, recorded_at TEXT NOT NULL, note TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS checkpoints_recorded_at ON checkpoints (recorded_at);
    `);
    this.stmts = {
      state: this.db.prepare<[], { tree_size: number; subtrees: string; last_position: string | null }>(
        'SELECT tree_size, subtrees, last_position FROM seal_state WHERE id = 1',
      ),
      putState: this.db.prepare(
        `INSERT INTO seal_state (id, tree_size, subtrees, last_position) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, subtrees = excluded.subtrees, last_position = excluded.last_position`,
      ),
      putNode: this.db.prepare('INSERT OR REPLACE INTO seal_nodes (level, idx, hash) VALUES (?, ?, ?)'),
      getNode: this.db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM seal_nodes WHERE level = ? AND idx = ?'),
      putBlock: this.db.prepare('INSERT OR REPLACE INTO seal_leaves (block, first_position, hashes, positions) VALUES (?, ?, ?, ?)'),
      getBlock: this.db.prepare<[number], BlockRow>('SELECT block, hashes, positions FROM seal_leaves WHERE block = ?'),
      readBlocks: this.db.prepare<[number, number], BlockRow>(
        'SELECT block, hashes, positions FROM seal_leaves WHERE block >= ? ORDER BY block LIMIT ?',
      ),
      blockOf: this.db.prepare<[string], BlockRow>(
        'SELECT block, hashes, positions FROM seal_leaves WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1',
      ),
      addCheckpoint: this.db.prepare(
        'INSERT OR IGNORE INTO checkpoints (tree_size, root_hash, position, recorded_at, note) VALUES (?, ?, ?, ?, ?)',
      ),
      latest: this.db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints ORDER BY tree_size DESC LIMIT 1'),
      ofSize: this.db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE tree_size = ?'),
      range: this.db.prepare<[string, string, number], CheckpointRow>(
        'SELECT * FROM checkpoints WHERE recorded_at >= ? AND recorded_at <= ? ORDER BY tree_size LIMIT ?',
      ),
    };
  }

  async loadState(): Promise<SealState | undefined> {
    const row = this.stmts.state.get();
    if (!row) return undefined;
    const state: SealState = { treeSize: row.tree_size, subtrees: JSON.parse(row.subtrees) };
    if (row.last_position !== null) state.lastPosition = row.last_position;
    return state;
  }

  async commit(batch: SealCommit): Promise<void> {
    this.db.transaction(() => {
      for (const b of batch.leafBlocks) this.stmts.putBlock.run(b.block, b.positions[0], b.hashes, JSON.stringify(b.positions));
      for (const n of batch.nodes) this.stmts.putNode.run(n.level, n.index, n.hash);
      const s = batch.state;
      this.stmts.putState.run(s.treeSize, JSON.stringify(s.subtrees), s.lastPosition ?? null);
    })();
  }

  async getNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Array<Buffer | undefined>> {
    return ids.map((id) => this.stmts.getNode.get(id.level, id.index)?.hash);
  }

  async getLeafBlocks(blocks: readonly number[]): Promise<Map<number, LeafBlock>> {
    const out = new Map<number, LeafBlock>();
    for (const b of new Set(blocks)) {
      const row = this.stmts.getBlock.get(b);
      if (row) out.set(b, toBlock(row));
    }
    return out;
  }

  async readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]> {
    return this.stmts.readBlocks.all(fromBlock, maxCount).map(toBlock);
  }

  async leafIndexOf(position: string): Promise<number | undefined> {
    const row = this.stmts.blockOf.get(position);
    if (!row) return undefined;
    const i = (JSON.parse(row.positions) as string[]).indexOf(position);
    return i < 0 ? undefined : row.block * LEAF_BLOCK + i;
  }

  async addCheckpoint(c: StoredCheckpoint): Promise<void> {
    this.stmts.addCheckpoint.run(c.treeSize, c.rootHash, c.position, c.recordedAt, c.note);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = this.stmts.latest.get();
    return row && toCheckpoint(row);
  }

  async checkpointOfSize(treeSize: number): Promise<StoredCheckpoint | undefined> {
    const row = this.stmts.ofSize.get(treeSize);
    return row && toCheckpoint(row);
  }

  async checkpoints(range: { from?: string; to?: string; limit: number }): Promise<StoredCheckpoint[]> {
    return this.stmts.range.all(range.from ?? '', range.to ?? '\uffff', range.limit).map(toCheckpoint);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

interface CheckpointRow {
  tree_size: number;
  root_hash: string;
  position: string | null;
  recorded_at: string;
  note: string;
}

function toCheckpoint(r: CheckpointRow): StoredCheckpoint {
  return { treeSize: r.tree_size, rootHash: r.root_hash, position: r.position, recordedAt: r.recorded_at, note: r.note };
}

function toBlock(r: BlockRow): LeafBlock {
  return { block: r.block, hashes: Buffer.from(r.hashes), positions: JSON.parse(r.positions) };
}
