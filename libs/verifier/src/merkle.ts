/**
 * RFC 9162 §2.1 Merkle tree hash, audit paths (inclusion proofs) and consistency proofs.
 *
 *   leaf hash  = SHA-256(0x00 || leaf bytes)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256()                      (the empty string)
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two < n
 *
 * Every function here works on leaf HASHES (32-byte Buffers), not on leaf bytes: hash each leaf
 * with `hashLeaf` first. Tree sizes and indices are plain numbers (exact up to 2^53); no 32-bit
 * bit operations are used, so trees past 2^31 leaves are fine.
 *
 * Nodes are named by (level, index): the complete subtree of 2^level leaves
 * [index·2^level, (index+1)·2^level). Level 0 holds the leaf hashes. Only complete subtrees have
 * a fixed hash; the right edge of a tree whose size is not a power of two is recomputed from
 * complete subtrees whenever it is needed (see `rangeNodes`).
 */
import { sha256Hex, sha256Into } from './sha256';

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_TREE_HASH: Buffer = Buffer.from(sha256Hex(''), 'hex');

/** SHA-256(0x00 || leaf); a string leaf is hashed as its UTF-8 bytes. */
export function hashLeaf(leaf: Uint8Array | string): Buffer {
  // '\0' is the single byte 0x00 in UTF-8.
  const bytes = typeof leaf === 'string' ? '\0' + leaf : Buffer.concat([Buffer.from([0x00]), leaf]);
  return Buffer.from(sha256Hex(bytes), 'hex');
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return Buffer.from(sha256Hex(buf), 'hex');
}

/** Largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Largest power of two ≤ n (n ≥ 1). */
function floorPow2(n: number): number {
  let k = 1;
  while (k * 2 <= n) k *= 2;
  return k;
}

function log2(k: number): number {
  let l = 0;
  while (k > 1) {
    k /= 2;
    l++;
  }
  return l;
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** MTH over leaf hashes [start, end) read through leafAt (recomputes everything: O(end − start)). */
function rangeHashFromLeaves(start: number, end: number, leafAt: (i: number) => Uint8Array): Buffer {
  const n = end - start;
  if (n === 1) return Buffer.from(leafAt(start));
  const k = splitPoint(n);
  return hashChildren(rangeHashFromLeaves(start, start + k, leafAt), rangeHashFromLeaves(start + k, end, leafAt));
}

/** MTH of a whole list of leaf hashes (the ledger digest at size leafHashes.length). */
export function treeHash(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return Buffer.from(EMPTY_TREE_HASH);
  return rangeHashFromLeaves(0, leafHashes.length, (i) => leafHashes[i]);
}

// ---------------------------------------------------------------------------------------------
// Proof plans: which subtree ranges a proof is made of (RFC 9162 §2.1.3.1 PATH, §2.1.4.1 PROOF).
// ---------------------------------------------------------------------------------------------

/** A range of leaves [start, end) whose MTH is one element of a proof. */
export interface LeafRange {
  start: number;
  end: number;
}

/** Ranges of the audit path of leaf `index` in the tree of `size` leaves, in proof order. */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  checkSize('size', size);
  checkSize('index', index);
  if (index >= size) throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
  const out: LeafRange[] = [];
  // PATH(m, D[start:end]) unrolled: the recursion appends the sibling after the sub-path, so we
  // collect siblings top-down and reverse at the end.
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return out.reverse();
}

/** Ranges of the consistency proof from tree size m to tree size n (0 < m ≤ n), in proof order. */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  checkSize('m', m);
  checkSize('n', n);
  if (m > n) throw new RangeError(`consistency proof from ${m} to a smaller tree ${n}`);
  if (m === 0 || m === n) return [];
  const out: LeafRange[] = [];
  // SUBPROOF(m, D[start:end], b) unrolled, siblings collected top-down then reversed.
  let start = 0;
  let end = n;
  let b = true;
  let mm = m;
  for (;;) {
    const size = end - start;
    if (mm === size) {
      if (!b) out.push({ start, end });
      break;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      mm -= k;
      b = false;
    }
  }
  return out.reverse();
}

