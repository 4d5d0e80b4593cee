import Database from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { EventStore, RecordedEvent, StoredEventForVerification } from '@app/event-store';
import { ExportedEvent, LedgerVerifier, MerkleAccumulator, Mismatch, RangeCheck, RangeChecker, RangeJoiner } from '@app/verifier';
import { LEAF_BLOCK, LeafBlock, StoredCheckpoint } from './seal-store.port';

/** An event as /audit/streams and export-ledger show it (the stored form; the API masks personal data). */
export interface AuditedEvent {
  position: string;
  streamName: string;
  revision: number;
  type: string;
  recordedAt: string;
  effectiveDate: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function auditedEvent(e: RecordedEvent, mapData: (data: unknown) => unknown = (d) => d): AuditedEvent {
  return {
    position: e.position,
    streamName: e.streamName,
    revision: e.revision,
    type: e.type,
    recordedAt: e.recordedAt,
    effectiveDate: e.effectiveDate,
    data: mapData(e.data),
    metadata: e.metadata,
  };
}

export interface LedgerVerificationResult {
  ok: boolean;
  checkedEvents: number;
  lastPosition: string | null;
  treeSize: number;
  rootHash: string;
  firstMismatch?: Mismatch;
  /** The ledger compared with the sealer's own copy of the leaves it sealed (when there is one). */
  sealed?: { treeSize: number; matches: boolean };
  /** The ledger's root at the latest signed checkpoint's tree size, compared with the checkpoint. */
  checkpoint?: { treeSize: number; rootHash: string; matches: boolean };
  verifiedAt: string;
}

/**
 * The stored ledger in order, page by page: the store's own lean reader where it has one (the
 * embedded store), else readAll pages (EventStoreDB).
 */
async function* storedPages(raw: EventStore, batchSize: number): AsyncGenerator<readonly StoredEventForVerification[]> {
  if (raw.iterateStored) {
    for (const page of raw.iterateStored({ pageSize: batchSize })) yield page;
    return;
  }
  let after: string | undefined;
  for (;;) {
    const batch = await raw.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) return;
    after = batch[batch.length - 1].position;
    yield batch;
  }
}

/** What verification reads of the sealer: its leaves, and the latest checkpoint. */
export interface SealedCopy {
  treeSize(): Promise<number>;
  readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
}

export interface VerifyStoredOptions {
  /** Events read per page by the one-pass verification. */
  batchSize?: number;
  onProgress?: (checked: number) => void;
  now?: () => Date;
  /**
   * The embedded ledger is first checked in ranges by this many worker threads (0: in this thread;
   * default: one per core, at most 4); `false`: only the one-pass verification.
   */
  workers?: number | false;
}

/**
 * Verifies the stored ledger (read from the RAW store: hashes cover the stored form): every
 * stream's hash chain and the Merkle tree (libs/verifier's LedgerVerifier), then, when a sealer has
 * sealed it, each event's leaf against the leaf the sealer recorded, and the root at the latest
 * signed checkpoint against that checkpoint. A chain mismatch names the event as the verifier
 * classifies it; a ledger that chains but differs from what was sealed names the first differing
 * leaf: `changed` (same position, other content), `missing` (a sealed position is gone),
 * `inserted` (a position that was never sealed).
 *
 * The embedded ledger is first checked quickly, in ranges (verifyInRanges): when every check holds,
 * that is the answer, the same one the one-pass verification gives. When anything does not hold, or
 * the ledger is not the embedded one, the one-pass verification runs and its answer names the
 * first mismatch.
 */
export async function verifyStoredLedger(
  raw: EventStore,
  sealed?: SealedCopy,
  options: VerifyStoredOptions = {},
): Promise<LedgerVerificationResult> {
  if (options.workers !== false && raw.kind === 'sqlite' && raw.iterateStored) {
    let file: string | undefined;
    // The embedded store tells its file (SqliteEventStore.iterateStored's onSqliteFile); reads nothing yet.
    const ask: { after?: string; onSqliteFile: (f: string) => void } = { onSqliteFile: (f) => (file = f) };
    raw.iterateStored(ask);
    if (file) {
      const fast = await verifyInRanges(raw, file, sealed, options);
      if (fast) return fast;
    }
  }
  return verifyInOnePass(raw, sealed, options);
}

