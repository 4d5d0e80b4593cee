import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from './canonical-json';
import { formatCheckpoint } from './checkpoint';
import { chainHash, GENESIS_HASH, leafHash } from './leaf';
import { consistencyProof, treeHash } from './merkle';
import { generateSignerKey, parseSignerKey, signNote, verifierKeyOf } from './note';
import {
  ExportedEvent,
  LedgerFormatError,
  readLedgerExport,
  verifyCheckpointExtension,
  verifyConsistencyWithCheckpoint,
  verifyLedger,
  verifyReportSignature,
} from './verify-ledger';

const pos = (n: number): string => String(n).padStart(20, '0');

/** A well-formed ledger: `streams` streams written round-robin, positions 10, 20, 30, ... */
function makeLedger(count: number, streams = 3): ExportedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  const out: ExportedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const streamName = `allocation-${i % streams}`;
    const head = heads.get(streamName);
    const revision = head ? head.revision + 1 : 0;
    const prevHash = head ? head.hash : GENESIS_HASH;
    const e = {
      streamName,
      revision,
      type: revision === 0 ? 'AllocationCreated' : 'FundsDisbursed',
      data: { amount: 1000 * (i + 1), regionCode: '53.03', note: `event ${i}` },
      effectiveDate: '2026-01-15',
    };
    const hash = chainHash(prevHash, e);
    heads.set(streamName, { revision, hash });
    out.push({
      ...e,
      position: pos((i + 1) * 10),
      recordedAt: new Date(Date.UTC(2026, 0, 15, 8, 0, i % 60, i % 1000)).toISOString(),
      metadata: {
        hash,
        prevHash,
        userId: `user-${i % 4}`,
        role: 'finance',
        correlationId: `c${i}`,
        causationId: `c${i}`,
        schemaVersion: 1,
      },
    });
  }
  return out;
}

const clone = (l: ExportedEvent[]): ExportedEvent[] => JSON.parse(JSON.stringify(l));
const find = (l: ExportedEvent[], stream: number, revision: number): number =>
  l.findIndex((e) => e.streamName === `allocation-${stream}` && e.revision === revision);
const leafOf = (e: ExportedEvent) =>
  leafHash({
    actor: { userId: e.metadata.userId, role: e.metadata.role },
    hash: e.metadata.hash,
    position: e.position,
    recordedAt: e.recordedAt,
    revision: e.revision,
    streamName: e.streamName,
  });
/** Re-seal an event after changing it, as a forger who knows the hashing rule would. */
function reseal(e: ExportedEvent, prevHash = e.metadata.prevHash): void {
  e.metadata.prevHash = prevHash;
  e.metadata.hash = chainHash(prevHash, e);
}

