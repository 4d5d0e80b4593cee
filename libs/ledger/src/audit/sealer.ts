import type { EventStore, RecordedEvent } from '@app/event-store';
import {
  AsyncNodeStore,
  consistencyProofFromStoreAsync,
  EMPTY_TREE_HASH,
  foldRange,
  formatCheckpoint,
  inclusionProofFromStoreAsync,
  leafHashHex,
  MerkleAccumulator,
  NodeId,
  rangeNodes,
  signNote,
  treeHash,
} from '@app/verifier';
import { LEAF_BLOCK, LeafBlock, SealStore, StoredCheckpoint, StoredNode, STORED_MIN_LEVEL } from './seal-store.port';
import type { LedgerSigningKey } from './signing';

export interface SealerOptions {
  /** Events read per batch (one store commit each). */
  batchSize?: number;
  /** A checkpoint at every multiple of this tree size. */
  checkpointEvery?: number;
  /** A checkpoint when this long has passed since the last one and there are new events. */
  checkpointIntervalMs?: number;
  /** How long an idle background loop sleeps before looking for new events. */
  idleMs?: number;
  clock?: () => Date;
}

/** The leaf of a stored event (api.md "Leaf"): it covers the stored chain hash, so it must be read from the raw store. */
export function leafHashOf(e: RecordedEvent): string {
  const m = e.metadata;
  return leafHashHex({
    actor: { userId: m.userId, role: m.role },
    hash: m.hash,
    position: e.position,
    recordedAt: e.recordedAt,
    revision: e.revision,
    streamName: e.streamName,
  });
}

export class SealerError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SealerError';
  }
}

export interface SealerLag {
  treeSize: number;
  lastPosition?: string;
  head?: string;
  /** Age of the oldest event not yet sealed (0 when caught up). */
  lagSeconds: number;
}

/**
 * The Merkle sealer: reads the ledger (the raw, stored events) in order like a projection, appends
 * each event's leaf to an RFC 9162 tree kept incrementally (MerkleAccumulator), stores its leaves and
 * complete nodes (see seal-store.port.ts) and signs checkpoints: at every multiple of 10,000 events,
 * when an hour has passed since the last with new events (and at once for the first), and on request
 * (`sealNow`, `checkpointAt`). Proofs come from the stored nodes, never from the ledger.
 *
 * One batch at a time: the background loop, sealNow and checkpointAt share one lock.
 */
export class LedgerSealer {
  private readonly batchSize: number;
  private readonly checkpointEvery: number;
  private readonly checkpointIntervalMs: number;
  private readonly idleMs: number;
  private readonly clock: () => Date;
  private acc = new MerkleAccumulator();
  private lastPosition?: string;
  /** The last, incomplete leaf block (kept in memory, rewritten with each batch). */
  private tail: LeafBlock = { block: 0, hashes: Buffer.alloc(0), positions: [] };
  private initialized?: Promise<void>;
  private lock: Promise<unknown> = Promise.resolve();
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private lastError?: Error;

  constructor(
    private readonly ledger: EventStore,
    private readonly store: SealStore,
    private readonly key: LedgerSigningKey,
    options: SealerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.checkpointEvery = options.checkpointEvery ?? 10_000;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 3_600_000;
    this.idleMs = options.idleMs ?? 250;
    this.clock = options.clock ?? (() => new Date());
  }

  get origin(): string {
    return this.key.origin;
  }

  get verifierKey(): string {
    return this.key.verifierKey;
  }

  /** The last batch failure of the background loop (cleared by the next success). */
  get error(): Error | undefined {
    return this.lastError;
  }

  /** Leaves sealed so far. */
  async treeSize(): Promise<number> {
    await this.init();
    return this.acc.size;
  }

  private init(): Promise<void> {
    this.initialized ??= this.load();
    return this.initialized;
  }