/** The one-pass verification: LedgerVerifier over the whole ledger, then the seal and the checkpoint. */
async function verifyInOnePass(
  raw: EventStore,
  sealed: SealedCopy | undefined,
  options: VerifyStoredOptions,
): Promise<LedgerVerificationResult> {
  const batchSize = options.batchSize ?? 1000;
  const sealedSize = sealed ? await sealed.treeSize() : 0;
  const checkpoint = sealed ? await sealed.latestCheckpoint() : undefined;
  const prefix = checkpoint ? new MerkleAccumulator() : undefined;
  let current: StoredEventForVerification | undefined;
  let sealMismatch: Mismatch | undefined;
  const blocks = new Map<number, LeafBlock>();
  let checked = 0;

  const verifier = new LedgerVerifier({
    onLeaf: (index, leafHash) => {
      if (prefix && checkpoint && index < checkpoint.treeSize) prefix.append(leafHash);
      if (sealMismatch || index >= sealedSize || !current) return;
      const block = blocks.get(Math.floor(index / LEAF_BLOCK));
      const i = index % LEAF_BLOCK;
      if (!block || block.positions[i] === undefined) return;
      const sealedPosition = block.positions[i];
      const same = block.hashes.subarray(i * 32, i * 32 + 32).equals(leafHash);
      if (same) return;
      const e = current;
      if (sealedPosition === e.position) {
        sealMismatch = {
          position: e.position,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'changed',
          detail: `the event differs from the one sealed at leaf ${index} (its leaf hash changed)`,
        };
      } else if (sealedPosition < e.position) {
        sealMismatch = {
          position: sealedPosition,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'missing',
          detail: `the event sealed at position ${sealedPosition} (leaf ${index}) is no longer in the ledger; the next one is ${e.streamName} revision ${e.revision} at ${e.position}`,
        };
      } else {
        sealMismatch = {
          position: e.position,
          streamName: e.streamName,
          revision: e.revision,
          problem: 'inserted',
          detail: `position ${e.position} was never sealed: leaf ${index} was position ${sealedPosition}`,
        };
      }
    },
  });

  for await (const batch of storedPages(raw, batchSize)) {
    for (const e of batch) {
      if (sealed && !sealMismatch) {
        const index = checked;
        const b = Math.floor(index / LEAF_BLOCK);
        if (index < sealedSize && !blocks.has(b)) {
          blocks.clear();
          for (const lb of await sealed.readLeafBlocks(b, 64)) blocks.set(lb.block, lb);
        }
      }
      current = e;
      verifier.add(e as unknown as ExportedEvent);
      checked++;
    }
    options.onProgress?.(checked);
  }

  const result = verifier.result();
  const out: LedgerVerificationResult = {
    ok: result.ok,
    checkedEvents: result.checkedEvents,
    lastPosition: result.lastPosition,
    treeSize: result.treeSize,
    rootHash: result.rootHash,
    verifiedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  if (result.firstMismatch) out.firstMismatch = result.firstMismatch;
  if (sealed && sealedSize > 0) {
    if (!sealMismatch && checked < sealedSize) {
      const [block] = await sealed.readLeafBlocks(Math.floor(checked / LEAF_BLOCK), 1);
      const missingAt = block?.positions[checked % LEAF_BLOCK] ?? '';
      sealMismatch = {
        position: missingAt,
        streamName: '',
        revision: -1,
        problem: 'missing',
        detail: `the ledger has ${checked} events but ${sealedSize} were sealed`,
      };
    }
    out.sealed = { treeSize: sealedSize, matches: !sealMismatch };
    if (!out.firstMismatch && sealMismatch) out.firstMismatch = sealMismatch;
  }
  if (checkpoint && prefix) {
    const complete = prefix.size === checkpoint.treeSize;
    const rootHash = complete ? prefix.root().toString('hex') : '';
    out.checkpoint = { treeSize: checkpoint.treeSize, rootHash, matches: complete && rootHash === checkpoint.rootHash };
  }
  out.ok = !out.firstMismatch && (out.checkpoint?.matches ?? true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The quick check, in ranges
// ---------------------------------------------------------------------------------------------

// The embedded ledger's rows, read as SqliteEventStore.iterateStored reads them (the same columns,
// the position as its 20-digit text), each range with a read-only connection of its own.
/** position, stream_name, revision, type, data, metadata, effective_date, recorded_at */
type Row = [number, string, number, string, string, string, string, string];

const RANGE_SQL =
  'SELECT position, stream_name, revision, type, data, metadata, effective_date, recorded_at FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?';
/** Rows read per statement: small pages keep the rows young (cheap to collect). */
const PAGE = 512;

/** A read-only reader of ranges of one ledger file. */
export class SqliteRangeReader {
  private readonly db: Database.Database;
  private readonly stmt: Database.Statement<[number, number, number]>;
  private readonly nextStmt: Database.Statement<[number], { position: number | null }>;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    this.stmt = this.db.prepare<[number, number, number]>(RANGE_SQL).raw();
    this.nextStmt = this.db.prepare<[number], { position: number | null }>(
      'SELECT MIN(position) AS position FROM events WHERE position > ?',
    );
  }

  /** The first position after `after`, or undefined at the end of the ledger. */
  nextPosition(after: number): number | undefined {
    return this.nextStmt.get(after)?.position ?? undefined;
  }

  /** The events with after < position ≤ until, checked (until − after bounds their number). */
  check(after: number, until: number): RangeCheck {
    const checker = new RangeChecker(until - after);
    for (let from = after; checker.ok;) {
      const rows = this.stmt.all(from, until, PAGE) as Row[];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        checker.add(String(r[0]).padStart(20, '0'), r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
      }
      if (rows.length < PAGE) break;
      from = rows[rows.length - 1][0];
    }
    return checker.result();
  }

  close(): void {
    this.db.close();
  }
}

/** One range to check: the events with after < position ≤ until. */
export interface RangeTask {
  after: number;
  until: number;
}

/**
 * Checks ranges in worker threads, `workers` of them, each with its own read-only connection.
 * Results come back in any order; `check` answers each task's own.
 */
export class SqliteRangePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<Worker, Array<{ resolve: (r: RangeCheck) => void; reject: (e: Error) => void }>>();
  private failure: Error | undefined;
  private next = 0;

  constructor(file: string, workers: number) {
    // This file is the workers' script, through `eval` so that where the parent runs the TypeScript
    // sources (a require hook in its execArgv, which workers inherit), so do they.
    const script = `require(${JSON.stringify(__filename)})`;
    for (let i = 0; i < workers; i++) {
      const w = new Worker(script, { eval: true, workerData: { sqliteRangeWorker: true, file } });
      this.waiting.set(w, []);
      w.on('message', (r: RangeCheck) => this.waiting.get(w)?.shift()?.resolve(r));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`a verification worker stopped (exit code ${code})`)));
      this.workers.push(w);
    }
  }

  /** Checks the range in the next worker (round robin). */
  check(task: RangeTask): Promise<RangeCheck> {
    if (this.failure) return Promise.reject(this.failure);
    const w = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.get(w)!.push({ resolve, reject });
      w.postMessage(task);
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const queue of this.waiting.values()) for (const p of queue.splice(0)) p.reject(this.failure);
  }

  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** How many workers to use: one per core, at most 4; 0 (check in the calling thread) on a single core. */
