/**
 * The seal store port: where the Merkle sealer keeps the ledger's RFC 9162 tree and its signed
 * checkpoints. Adapters: embedded SQLite (`DATA_DIR/seal.sqlite`) and MongoDB (collections
 * `sealNodes`, `sealLeaves`, `sealState`, `checkpoints`); both pass seal-store.contract.ts.
 *
 * What is stored, to answer proofs without recomputing the tree and to stay small:
 * - every leaf hash, in blocks of 256 (`LEAF_BLOCK`), each block with the ledger positions of its
 *   leaves (so a position finds its leaf index, whatever the store's positions look like);
 * - every complete subtree node at level ≥ 8 (`STORED_MIN_LEVEL`), by (level, index);
 * - nodes below level 8 are recomputed from their block's 256 leaf hashes when a proof needs them
 *   (at most 255 hashes per node), so the node table holds about n/128 rows instead of 2n.
 * The leaves are the sealer's own copy of what it sealed: verification compares the ledger with it.
 */
export const LEAF_BLOCK = 256;
export const STORED_MIN_LEVEL = 8;

/** What the sealer needs to resume: the accumulator, and where in the ledger it stopped. */
export interface SealState {
  treeSize: number;
  /** Roots of the complete subtrees making up [0, treeSize), largest first, lowercase hex. */
  subtrees: string[];
  /** Ledger position of leaf treeSize − 1; undefined for the empty tree. */
  lastPosition?: string;
}

/** A block of up to 256 consecutive leaves: leaf index block·256 + i has hashes[32i..32i+32). */
export interface LeafBlock {
  block: number;
  /** Concatenated 32-byte leaf hashes. */
  hashes: Buffer;
  /** The ledger position of each leaf, in order (as many as hashes / 32). */
  positions: string[];
}

export interface StoredNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** A signed tree head (never a ledger event). */
export interface StoredCheckpoint {
  treeSize: number;
  /** Lowercase hex. */
  rootHash: string;
  /** Ledger position of the last leaf (null for the empty tree). */
  position: string | null;
  /** When it was signed, ISO 8601 UTC. */
  recordedAt: string;
  /** The C2SP signed note text. */
  note: string;
}

/** One atomic write of the sealer: new or rewritten leaf blocks, new nodes, the new state. */
export interface SealCommit {
  leafBlocks: LeafBlock[];
  nodes: StoredNode[];
  state: SealState;
}

export interface SealStore {
  readonly kind: 'sqlite' | 'mongodb';
  loadState(): Promise<SealState | undefined>;
  /** Writes everything or nothing. */
  commit(batch: SealCommit): Promise<void>;
  /** Hashes of nodes at level ≥ 8, in the order asked; undefined where unknown. */
  getNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Array<Buffer | undefined>>;
  /** The leaf blocks asked for (missing ones are absent from the map). */
  getLeafBlocks(blocks: readonly number[]): Promise<Map<number, LeafBlock>>;
  /** Leaf blocks from `fromBlock` on, in order, at most `maxCount` (verification reads them alongside the ledger). */
  readLeafBlocks(fromBlock: number, maxCount: number): Promise<LeafBlock[]>;
  /** The leaf index of the event at `position`, or undefined if it was not sealed. */
  leafIndexOf(position: string): Promise<number | undefined>;
  /** Records a checkpoint; a second one of the same tree size is ignored (the first stays). */
  addCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  /** The checkpoint with the largest tree size. */
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpointOfSize(treeSize: number): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints signed in [from, to] (ISO instants, either open), in tree size order, at most `limit`. */
  checkpoints(range: { from?: string; to?: string; limit: number }): Promise<StoredCheckpoint[]>;
  close(): Promise<void>;
}

export const SEAL_STORE = Symbol('SEAL_STORE');