/** Inclusion proof of leaf `index` in the tree of `size`, recomputing subtrees from leaf hashes. */
export function inclusionProof(index: number, size: number, leafAt: (i: number) => Uint8Array): Buffer[] {
  return inclusionProofRanges(index, size).map((r) => rangeHashFromLeaves(r.start, r.end, leafAt));
}

/** Consistency proof from size m to size n, recomputing subtrees from leaf hashes. */
export function consistencyProof(m: number, n: number, leafAt: (i: number) => Uint8Array): Buffer[] {
  return consistencyProofRanges(m, n).map((r) => rangeHashFromLeaves(r.start, r.end, leafAt));
}

// ---------------------------------------------------------------------------------------------
// Stored nodes: proofs in O(log n) look-ups.
// ---------------------------------------------------------------------------------------------

/** The complete subtree of 2^level leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * The complete subtrees that make up the range [start, end), left to right. In an RFC 9162 tree
 * every subtree starts at a multiple of its own largest power-of-two part, so the range splits
 * into aligned complete subtrees of strictly decreasing size. Its MTH is their right fold:
 * node(n1, node(n2, ... node(n_{k-1}, n_k))) — see `foldRange`.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const out: NodeId[] = [];
  let s = start;
  while (s < end) {
    const k = floorPow2(end - s);
    if (s % k !== 0) throw new RangeError(`range [${start}, ${end}) is not a subtree of an RFC 9162 tree`);
    out.push({ level: log2(k), index: s / k });
    s += k;
  }
  return out;
}

/** MTH of a range from the hashes of its `rangeNodes`, in the same order. */
export function foldRange(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) throw new RangeError('empty range');
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) acc = hashChildren(hashes[i], acc);
  return acc;
}

/**
 * Where the hashes of complete subtrees are kept (the sealer writes them as the accumulator
 * completes them). `getNode` answers the hash of node (level, index), or undefined if unknown.
 */
export interface NodeStore {
  getNode(level: number, index: number): Uint8Array | undefined;
}

/** The same, for stores that answer asynchronously (a database). */
export interface AsyncNodeStore {
  /** The hashes of the given nodes, in the same order; every one must exist. */
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
}

/** Node hashes in memory, keyed by (level, index). Fine for tests, tools and small trees. */
export class InMemoryNodeStore implements NodeStore {
  private readonly levels: Uint8Array[][] = [];

  putNode(level: number, index: number, hash: Uint8Array): void {
    let row = this.levels[level];
    if (!row) row = this.levels[level] = [];
    row[index] = hash;
  }

  getNode(level: number, index: number): Uint8Array | undefined {
    return this.levels[level]?.[index];
  }

  /** Number of leaves stored at level 0. */
  get leafCount(): number {
    return this.levels[0]?.length ?? 0;
  }
}

function mustGet(store: NodeStore, id: NodeId): Uint8Array {
  const h = store.getNode(id.level, id.index);
  if (!h) throw new Error(`node store has no node at level ${id.level}, index ${id.index}`);
  return h;
}

function rangeHashFromStore(r: LeafRange, store: NodeStore): Buffer {
  return foldRange(rangeNodes(r.start, r.end).map((id) => mustGet(store, id)));
}

/** Inclusion proof from stored complete-subtree nodes (O(log² n) look-ups at worst). */
export function inclusionProofFromStore(index: number, size: number, store: NodeStore): Buffer[] {
  return inclusionProofRanges(index, size).map((r) => rangeHashFromStore(r, store));
}

/** Consistency proof from stored complete-subtree nodes. */
export function consistencyProofFromStore(m: number, n: number, store: NodeStore): Buffer[] {
  return consistencyProofRanges(m, n).map((r) => rangeHashFromStore(r, store));
}

