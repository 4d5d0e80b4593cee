import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@app/event-store';
import { generateSignerKey, leafHash, openNote, parseCheckpoint, treeHash, verifyConsistency, verifyInclusion } from '@app/verifier';
import { leafHashOf, LedgerSealer } from './sealer';
import { loadSigningKey } from './signing';
import { SqliteSealStore } from './sqlite-seal-store';
import { verifyStoredLedger } from './verification';

const ctx = { userId: 'ana', role: 'finance', correlationId: 'c', causationId: 'c' };
const event = (i: number): NewEvent => ({ id: `e-${i}`, type: 'T', data: { i }, effectiveDate: '2026-01-01', context: ctx });

describe('LedgerSealer', () => {
  let dir: string;
  let ledger: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-sealer-'));
    ledger = new SqliteEventStore(join(dir, 'ledger.sqlite'));
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function append(from: number, count: number): Promise<void> {
    const writes = [];
    for (let i = from; i < from + count; i++)
      writes.push({ streamName: `s-${i % 7}`, expectedRevision: 'any' as const, events: [event(i)] });
    await ledger.appendMany(writes);
  }

  const key = () => loadSigningKey({ dataDir: dir, signingKey: generateSignerKey('jaminan-ledger/test') });

  it('seals the ledger incrementally, resumes after a restart, and answers RFC 9162 proofs from stored nodes', async () => {
    const signing = key();
    await append(0, 700);
    let store = new SqliteSealStore(join(dir, 'seal.sqlite'));
    let sealer = new LedgerSealer(ledger, store, signing, { batchSize: 97, checkpointEvery: 250 });
    expect(await sealer.catchUp()).toBe(700);
    await store.close();

    await append(700, 333);
    store = new SqliteSealStore(join(dir, 'seal.sqlite'));
    sealer = new LedgerSealer(ledger, store, signing, { batchSize: 211, checkpointEvery: 250 });
    expect(await sealer.catchUp()).toBe(333);
    const events = await ledger.readAll({ maxCount: 10_000 });
    const leaves = events.map((e) => Buffer.from(leafHashOf(e), 'hex'));
    expect(await sealer.treeSize()).toBe(1033);
    expect((await sealer.rootAt(1033)).equals(treeHash(leaves))).toBe(true);

    // Checkpoints at every multiple of 250, signed, with the root of that prefix.
    const cps = await sealer.checkpoints({ limit: 100 });
    expect(cps.map((c) => c.treeSize)).toEqual([250, 500, 750, 1000]);
    for (const c of cps) {
      const opened = openNote(c.note, signing.verifierKey);
      expect(opened.ok).toBe(true);
      expect(parseCheckpoint(opened.text)).toEqual({
        origin: 'jaminan-ledger/test',
        treeSize: c.treeSize,
        rootHash: treeHash(leaves.slice(0, c.treeSize)).toString('hex'),
      });
      expect(c.position).toBe(events[c.treeSize - 1].position);
    }

    for (const size of [1, 2, 255, 256, 257, 300, 512, 700, 1033]) {
      const root = treeHash(leaves.slice(0, size));
      for (const index of [0, 1, size >> 1, size - 1]) {
        if (index >= size) continue;
        const p = await sealer.inclusionProof(index, size);
        expect(p.leafHash.equals(leaves[index])).toBe(true);
        expect(verifyInclusion(leaves[index], index, size, p.path, root)).toBe(true);
      }
      for (const m of [1, 3, 128, 256, 257, 699]) {
        if (m > size) continue;
        const c = await sealer.consistencyProof(m, size);
        expect(verifyConsistency(m, size, treeHash(leaves.slice(0, m)), root, c.path)).toBe(true);
      }
    }
    expect(await sealer.leafIndexOf(events[600].position)).toBe(600);
    expect(
      leafHash({
        actor: { userId: 'ana', role: 'finance' },
        hash: events[0].metadata.hash,
        position: events[0].position,
        recordedAt: events[0].recordedAt,
        revision: events[0].revision,
        streamName: events[0].streamName,
      }).equals(leaves[0]),
    ).toBe(true);

    // sealNow signs the whole ledger; checkpointAt signs an older size once.
    const now = await sealer.sealNow();
    expect(now.treeSize).toBe(1033);
    expect((await sealer.checkpointAt(10)).rootHash).toBe(treeHash(leaves.slice(0, 10)).toString('hex'));
    expect((await sealer.latestCheckpoint())?.treeSize).toBe(1033);
    await expect(sealer.checkpointAt(2000)).rejects.toThrow(/treeSize/);

    const verified = await verifyStoredLedger(ledger, sealer);
    expect(verified).toMatchObject({
      ok: true,
      checkedEvents: 1033,
      treeSize: 1033,
      sealed: { treeSize: 1033, matches: true },
      checkpoint: { treeSize: 1033, matches: true },
    });
    await store.close();
  });

  it('runs in the background and signs the first checkpoint at once, then by time', async () => {
    let now = Date.parse('2026-11-23T00:00:00Z');
    const store = new SqliteSealStore(join(dir, 'seal.sqlite'));
    const sealer = new LedgerSealer(ledger, store, key(), { idleMs: 10, checkpointIntervalMs: 3_600_000, clock: () => new Date(now) });
    sealer.start();
    await append(0, 5);
    const until = async (f: () => Promise<boolean>) => {
      for (let i = 0; i < 300 && !(await f()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(async () => (await sealer.latestCheckpoint())?.treeSize === 5);
    expect((await sealer.latestCheckpoint())?.treeSize).toBe(5);
    await append(5, 3);
    await until(async () => (await sealer.treeSize()) === 8);
    await new Promise((r) => setTimeout(r, 50));
    expect((await sealer.latestCheckpoint())?.treeSize).toBe(5);
    now += 3_600_000;
    await until(async () => (await sealer.latestCheckpoint())?.treeSize === 8);
    expect((await sealer.latestCheckpoint())?.treeSize).toBe(8);
    expect((await sealer.lag()).lagSeconds).toBe(0);
    await sealer.stop();
    await store.close();
  });
});