  private async load(): Promise<void> {
    const state = await this.store.loadState();
    this.acc = new MerkleAccumulator(undefined, state ? { size: state.treeSize, subtrees: state.subtrees } : undefined);
    this.lastPosition = state?.lastPosition;
    const size = this.acc.size;
    const block = Math.floor(size / LEAF_BLOCK);
    this.tail = { block, hashes: Buffer.alloc(0), positions: [] };
    if (size % LEAF_BLOCK !== 0) {
      const stored = (await this.store.getLeafBlocks([block])).get(block);
      const count = size % LEAF_BLOCK;
      if (!stored || stored.positions.length < count)
        throw new Error(`seal store: leaf block ${block} is missing or short (tree size ${size})`);
      this.tail = { block, hashes: Buffer.from(stored.hashes.subarray(0, count * 32)), positions: stored.positions.slice(0, count) };
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Seals one batch; answers how many events it sealed (0 when caught up). */
  sealBatch(): Promise<number> {
    return this.exclusive(() => this.sealBatchUnlocked());
  }

  private async sealBatchUnlocked(): Promise<number> {
    await this.init();
    const events = await this.ledger.readAll({ after: this.lastPosition, maxCount: this.batchSize });
    if (events.length === 0) return 0;
    const nodes: StoredNode[] = [];
    const acc = new MerkleAccumulator((level, index, hash) => {
      if (level >= STORED_MIN_LEVEL) nodes.push({ level, index, hash });
    }, this.acc.state());
    const blocks: LeafBlock[] = [];
    let tail = this.tail;
    const hashes: Buffer[] = [tail.hashes];
    const due: Array<{ treeSize: number; rootHash: string; position: string }> = [];
    for (const e of events) {
      const leaf = Buffer.from(leafHashOf(e), 'hex');
      acc.append(leaf);
      hashes.push(leaf);
      tail.positions.push(e.position);
      if (tail.positions.length === LEAF_BLOCK) {
        blocks.push({ block: tail.block, hashes: Buffer.concat(hashes), positions: tail.positions });
        hashes.length = 0;
        tail = { block: tail.block + 1, hashes: Buffer.alloc(0), positions: [] };
      }
      if (acc.size % this.checkpointEvery === 0)
        due.push({ treeSize: acc.size, rootHash: acc.root().toString('hex'), position: e.position });
    }
    tail = { block: tail.block, hashes: Buffer.concat(hashes), positions: tail.positions };
    if (tail.positions.length > 0) blocks.push(tail);
    const lastPosition = events[events.length - 1].position;
    try {
      await this.store.commit({ leafBlocks: blocks, nodes, state: { ...acc.state(), treeSize: acc.size, lastPosition } });
    } catch (error) {
      this.initialized = undefined; // the in-memory tail may be half-updated: reload from the store
      throw error;
    }
    this.acc = acc;
    this.tail = { block: tail.block, hashes: Buffer.from(tail.hashes), positions: [...tail.positions] };
    this.lastPosition = lastPosition;
    for (const d of due) await this.sign(d.treeSize, d.rootHash, d.position);
    return events.length;
  }

  /** Seals everything in the ledger now. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sealBatch();
      if (n === 0) return total;
      total += n;
    }
  }

  /** Catches up and answers the checkpoint of the whole ledger as it stands (signing it if new). */
  async sealNow(): Promise<StoredCheckpoint> {
    await this.catchUp();
    return this.exclusive(async () => this.checkpointAtUnlocked(this.acc.size));
  }

  /** The checkpoint of the tree of `treeSize` leaves (at most the sealed size), signed now if none exists. */
  checkpointAt(treeSize: number): Promise<StoredCheckpoint> {
    return this.exclusive(async () => {
      await this.init();
      if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.acc.size) {
        throw new SealerError('treeSize', `treeSize must be a whole number from 0 to ${this.acc.size}, the sealed tree size`);
      }
      return this.checkpointAtUnlocked(treeSize);
    });
  }

  private async checkpointAtUnlocked(treeSize: number): Promise<StoredCheckpoint> {
    const existing = await this.store.checkpointOfSize(treeSize);
    if (existing) return existing;
    const root = (await this.rootAt(treeSize)).toString('hex');
    const position = treeSize === 0 ? null : await this.positionAt(treeSize - 1);
    return this.sign(treeSize, root, position);
  }

  private async sign(treeSize: number, rootHash: string, position: string | null): Promise<StoredCheckpoint> {
    const note = signNote(formatCheckpoint({ origin: this.key.origin, treeSize, rootHash }), this.key.signer);
    const checkpoint: StoredCheckpoint = { treeSize, rootHash, position, recordedAt: this.clock().toISOString(), note };
    await this.store.addCheckpoint(checkpoint);
    return (await this.store.checkpointOfSize(treeSize)) ?? checkpoint;
  }

  /** Signs a checkpoint of the whole sealed tree when one is due by time (see the class comment). */
  async checkpointIfDue(): Promise<StoredCheckpoint | undefined> {
    return this.exclusive(async () => {
      await this.init();
      const size = this.acc.size;
      if (size === 0) return undefined;
      const latest = await this.store.latestCheckpoint();
      if (latest && latest.treeSize >= size) return undefined;
      if (latest && this.clock().getTime() - Date.parse(latest.recordedAt) < this.checkpointIntervalMs) return undefined;
      return this.checkpointAtUnlocked(size);
    });
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.store.latestCheckpoint();
  }

  checkpoints(range: { from?: string; to?: string; limit: number }): Promise<StoredCheckpoint[]> {
    return this.store.checkpoints(range);
  }

  // ---------------------------------------------------------------------------------------------
  // Proofs from the stored nodes
  // ---------------------------------------------------------------------------------------------

  /** Node hashes: level ≥ 8 from the store, lower levels recomputed from their leaf block. */
  private async nodesFor(ids: readonly NodeId[]): Promise<Buffer[]> {
    const high = ids.filter((id) => id.level >= STORED_MIN_LEVEL);
    const stored = high.length > 0 ? await this.store.getNodes(high) : [];
    const highHashes = new Map(high.map((id, i) => [`${id.level}:${id.index}`, stored[i]]));
    const lowBlocks = ids.filter((id) => id.level < STORED_MIN_LEVEL).map((id) => Math.floor((id.index * 2 ** id.level) / LEAF_BLOCK));
    const blocks = lowBlocks.length > 0 ? await this.store.getLeafBlocks(lowBlocks) : new Map<number, LeafBlock>();
    return ids.map((id) => {
      if (id.level >= STORED_MIN_LEVEL) {
        const h = highHashes.get(`${id.level}:${id.index}`);
        if (!h) throw new Error(`seal store has no node at level ${id.level}, index ${id.index}`);
        return h;
      }
      const start = id.index * 2 ** id.level;
      const block = blocks.get(Math.floor(start / LEAF_BLOCK));
      const offset = start % LEAF_BLOCK;
      const count = 2 ** id.level;
      if (!block || block.hashes.length < (offset + count) * 32) throw new Error(`seal store has no leaves ${start}..${start + count - 1}`);
      const leaves: Buffer[] = [];
      for (let i = 0; i < count; i++) leaves.push(block.hashes.subarray((offset + i) * 32, (offset + i + 1) * 32));
      return treeHash(leaves);
    });
  }

  private readonly nodeStore: AsyncNodeStore = { getNodes: (ids) => this.nodesFor(ids) };

  /** Root of the first `size` leaves, from stored nodes. */
  async rootAt(size: number): Promise<Buffer> {
    if (size === 0) return Buffer.from(EMPTY_TREE_HASH);
    return foldRange(await this.nodesFor(rangeNodes(0, size)));
  }

  /** The ledger position of leaf `index`. */
  async positionAt(index: number): Promise<string> {
    const block = Math.floor(index / LEAF_BLOCK);
    const b = (await this.store.getLeafBlocks([block])).get(block);
    const position = b?.positions[index % LEAF_BLOCK];
    if (position === undefined) throw new Error(`seal store has no leaf ${index}`);
    return position;
  }

  /** The leaf index of the sealed event at `position`, or undefined. */
  leafIndexOf(position: string): Promise<number | undefined> {
    return this.store.leafIndexOf(position);
  }

  async leafHashAt(index: number): Promise<Buffer> {
    return (await this.nodesFor([{ level: 0, index }]))[0];
  }

  /** RFC 9162 inclusion proof of leaf `index` in the tree of `treeSize` (≤ the sealed size). */
  async inclusionProof(index: number, treeSize: number): Promise<{ leafHash: Buffer; path: Buffer[]; rootHash: Buffer }> {
    await this.init();
    if (treeSize > this.acc.size) throw new SealerError('treeSize', `treeSize must be at most ${this.acc.size}, the sealed tree size`);
    if (index >= treeSize) throw new SealerError('treeSize', `treeSize must be greater than the event's leaf index ${index}`);
    const [leafHash, path, rootHash] = await Promise.all([
      this.leafHashAt(index),
      inclusionProofFromStoreAsync(index, treeSize, this.nodeStore),
      this.rootAt(treeSize),
    ]);
    return { leafHash, path, rootHash };
  }

  /** RFC 9162 consistency proof between tree sizes `from` ≤ `to` (≤ the sealed size). */
  async consistencyProof(from: number, to: number): Promise<{ path: Buffer[]; fromRoot: Buffer; toRoot: Buffer }> {
    await this.init();
    if (to > this.acc.size) throw new SealerError('to', `to must be at most ${this.acc.size}, the sealed tree size`);
    if (from > to) throw new SealerError('from', 'from must be at most to');
    const path = from === 0 || from === to ? [] : await consistencyProofFromStoreAsync(from, to, this.nodeStore);
    return { path, fromRoot: await this.rootAt(from), toRoot: await this.rootAt(to) };
  }

  /** The sealer's own copy of the leaves, block by block (verification compares the ledger with it). */
  readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]> {
    return this.store.readLeafBlocks(fromBlock, maxCount);
  }

  async lag(): Promise<SealerLag> {
    await this.init();
    const [next] = await this.ledger.readAll({ after: this.lastPosition, maxCount: 1 });
    const head = await this.ledger.headPosition();
    const lagSeconds = next ? Math.max(0, (this.clock().getTime() - Date.parse(next.recordedAt)) / 1000) : 0;
    return { treeSize: this.acc.size, lastPosition: this.lastPosition, head, lagSeconds };
  }

  // ---------------------------------------------------------------------------------------------
  // Background loop
  // ---------------------------------------------------------------------------------------------

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    await this.lock;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let sealed = 0;
      try {
        sealed = await this.sealBatch();
        if (sealed === 0) await this.checkpointIfDue();
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error as Error;
      }
      if (sealed === 0 && !this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.lastError ? Math.max(this.idleMs, 1000) : this.idleMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