/** Root of the tree of `size` leaves from stored nodes. */
export function treeHashFromStore(size: number, store: NodeStore): Buffer {
  checkSize('size', size);
  if (size === 0) return Buffer.from(EMPTY_TREE_HASH);
  return rangeHashFromStore({ start: 0, end: size }, store);
}

async function fromAsyncStore(ranges: LeafRange[], store: AsyncNodeStore): Promise<Buffer[]> {
  const perRange = ranges.map((r) => rangeNodes(r.start, r.end));
  const hashes = await store.getNodes(perRange.flat());
  const out: Buffer[] = [];
  let i = 0;
  for (const ids of perRange) {
    out.push(foldRange(hashes.slice(i, i + ids.length)));
    i += ids.length;
  }
  return out;
}

/** Inclusion proof from an asynchronous node store: one batched `getNodes` call. */
export function inclusionProofFromStoreAsync(index: number, size: number, store: AsyncNodeStore): Promise<Buffer[]> {
  return fromAsyncStore(inclusionProofRanges(index, size), store);
}

/** Consistency proof from an asynchronous node store: one batched `getNodes` call. */
export function consistencyProofFromStoreAsync(m: number, n: number, store: AsyncNodeStore): Promise<Buffer[]> {
  return fromAsyncStore(consistencyProofRanges(m, n), store);
}

// ---------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2, step by step).
// ---------------------------------------------------------------------------------------------

