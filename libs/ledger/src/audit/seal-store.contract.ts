import { createHash } from 'node:crypto';
import { LEAF_BLOCK, SealStore, StoredCheckpoint } from './seal-store.port';

const h = (s: string) => createHash('sha256').update(s).digest();

/** The contract every seal store adapter passes (embedded SQLite; MongoDB when MONGO_URL is set). */
export function sealStoreContract(name: string, open: () => Promise<SealStore>): void {
  describe(`seal store contract: ${name}`, () => {
    let store: SealStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => store.close());

    it('starts empty', async () => {
      expect(await store.loadState()).toBeUndefined();
      expect(await store.latestCheckpoint()).toBeUndefined();
      expect(await store.leafIndexOf('00000000000000000001')).toBeUndefined();
      expect(await store.getNodes([{ level: 8, index: 0 }])).toEqual([undefined]);
    });

    it('commits leaf blocks, nodes and state together, and rewrites a block', async () => {
      const positions = Array.from({ length: LEAF_BLOCK + 3 }, (_, i) => String(i + 1).padStart(20, '0'));
      const hashes = positions.map(h);
      await store.commit({
        leafBlocks: [
          { block: 0, hashes: Buffer.concat(hashes.slice(0, LEAF_BLOCK)), positions: positions.slice(0, LEAF_BLOCK) },
          {
            block: 1,
            hashes: Buffer.concat(hashes.slice(LEAF_BLOCK, LEAF_BLOCK + 1)),
            positions: positions.slice(LEAF_BLOCK, LEAF_BLOCK + 1),
          },
        ],
        nodes: [{ level: 8, index: 0, hash: h('n80') }],
        state: {
          treeSize: LEAF_BLOCK + 1,
          subtrees: [h('a').toString('hex'), h('b').toString('hex')],
          lastPosition: positions[LEAF_BLOCK],
        },
      });
      await store.commit({
        leafBlocks: [{ block: 1, hashes: Buffer.concat(hashes.slice(LEAF_BLOCK)), positions: positions.slice(LEAF_BLOCK) }],
        nodes: [],
        state: { treeSize: LEAF_BLOCK + 3, subtrees: [h('c').toString('hex')], lastPosition: positions[LEAF_BLOCK + 2] },
      });
      expect(await store.loadState()).toEqual({
        treeSize: LEAF_BLOCK + 3,
        subtrees: [h('c').toString('hex')],
        lastPosition: positions[LEAF_BLOCK + 2],
      });
      const blocks = await store.getLeafBlocks([1, 0, 7]);
      expect([...blocks.keys()].sort()).toEqual([0, 1]);
      expect(blocks.get(1)!.positions).toEqual(positions.slice(LEAF_BLOCK));
      expect(blocks.get(1)!.hashes.equals(Buffer.concat(hashes.slice(LEAF_BLOCK)))).toBe(true);
      expect((await store.readLeafBlocks(0, 10)).map((b) => b.block)).toEqual([0, 1]);
      expect((await store.readLeafBlocks(1, 10)).map((b) => b.block)).toEqual([1]);
      const [n80, n81] = await store.getNodes([
        { level: 8, index: 0 },
        { level: 8, index: 1 },
      ]);
      expect(n80!.equals(h('n80'))).toBe(true);
      expect(n81).toBeUndefined();
      expect(await store.leafIndexOf(positions[0])).toBe(0);
      expect(await store.leafIndexOf(positions[LEAF_BLOCK + 2])).toBe(LEAF_BLOCK + 2);
      expect(await store.leafIndexOf(String(9999).padStart(20, '0'))).toBeUndefined();
    });

    it('keeps the first checkpoint of a tree size, answers the latest by size and ranges by time', async () => {
      const cp = (treeSize: number, recordedAt: string, note = `note ${treeSize}`): StoredCheckpoint => ({
        treeSize,
        rootHash: h(String(treeSize)).toString('hex'),
        position: String(treeSize).padStart(20, '0'),
        recordedAt,
        note,
      });
      await store.addCheckpoint(cp(10, '2026-11-23T01:00:00.000Z'));
      await store.addCheckpoint(cp(30, '2026-11-23T02:00:00.000Z'));
      await store.addCheckpoint(cp(20, '2026-11-23T03:00:00.000Z'));
      await store.addCheckpoint(cp(10, '2026-11-23T04:00:00.000Z', 'a second note'));
      expect(await store.checkpointOfSize(10)).toEqual(cp(10, '2026-11-23T01:00:00.000Z'));
      expect((await store.latestCheckpoint())?.treeSize).toBe(30);
      expect((await store.checkpoints({ limit: 100 })).map((c) => c.treeSize)).toEqual([10, 20, 30]);
      expect((await store.checkpoints({ from: '2026-11-23T01:30:00.000Z', limit: 100 })).map((c) => c.treeSize)).toEqual([20, 30]);
      expect((await store.checkpoints({ to: '2026-11-23T02:00:00.000Z', limit: 100 })).map((c) => c.treeSize)).toEqual([10, 30]);
      expect((await store.checkpoints({ limit: 1 })).map((c) => c.treeSize)).toEqual([10]);
    });
  });
}