export function defaultWorkerCount(): number {
  const n = availableParallelism();
  return n < 2 ? 0 : Math.min(n, 4);
}

/** Positions per range: a worker's unit of work. */
const RANGE = 16_384;
/** Workers that could not start once (no compiled script, say) are not tried again in this process. */
let workersUnavailable = false;

/**
 * Checks the embedded ledger in ranges of positions (libs/verifier's RangeChecker, in worker threads
 * each reading its ranges with its own read-only connection), joins them in order (RangeJoiner),
 * builds the Merkle tree from their leaves, compares the leaves with the sealer's and the root at
 * the latest checkpoint with the checkpoint. Answers only a ledger where all of that holds (then
 * exactly what verifyInOnePass would answer); undefined otherwise.
 */
async function verifyInRanges(
  raw: EventStore,
  file: string,
  sealed: SealedCopy | undefined,
  options: VerifyStoredOptions,
): Promise<LedgerVerificationResult | undefined> {
  let reader: SqliteRangeReader;
  try {
    reader = new SqliteRangeReader(file);
  } catch {
    return undefined;
  }
  try {
    const workers = options.workers === undefined ? defaultWorkerCount() : Number(options.workers);
    if (workers > 0 && !workersUnavailable) {
      const pool = new SqliteRangePool(file, workers);
      const failed = new Set<unknown>();
      const inWorker = (task: RangeTask) =>
        pool.check(task).catch((e) => {
          failed.add(e);
          throw e;
        });
      try {
        return await checkRanges(reader, inWorker, sealed, options);
      } catch (e) {
        if (!failed.has(e)) throw e;
        workersUnavailable = true; // e.g. no compiled worker script under a test runner: check in this thread
      } finally {
        await pool.close();
      }
    }
    return await checkRanges(reader, async (task) => reader.check(task.after, task.until), sealed, options);
  } finally {
    reader.close();
  }
}