function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `path` prove leaf `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) return false;
  // 1. leaf_index must be < tree_size.
  if (index >= size) return false;
  // 2. fn = leaf_index, sn = tree_size − 1.
  let fn = index;
  let sn = size - 1;
  // 3. r = hash.
  let r: Buffer = Buffer.from(leafHash);
  // 4. for each p in the path:
  for (const p of path) {
    // a. sn = 0 means the path is too long.
    if (sn === 0) return false;
    // b. p is a left sibling when fn is odd or fn = sn (the last node of its level).
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        // ii. skip the levels where this node has no right sibling.
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    // c. up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. sn must be 0 and r the root.
  return sn === 0 && equalHash(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `path` prove the tree of size m with root rootM is a prefix of the tree
 * of size n with root rootN? Edge cases the RFC leaves to the caller: m = n holds iff the path is
 * empty and the roots are equal; m = 0 holds iff the path is empty and rootM is the empty tree's
 * hash (the empty tree is a prefix of every tree); m > n never holds.
 */
export function verifyConsistency(m: number, n: number, rootM: Uint8Array, rootN: Uint8Array, path: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  if (m === 0) return path.length === 0 && equalHash(rootM, EMPTY_TREE_HASH);
  if (m === n) return path.length === 0 && equalHash(rootM, rootN);
  // 1. An empty path cannot prove 0 < m < n.
  if (path.length === 0) return false;
  // 2. If m is a power of two, m's root is itself the first node of the path.
  const nodes: Uint8Array[] = floorPow2(m) === m ? [rootM, ...path] : [...path];
  // 3. fn = m − 1, sn = n − 1.
  let fn = m - 1;
  let sn = n - 1;
  // 4. while fn is odd, shift both right.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr = sr = the first node.
  let fr: Buffer = Buffer.from(nodes[0]);
  let sr: Buffer = Buffer.from(nodes[0]);
  // 6. for each following node c:
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i];
    // a. the path is too long.
    if (sn === 0) return false;
    // b.
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    // c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7. fr must be rootM, sr rootN, and sn 0.
  return sn === 0 && equalHash(fr, rootM) && equalHash(sr, rootN);
}

// ---------------------------------------------------------------------------------------------
// Incremental tree: a compact range of O(log n) complete-subtree roots.
// ---------------------------------------------------------------------------------------------

/** What a MerkleAccumulator needs to resume: its size and its compact range (hex, largest first). */
export interface AccumulatorState {
  size: number;
  /** Roots of the complete subtrees that make up [0, size), largest (leftmost) first, lowercase hex. */
  subtrees: string[];
}

/** Called for every complete subtree the accumulator forms, leaves included (level 0). */
export type NodeSink = (level: number, index: number, hash: Buffer) => void;

/**
 * Append-only Merkle tree that keeps only the roots of the complete subtrees covering [0, size)
 * (one per set bit of size). Appending a leaf merges equal-sized subtrees like a binary counter
 * (on average one hash per append); the root is the right fold of the subtree roots.
 * Give it a NodeSink (e.g. InMemoryNodeStore.putNode) to keep every complete node for proofs.
 *
 * The subtree roots live in one preallocated Buffer (64 slots of 32 bytes: enough for any size up
 * to 2^53), so appending allocates nothing but each hash computation's own hex string (sha256Into).
 */
export class MerkleAccumulator {
  private _size = 0;
  /** Number of subtree roots in `roots`. */
  private depth = 0;
  private readonly roots = Buffer.alloc(64 * 32);
  /** 0x01 || left || right, the right half doubling as the current node. */
  private readonly scratch = Buffer.alloc(65);

  constructor(
    private readonly onNode?: NodeSink,
    state?: AccumulatorState,
  ) {
    if (state) {
      checkSize('state.size', state.size);
      const expected = rangeNodes(0, state.size);
      if (expected.length !== state.subtrees.length) {
        throw new Error(`accumulator state: size ${state.size} needs ${expected.length} subtree roots, got ${state.subtrees.length}`);
      }
      for (const hex of state.subtrees) {
        if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('accumulator state: subtree roots must be 64 lowercase hex digits');
        this.roots.write(hex, this.depth * 32, 'hex');
        this.depth++;
      }
      this._size = state.size;
    }
  }

  get size(): number {
    return this._size;
  }

  /** Add the next leaf hash (32 bytes). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== 32) throw new RangeError('a leaf hash is 32 bytes');
    this.scratch.set(leafHash, 33);
    this.merge();
  }

  /** Add the next leaf hash: the 32 bytes of `hashes` from `offset` (a run of leaf hashes, no copy made). */
  appendFrom(hashes: Uint8Array, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + 32 > hashes.length) throw new RangeError('a leaf hash is 32 bytes');
    const scratch = this.scratch;
    for (let i = 0; i < 32; i++) scratch[33 + i] = hashes[offset + i];
    this.merge();
  }

  /** Add the next leaf hash given as 64 hex digits. */
  appendHex(leafHashHex: string): void {
    if (this.scratch.write(leafHashHex, 33, 'hex') !== 32) throw new RangeError('a leaf hash is 64 hex digits');
    this.merge();
  }

  /** The node in scratch[33..65] is the new leaf: merge it up and push it. */
  private merge(): void {
    const { scratch, roots, onNode } = this;
    let index = this._size;
    let level = 0;
    if (onNode) onNode(0, index, Buffer.from(scratch.subarray(33)));
    let s = this._size;
    while (isOdd(s)) {
      this.depth--;
      scratch[0] = 0x01;
      roots.copy(scratch, 1, this.depth * 32, this.depth * 32 + 32);
      sha256Into(scratch, scratch, 33);
      s = half(s);
      index = half(index);
      level++;
      if (onNode) onNode(level, index, Buffer.from(scratch.subarray(33)));
    }
    scratch.copy(roots, this.depth * 32, 33, 65);
    this.depth++;
    this._size++;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.depth === 0) return Buffer.from(EMPTY_TREE_HASH);
    const out = Buffer.alloc(65);
    this.roots.copy(out, 33, (this.depth - 1) * 32, this.depth * 32);
    for (let i = this.depth - 2; i >= 0; i--) {
      out[0] = 0x01;
      this.roots.copy(out, 1, i * 32, i * 32 + 32);
      sha256Into(out, out, 33);
    }
    return Buffer.from(out.subarray(33));
  }

  /** The state to persist for resuming later. */
  state(): AccumulatorState {
    const subtrees: string[] = [];
    for (let i = 0; i < this.depth; i++) subtrees.push(this.roots.toString('hex', i * 32, i * 32 + 32));
    return { size: this._size, subtrees };
  }
}