describe('verifyLedger', () => {
  const ledger = makeLedger(30);

  it('accepts an intact ledger and computes the RFC 9162 root over its leaves', async () => {
    const r = await verifyLedger(ledger);
    expect(r).toEqual({
      ok: true,
      checkedEvents: 30,
      lastPosition: pos(300),
      treeSize: 30,
      rootHash: treeHash(ledger.map(leafOf)).toString('hex'),
    });
    const empty = await verifyLedger([]);
    expect(empty).toEqual({
      ok: true,
      checkedEvents: 0,
      lastPosition: null,
      treeSize: 0,
      rootHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });

  describe('changed', () => {
    it('content changed, stored hash kept: names the event', async () => {
      const l = clone(ledger);
      const i = find(l, 1, 4);
      (l[i].data as { amount: number }).amount += 1;
      const r = await verifyLedger(l);
      expect(r.ok).toBe(false);
      expect(r.firstMismatch).toMatchObject({ position: l[i].position, streamName: 'allocation-1', revision: 4, problem: 'changed' });
      expect(r.treeSize).toBe(30); // the tree still covers everything read
    });

    it('stored hash changed: names the event', async () => {
      const l = clone(ledger);
      const i = find(l, 2, 0);
      l[i].metadata.hash = 'f'.repeat(64);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: l[i].position,
        streamName: 'allocation-2',
        revision: 0,
        problem: 'changed',
      });
    });

    it('content changed and its hash recomputed: the next event of the stream gives it away', async () => {
      const l = clone(ledger);
      const i = find(l, 0, 3);
      l[i].effectiveDate = '2025-12-31';
      reseal(l[i]);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: l[i].position,
        streamName: 'allocation-0',
        revision: 3,
        problem: 'changed',
      });
    });

    it('a changed prevHash: names the event', async () => {
      const l = clone(ledger);
      const i = find(l, 0, 5);
      l[i].metadata.prevHash = '1'.repeat(64);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({ position: l[i].position, revision: 5, problem: 'changed' });
    });

    it('the last event of a stream re-sealed: the chain cannot tell, the tree can', async () => {
      const l = clone(ledger);
      const i = find(l, 2, 9);
      (l[i].data as { amount: number }).amount = 1;
      reseal(l[i]);
      const r = await verifyLedger(l);
      expect(r.ok).toBe(true);
      expect(r.rootHash).not.toBe((await verifyLedger(ledger)).rootHash);
    });
  });

  describe('missing', () => {
    it('a removed event: names its stream and revision, at the event after the gap', async () => {
      const l = clone(ledger);
      const i = find(l, 1, 4);
      const next = l[find(l, 1, 5)];
      l.splice(i, 1);
      const r = await verifyLedger(l);
      expect(r.firstMismatch).toMatchObject({ position: next.position, streamName: 'allocation-1', revision: 4, problem: 'missing' });
      expect(r.checkedEvents).toBe(29);
    });

    it('a stream whose first events were removed', async () => {
      const l = clone(ledger).filter((e) => !(e.streamName === 'allocation-2' && e.revision < 2));
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: l[find(l, 2, 2)].position,
        streamName: 'allocation-2',
        revision: 0,
        problem: 'missing',
      });
    });
  });

  describe('inserted', () => {
    function forged(l: ExportedEvent[], stream: number, revision: number, position: string, prevHash: string): ExportedEvent {
      const base = l[find(l, stream, revision)];
      const f: ExportedEvent = { ...clone([base])[0], position, data: { amount: 999999, note: 'forged' } };
      reseal(f, prevHash);
      return f;
    }

    it('a forged event with a duplicate revision before the genuine one (which still links to the previous)', async () => {
      const l = clone(ledger);
      const i = find(l, 0, 5);
      const f = forged(l, 0, 5, pos(Number(l[i].position) - 5), l[find(l, 0, 4)].metadata.hash);
      l.splice(i, 0, f);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: f.position,
        streamName: 'allocation-0',
        revision: 5,
        problem: 'inserted',
      });
    });

    it('a forged event with a duplicate revision after the genuine one', async () => {
      const l = clone(ledger);
      const i = find(l, 0, 5);
      const f = forged(l, 0, 5, pos(Number(l[i].position) + 5), l[find(l, 0, 4)].metadata.hash);
      l.splice(i + 1, 0, f);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: f.position,
        streamName: 'allocation-0',
        revision: 5,
        problem: 'inserted',
      });
    });

    it('a forged event whose link does not fit, while the next one still links to the previous', async () => {
      const l = clone(ledger);
      const i = find(l, 1, 6);
      const f = forged(l, 1, 6, pos(Number(l[i].position) - 5), 'a'.repeat(64));
      l.splice(i, 0, f);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: f.position,
        streamName: 'allocation-1',
        revision: 6,
        problem: 'inserted',
      });
    });

    it('an event repeating an old revision', async () => {
      const l = clone(ledger);
      const i = find(l, 2, 7);
      const f = forged(l, 2, 2, pos(Number(l[i].position) + 5), l[find(l, 2, 1)].metadata.hash);
      l.splice(i + 1, 0, f);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: f.position,
        streamName: 'allocation-2',
        revision: 2,
        problem: 'inserted',
      });
    });

    it('a forged event far ahead of its stream, before the genuine next one', async () => {
      const l = clone(ledger);
      const i = find(l, 1, 3);
      const f = forged(l, 1, 3, pos(Number(l[i].position) - 5), 'b'.repeat(64));
      f.revision = 8;
      reseal(f, 'b'.repeat(64));
      l.splice(i, 0, f);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: f.position,
        streamName: 'allocation-1',
        revision: 8,
        problem: 'inserted',
      });
    });

    it('the same position twice', async () => {
      const l = clone(ledger);
      l.splice(8, 0, clone([l[7]])[0]);
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({ position: l[8].position, problem: 'inserted' });
    });
  });

  describe('reordered', () => {
    it('lines out of ledger order: names the event whose position goes back', async () => {
      const l = clone(ledger);
      [l[10], l[11]] = [l[11], l[10]];
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: l[11].position,
        streamName: l[11].streamName,
        revision: l[11].revision,
        problem: 'reordered',
      });
    });

    it('two events of a stream that swapped positions: names the revision that comes too late', async () => {
      const l = clone(ledger);
      const a = find(l, 1, 4);
      const b = find(l, 1, 5);
      [l[a].position, l[b].position] = [l[b].position, l[a].position];
      l.sort((x, y) => (x.position < y.position ? -1 : 1));
      const moved = l[find(l, 1, 4)];
      const r = await verifyLedger(l);
      expect(r.firstMismatch).toMatchObject({ position: moved.position, streamName: 'allocation-1', revision: 4, problem: 'reordered' });
    });

    it('an event moved later in its stream, past several others', async () => {
      const l = clone(ledger);
      const a = find(l, 0, 2);
      const moved = l[a];
      moved.position = pos(Number(l[find(l, 0, 6)].position) + 5);
      l.sort((x, y) => (x.position < y.position ? -1 : 1));
      expect((await verifyLedger(l)).firstMismatch).toMatchObject({
        position: moved.position,
        streamName: 'allocation-0',
        revision: 2,
        problem: 'reordered',
      });
    });
  });

  it('refuses events that are not shaped like events', async () => {
    const l = clone(ledger);
    (l[3].metadata as { hash: unknown }).hash = 42;
    const notHex = clone(ledger);
    notHex[4].metadata.hash = notHex[4].metadata.hash.toUpperCase();
    expect((await verifyLedger(notHex)).firstMismatch).toMatchObject({ position: notHex[4].position, problem: 'changed' });
    await expect(verifyLedger(l)).rejects.toThrow(LedgerFormatError);
    await expect(verifyLedger(l)).rejects.toThrow(`event at position ${l[3].position}: metadata.hash`);
  });

  it('reads an NDJSON export file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verifier-'));
    const file = join(dir, 'ledger.ndjson');
    writeFileSync(file, ledger.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(await verifyLedger(readLedgerExport(file))).toEqual(await verifyLedger(ledger));
    writeFileSync(file, JSON.stringify(ledger[0]) + '\n{oops\n');
    await expect(verifyLedger(readLedgerExport(file))).rejects.toThrow('line 2: not JSON');
  });

  // Its speed is measured in `npm run bench:audit` against a floor of the same run, not here: a wall-time
  // bound in a test fails on a loaded machine and says nothing on an idle one.
  it('verifies a ledger of 100,000 events, the tree of every one of them', async () => {
    const big = makeLedger(100_000, 2000);
    const r = await verifyLedger(big);
    expect(r.ok).toBe(true);
    expect(r.treeSize).toBe(100_000);
  });
});