async function checkRanges(
  reader: SqliteRangeReader,
  check: (task: RangeTask) => Promise<RangeCheck>,
  sealed: SealedCopy | undefined,
  options: VerifyStoredOptions,
): Promise<LedgerVerificationResult | undefined> {
  const sealedSize = sealed ? await sealed.treeSize() : 0;
  const checkpoint = sealed ? await sealed.latestCheckpoint() : undefined;
  const joiner = new RangeJoiner();
  const acc = new MerkleAccumulator();
  let checkpointRoot = checkpoint?.treeSize === 0 ? acc.root().toString('hex') : undefined;
  const blocks = new Map<number, LeafBlock>();

  /** Do the leaves from index `start` equal the sealer's? (Leaves it has no position for are not compared, as in one pass.) */
  const matchesSealed = async (leaves: Uint8Array, start: number): Promise<boolean> => {
    const end = Math.min(start + leaves.length / 32, sealedSize);
    for (let index = start; index < end;) {
      const b = Math.floor(index / LEAF_BLOCK);
      if (!blocks.has(b)) {
        blocks.clear();
        for (const lb of await sealed!.readLeafBlocks(b, 64)) blocks.set(lb.block, lb);
      }
      const block = blocks.get(b);
      const upto = Math.min(end, (b + 1) * LEAF_BLOCK);
      if (block) {
        const i = index % LEAF_BLOCK;
        const n = Math.min(upto - index, block.positions.length - i);
        const ours = leaves.subarray((index - start) * 32, (index - start + n) * 32);
        if (n > 0 && Buffer.compare(block.hashes.subarray(i * 32, (i + n) * 32), ours) !== 0) return false;
      }
      index = upto;
    }
    return true;
  };

  // Ranges of RANGE positions, each starting at an event (gaps in the positions are skipped), read
  // to the end of the ledger as it is when reached (as the one pass reads it); a few checked ahead.
  const pending: Array<Promise<RangeCheck>> = [];
  let after = 0;
  let end = false;
  const more = () => {
    while (!end && pending.length < 8) {
      const first = reader.nextPosition(after);
      if (first === undefined) {
        end = true;
        break;
      }
      const task = { after: first - 1, until: first - 1 + RANGE };
      after = task.until;
      const p = check(task);
      p.catch(() => undefined); // awaited below, in order; a failure is handled there
      pending.push(p);
    }
  };
  for (more(); pending.length > 0; more()) {
    const r = await pending.shift()!;
    const start = joiner.count;
    if (!joiner.join(r)) return undefined;
    if (sealed && start < sealedSize && !(await matchesSealed(r.leaves, start))) return undefined;
    for (let off = 0; off < r.leaves.length; off += 32) {
      acc.appendFrom(r.leaves, off);
      if (checkpoint && acc.size === checkpoint.treeSize) checkpointRoot = acc.root().toString('hex');
    }
    options.onProgress?.(joiner.count);
  }

  const checked = joiner.count;
  if (sealed && sealedSize > checked) return undefined;
  if (checkpoint && checkpointRoot !== checkpoint.rootHash) return undefined;
  const out: LedgerVerificationResult = {
    ok: true,
    checkedEvents: checked,
    lastPosition: joiner.lastPosition,
    treeSize: acc.size,
    rootHash: acc.root().toString('hex'),
    verifiedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  if (sealed && sealedSize > 0) out.sealed = { treeSize: sealedSize, matches: true };
  if (checkpoint) out.checkpoint = { treeSize: checkpoint.treeSize, rootHash: checkpointRoot!, matches: true };
  return out;
}

if (!isMainThread && parentPort && (workerData as { sqliteRangeWorker?: boolean } | null)?.sqliteRangeWorker) {
  const port = parentPort;
  const reader = new SqliteRangeReader((workerData as { file: string }).file);
  port.on('message', (task: RangeTask) => {
    const r = reader.check(task.after, task.until);
    // Moved, not copied (the leaves are a view of the checker's own buffer: the whole buffer goes).
    const moved = [r.leaves, r.streamEnds, r.firstRevisions, r.firstPrevHashes, r.lastRevisions, r.lastHashes].map(
      (a) => a.buffer as ArrayBuffer,
    );
    port.postMessage(r, moved);
  });
}
