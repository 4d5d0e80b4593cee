import { createHash } from 'node:crypto';
import {
  AsyncNodeStore,
  consistencyProof,
  consistencyProofFromStore,
  consistencyProofFromStoreAsync,
  EMPTY_TREE_HASH,
  hashChildren,
  hashLeaf,
  inclusionProof,
  inclusionProofFromStore,
  inclusionProofFromStoreAsync,
  InMemoryNodeStore,
  MerkleAccumulator,
  treeHash,
  treeHashFromStore,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// ---- A naive implementation written straight from RFC 9162 §2.1, independent of merkle.ts ----
const sha = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const naiveLeaf = (d: Buffer): Buffer => sha(Buffer.from([0]), d);
function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
/** MTH over leaf DATA (not hashes), exactly as §2.1.1 defines it. */
function MTH(D: Buffer[]): Buffer {
  const n = D.length;
  if (n === 0) return sha();
  if (n === 1) return naiveLeaf(D[0]);
  const k = largestPow2Below(n);
  return sha(Buffer.from([1]), MTH(D.slice(0, k)), MTH(D.slice(k)));
}
/** §2.1.3.1 PATH(m, D[n]). */
function PATH(m: number, D: Buffer[]): Buffer[] {
  const n = D.length;
  if (n === 1) return [];
  const k = largestPow2Below(n);
  if (m < k) return [...PATH(m, D.slice(0, k)), MTH(D.slice(k))];
  return [...PATH(m - k, D.slice(k)), MTH(D.slice(0, k))];
}
/** §2.1.4.1 SUBPROOF(m, D[n], b). */
function SUBPROOF(m: number, D: Buffer[], b: boolean): Buffer[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  const k = largestPow2Below(n);
  if (m <= k) return [...SUBPROOF(m, D.slice(0, k), b), MTH(D.slice(k))];
  return [...SUBPROOF(m - k, D.slice(k), false), MTH(D.slice(0, k))];
}
const PROOF = (m: number, D: Buffer[]): Buffer[] => SUBPROOF(m, D, true);

const hex = (bs: Buffer[]): string[] => bs.map((b) => b.toString('hex'));
const MAX = 70;
const data: Buffer[] = Array.from({ length: MAX }, (_, i) => Buffer.from(`leaf ${i} ${'x'.repeat(i % 5)}`));
const leafHashes = data.map((d) => hashLeaf(d));

describe('merkle: RFC 9162 §2.1', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes, the empty tree as SHA-256("")', () => {
    expect(EMPTY_TREE_HASH.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashLeaf(Buffer.from('ab'))).toEqual(sha(Buffer.from([0, 0x61, 0x62])));
    expect(hashLeaf('ab')).toEqual(hashLeaf(Buffer.from('ab')));
    const l = Buffer.alloc(32, 1);
    const r = Buffer.alloc(32, 2);
    expect(hashChildren(l, r)).toEqual(sha(Buffer.from([1]), l, r));
    expect(treeHash([])).toEqual(sha());
  });

  it('reproduces the certificate-transparency reference tree (8 leaves), every prefix', () => {
    // Leaves and roots of the CT reference test data (merkle_tree_test); each root below was also
    // recomputed with the naive MTH before being written here.
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
      Buffer.from(h, 'hex'),
    );
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const acc = new MerkleAccumulator();
    for (let n = 1; n <= 8; n++) {
      expect(MTH(leaves.slice(0, n)).toString('hex')).toBe(roots[n - 1]);
      expect(treeHash(leaves.slice(0, n).map((l) => hashLeaf(l))).toString('hex')).toBe(roots[n - 1]);
      acc.append(hashLeaf(leaves[n - 1]));
      expect(acc.root().toString('hex')).toBe(roots[n - 1]);
    }
  });

  it('tree hash, accumulator and stored nodes agree with the naive MTH for sizes 0..70', () => {
    const store = new InMemoryNodeStore();
    const acc = new MerkleAccumulator((level, index, hash) => store.putNode(level, index, hash));
    expect(acc.root()).toEqual(MTH([]));
    for (let n = 1; n <= MAX; n++) {
      acc.append(leafHashes[n - 1]);
      const want = MTH(data.slice(0, n));
      expect(treeHash(leafHashes.slice(0, n))).toEqual(want);
      expect(acc.root()).toEqual(want);
      expect(acc.size).toBe(n);
      expect(treeHashFromStore(n, store)).toEqual(want);
      // a resumed accumulator continues identically
      const resumed = new MerkleAccumulator(undefined, acc.state());
      expect(resumed.root()).toEqual(want);
    }
    expect(store.leafCount).toBe(MAX);
  });

  it('inclusion proofs equal the naive PATH and verify, for every index of every size 1..70', () => {
    const store = new InMemoryNodeStore();
    const acc = new MerkleAccumulator((l, i, h) => store.putNode(l, i, h));
    leafHashes.forEach((h) => acc.append(h));
    for (let n = 1; n <= MAX; n++) {
      const D = data.slice(0, n);
      const root = MTH(D);
      for (let m = 0; m < n; m++) {
        const want = hex(PATH(m, D));
        const path = inclusionProof(m, n, (i) => leafHashes[i]);
        expect(hex(path)).toEqual(want);
        expect(hex(inclusionProofFromStore(m, n, store))).toEqual(want);
        expect(verifyInclusion(leafHashes[m], m, n, path, root)).toBe(true);
      }
    }
  });

  it('consistency proofs equal the naive PROOF and verify, for every 0 < m ≤ n ≤ 70', () => {
    const store = new InMemoryNodeStore();
    const acc = new MerkleAccumulator((l, i, h) => store.putNode(l, i, h));
    leafHashes.forEach((h) => acc.append(h));
    const roots = Array.from({ length: MAX + 1 }, (_, n) => MTH(data.slice(0, n)));
    for (let n = 1; n <= MAX; n++) {
      const D = data.slice(0, n);
      for (let m = 1; m <= n; m++) {
        const want = hex(PROOF(m, D));
        const path = consistencyProof(m, n, (i) => leafHashes[i]);
        expect(hex(path)).toEqual(want);
        expect(hex(consistencyProofFromStore(m, n, store))).toEqual(want);
        expect(verifyConsistency(m, n, roots[m], roots[n], path)).toBe(true);
      }
      expect(verifyConsistency(0, n, roots[0], roots[n], [])).toBe(true);
    }
  });

  it('rejects wrong inclusion proofs', () => {
    const n = 37;
    const root = treeHash(leafHashes.slice(0, n));
    const otherRoot = treeHash(leafHashes.slice(0, n + 1));
    for (const m of [0, 1, 15, 31, 32, 36]) {
      const path = inclusionProof(m, n, (i) => leafHashes[i]);
      expect(verifyInclusion(leafHashes[m], m, n, path, root)).toBe(true);
      expect(verifyInclusion(leafHashes[m + 1], m, n, path, root)).toBe(false); // another leaf
      expect(verifyInclusion(leafHashes[m], m, n, path, otherRoot)).toBe(false); // another root
      expect(verifyInclusion(leafHashes[m], m, 2 * n, path, root)).toBe(false); // another size (a size with the same shape along this path would pass: RFC 9162 proves membership in the tree with that root)
      expect(verifyInclusion(leafHashes[m], m ^ 1, n, path, root)).toBe(false); // another index
      expect(verifyInclusion(leafHashes[m], m, n, path.slice(1), root)).toBe(false); // too short
      expect(verifyInclusion(leafHashes[m], m, n, [...path, root], root)).toBe(false); // too long
      for (let j = 0; j < path.length; j++) {
        const bad = path.map((p) => Buffer.from(p));
        bad[j][0] ^= 1;
        expect(verifyInclusion(leafHashes[m], m, n, bad, root)).toBe(false); // a flipped bit
      }
    }
    expect(verifyInclusion(leafHashes[0], 5, 5, [], root)).toBe(false);
    expect(verifyInclusion(leafHashes[0], 0, 1, [], leafHashes[0])).toBe(true);
  });

  it('rejects wrong consistency proofs', () => {
    const roots = Array.from({ length: MAX + 1 }, (_, n) => treeHash(leafHashes.slice(0, n)));
    for (const [m, n] of [
      [1, 2],
      [3, 7],
      [4, 8],
      [6, 8],
      [7, 70],
      [32, 33],
      [63, 64],
    ]) {
      const path = consistencyProof(m, n, (i) => leafHashes[i]);
      expect(verifyConsistency(m, n, roots[m], roots[n], path)).toBe(true);
      expect(verifyConsistency(m, n, roots[m - 1], roots[n], path)).toBe(false);
      expect(verifyConsistency(m, n, roots[m], roots[n - 1], path)).toBe(false);
      expect(verifyConsistency(m, n, roots[m], roots[n], [])).toBe(false);
      expect(verifyConsistency(m, n, roots[m], roots[n], path.slice(0, -1))).toBe(false);
      expect(verifyConsistency(m, n, roots[m], roots[n], [...path, roots[0]])).toBe(false);
      for (let j = 0; j < path.length; j++) {
        const bad = path.map((p) => Buffer.from(p));
        bad[j][31] ^= 0x80;
        expect(verifyConsistency(m, n, roots[m], roots[n], bad)).toBe(false);
      }
    }
    // A changed leaf before m breaks consistency with the real later tree.
    const tampered: Buffer[] = leafHashes.slice(0, 20).map((h) => Buffer.from(h));
    tampered[3] = hashLeaf('tampered');
    const tamperedRoot = treeHash(tampered);
    const path = consistencyProof(20, 40, (i) => leafHashes[i]);
    expect(verifyConsistency(20, 40, tamperedRoot, roots[40], path)).toBe(false);
    expect(verifyConsistency(5, 5, roots[5], roots[5], [])).toBe(true);
    expect(verifyConsistency(5, 5, roots[5], roots[6], [])).toBe(false);
    expect(verifyConsistency(6, 5, roots[6], roots[5], [])).toBe(false);
    expect(verifyConsistency(0, 5, roots[1], roots[5], [])).toBe(false);
  });

  it('async node stores give the same proofs with one batched look-up', async () => {
    const mem = new InMemoryNodeStore();
    const acc = new MerkleAccumulator((l, i, h) => mem.putNode(l, i, h));
    leafHashes.forEach((h) => acc.append(h));
    let calls = 0;
    const store: AsyncNodeStore = {
      async getNodes(ids) {
        calls++;
        return ids.map((id) => mem.getNode(id.level, id.index) as Uint8Array);
      },
    };
    expect(hex(await inclusionProofFromStoreAsync(22, 61, store))).toEqual(hex(PATH(22, data.slice(0, 61))));
    expect(hex(await consistencyProofFromStoreAsync(13, 61, store))).toEqual(hex(PROOF(13, data.slice(0, 61))));
    expect(calls).toBe(2);
  });

  it('refuses out-of-range arguments and a bad resumed state', () => {
    expect(() => inclusionProof(3, 3, (i) => leafHashes[i])).toThrow(/not in a tree of size 3/);
    expect(() => consistencyProof(4, 3, (i) => leafHashes[i])).toThrow(/smaller tree/);
    expect(() => inclusionProofFromStore(0, 4, new InMemoryNodeStore())).toThrow(/no node/);
    expect(() => new MerkleAccumulator(undefined, { size: 3, subtrees: ['00'.repeat(32)] })).toThrow(/needs 2/);
  });

  it('keeps only O(log n) subtree roots', () => {
    const acc = new MerkleAccumulator();
    for (let i = 0; i < 1000; i++) acc.append(leafHashes[i % MAX]);
    expect(acc.state().subtrees.length).toBe(6); // 1000 = 0b1111101000
  });
});