describe('checkpoints', () => {
  const ledger = makeLedger(40);
  const skey = generateSignerKey('jaminan.example/ledger');
  const vkey = verifierKeyOf(skey);
  const leaves = ledger.map(leafOf);
  const noteAt = (n: number): string =>
    signNote(
      formatCheckpoint({ origin: 'jaminan.example/ledger', treeSize: n, rootHash: treeHash(leaves.slice(0, n)).toString('hex') }),
      skey,
    );

  it('the ledger has the checkpoint root at the checkpoint size', async () => {
    const r = await verifyConsistencyWithCheckpoint(ledger, noteAt(25), vkey);
    expect(r).toMatchObject({ ok: true, checkpoint: { treeSize: 25 }, ledgerRootHash: treeHash(leaves.slice(0, 25)).toString('hex') });
    expect((await verifyConsistencyWithCheckpoint(ledger, noteAt(0), vkey)).ok).toBe(true);
    expect((await verifyConsistencyWithCheckpoint(ledger, noteAt(40), vkey)).ok).toBe(true);
  });

  it('fails when an event at or before the checkpoint changed, even re-sealed; not for later ones', async () => {
    const before = clone(ledger);
    before[24].recordedAt = '2026-01-16T00:00:00.000Z';
    const r = await verifyConsistencyWithCheckpoint(before, noteAt(25), vkey);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/have root/);
    const after = clone(ledger);
    after[25].recordedAt = '2026-01-16T00:00:00.000Z';
    expect((await verifyConsistencyWithCheckpoint(after, noteAt(25), vkey)).ok).toBe(true);
  });

  it('fails on a short ledger, a wrong key or a changed note', async () => {
    expect((await verifyConsistencyWithCheckpoint(ledger.slice(0, 10), noteAt(25), vkey)).problem).toMatch(/fewer than/);
    expect(
      (await verifyConsistencyWithCheckpoint(ledger, noteAt(25), verifierKeyOf(generateSignerKey('jaminan.example/ledger')))).problem,
    ).toMatch(/no signature by key/);
    expect((await verifyConsistencyWithCheckpoint(ledger, noteAt(25).replace('\n25\n', '\n24\n'), vkey)).problem).toMatch(
      /invalid signature/,
    );
  });

  it('a later checkpoint extends an earlier one through a consistency proof', () => {
    const proof = consistencyProof(25, 40, (i) => leaves[i]).map((b) => b.toString('hex'));
    expect(verifyCheckpointExtension(noteAt(25), noteAt(40), proof, vkey)).toMatchObject({ ok: true });
    expect(verifyCheckpointExtension(noteAt(24), noteAt(40), proof, vkey).ok).toBe(false);
    const forked = clone(ledger);
    forked[3].metadata.userId = 'mallory';
    const forkedLeaves = forked.map(leafOf);
    const forkedNote = signNote(
      formatCheckpoint({ origin: 'jaminan.example/ledger', treeSize: 40, rootHash: treeHash(forkedLeaves).toString('hex') }),
      skey,
    );
    const forkedProof = consistencyProof(25, 40, (i) => forkedLeaves[i]).map((b) => b.toString('hex'));
    expect(verifyCheckpointExtension(noteAt(25), forkedNote, forkedProof, vkey).ok).toBe(false);
  });
});

describe('verifyReportSignature', () => {
  const ledger = makeLedger(12);
  const skey = generateSignerKey('jaminan.example/ledger');
  const vkey = verifierKeyOf(skey);
  const root = treeHash(ledger.map(leafOf)).toString('hex');
  const note = signNote(formatCheckpoint({ origin: 'jaminan.example/ledger', treeSize: 12, rootHash: root }), skey);

  function signed(fields: Record<string, unknown>): { signature: string; treeSize: number; ledgerDigest: string; checkpoint: string } {
    const unsigned = {
      regionCode: '53',
      regionName: 'Nusa Tenggara Timur',
      asOf: '2026-01-31',
      fiscalYear: 2026,
      period: '2026-01',
      position: pos(120),
      eventCount: 12,
      treeSize: 12,
      ledgerDigest: root,
      checkpoint: note,
      coverage: { coverageRatio: 0.4375, children: [] },
      funding: { allocated: 1000 },
      claims: { count: 0 },
      ...fields,
    };
    const sig = parseSignerKey(skey).sign(Buffer.from(canonicalJson(unsigned, { allowFractions: true }), 'utf8'));
    return { ...(unsigned as { treeSize: number; ledgerDigest: string; checkpoint: string }), signature: sig.toString('base64') };
  }

  it('accepts a signed report whose checkpoint matches its tree size and digest', () => {
    expect(verifyReportSignature(signed({}), vkey)).toMatchObject({
      ok: true,
      signatureOk: true,
      checkpointOk: true,
      problems: [],
      checkpoint: { treeSize: 12, rootHash: root },
    });
  });

  it('fails on a changed figure, a wrong key, or a checkpoint that does not match', () => {
    const changed = { ...signed({}), funding: { allocated: 1001 } };
    expect(verifyReportSignature(changed, vkey)).toMatchObject({ ok: false, signatureOk: false, checkpointOk: true });
    expect(verifyReportSignature(signed({}), verifierKeyOf(generateSignerKey('jaminan.example/ledger'))).ok).toBe(false);
    const otherSize = signed({ treeSize: 11, eventCount: 11 });
    expect(verifyReportSignature(otherSize, vkey)).toMatchObject({ ok: false, signatureOk: true, checkpointOk: false });
    const otherDigest = signed({ ledgerDigest: 'ab'.repeat(32) });
    expect(verifyReportSignature(otherDigest, vkey).problems.join()).toMatch(/ledgerDigest/);
    const badSig = { ...signed({}), signature: 'AAAA' };
    expect(verifyReportSignature(badSig, vkey).problems.join()).toMatch(/64-byte/);
  });
});
