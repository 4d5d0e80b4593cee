import { RangeCheck, RangeChecker, RangeJoiner } from './ledger-ranges';
import { chainHash, GENESIS_HASH } from './leaf';
import { treeHash } from './merkle';
import { ExportedEvent, verifyLedger } from './verify-ledger';

const pos = (n: number): string => String(n).padStart(20, '0');

/** A well-formed ledger, streams written round-robin, as stored: data and metadata as JSON texts (keys not sorted). */
function makeLedger(count: number, streams: number): ExportedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  const out: ExportedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const streamName = `worker-${i % streams}`;
    const head = heads.get(streamName);
    const revision = head ? head.revision + 1 : 0;
    const prevHash = head ? head.hash : GENESIS_HASH;
    const e = {
      streamName,
      revision,
      type: 'ContributionPaid',
      data: { workerId: `w${i % streams}`, period: '2025-04', amount: 16_800 + i, nested: { z: [1, 'x'], a: null } },
      effectiveDate: '2025-04-10',
    };
    const hash = chainHash(prevHash, e);
    heads.set(streamName, { revision, hash });
    out.push({
      ...e,
      position: pos(i + 1),
      recordedAt: new Date(Date.UTC(2025, 3, 10, 1, 0, 0, i)).toISOString(),
      metadata: { userId: 'u', role: 'operator', correlationId: `c${i}`, schemaVersion: 1, hash, prevHash },
    });
  }
  return out;
}

type Stored = [string, string, number, string, string, string, string, string];
const stored = (l: ExportedEvent[]): Stored[] =>
  l.map((e) => [
    e.position,
    e.streamName,
    e.revision,
    e.type,
    JSON.stringify(e.data),
    JSON.stringify(e.metadata),
    e.effectiveDate,
    e.recordedAt,
  ]);

/** Checks the rows in ranges of `size`, joins them: accepted or not, and the root over the leaves. */
function inRanges(rows: Stored[], size: number): { accepted: boolean; root: string; count: number } {
  const joiner = new RangeJoiner();
  const leaves: Uint8Array[] = [];
  let accepted = true;
  for (let at = 0; at < rows.length; at += size) {
    const checker = new RangeChecker(size);
    for (const r of rows.slice(at, at + size)) checker.add(...r);
    const result: RangeCheck = checker.result();
    if (!joiner.join(result)) accepted = false;
    for (let off = 0; off < result.leaves.length; off += 32) leaves.push(result.leaves.subarray(off, off + 32));
  }
  return { accepted, root: treeHash(leaves).toString('hex'), count: joiner.count };
}

describe('checking a ledger in ranges', () => {
  const ledger = makeLedger(60, 7);

  it('accepts a good ledger whatever the range size, with the one-pass root', async () => {
    const one = await verifyLedger(ledger);
    expect(one.ok).toBe(true);
    for (const size of [1, 2, 7, 13, 60, 100]) {
      expect(inRanges(stored(ledger), size)).toEqual({ accepted: true, root: one.rootHash, count: 60 });
    }
  });

  const edits: Array<[string, (rows: Stored[]) => void]> = [
    ['data changed', (rows) => (rows[20][4] = rows[20][4].replace('16820', '16821'))],
    ['data the same value, written otherwise (the canonical text is hashed)', (rows) => (rows[20][4] = ' ' + rows[20][4])],
    ['data not JSON', (rows) => (rows[20][4] = '{oops')],
    ['metadata not JSON', (rows) => (rows[20][5] = '{oops')],
    ['metadata.hash missing', (rows) => (rows[20][5] = rows[20][5].replace('"hash"', '"hush"'))],
    ['an event removed', (rows) => rows.splice(20, 1)],
    ['two events of a stream swapped', (rows) => ([rows[20], rows[27]] = [rows[27], rows[20]])],
    ['two events of different streams swapped', (rows) => ([rows[20], rows[21]] = [rows[21], rows[20]])],
    ['a position repeated', (rows) => (rows[21][0] = rows[20][0])],
    ['an event copied to the end', (rows) => rows.push([pos(99), ...rows[20].slice(1)] as Stored)],
    ['a revision changed', (rows) => (rows[20][2] += 1)],
    ['a prevHash with a character more', (rows) => (rows[20][5] = rows[20][5].replace(/"prevHash":"([0-9a-f]{64})"/, '"prevHash":"$1a"'))],
  ];

  it.each(edits)('%s: accepted in ranges exactly when the one pass accepts it', async (_name, edit) => {
    const rows = stored(ledger);
    edit(rows);
    let one: boolean;
    try {
      const events = rows.map((r): ExportedEvent => ({
        position: r[0],
        streamName: r[1],
        revision: r[2],
        type: r[3],
        data: JSON.parse(r[4]),
        effectiveDate: r[6],
        recordedAt: r[7],
        metadata: JSON.parse(r[5]),
      }));
      one = (await verifyLedger(events)).ok;
    } catch {
      one = false; // the one pass throws (not JSON, not shaped like an event)
    }
    for (const size of [1, 5, 20, 21, 64]) expect(inRanges(rows, size).accepted).toBe(one);
  });

  it('refuses more events than the range can hold', () => {
    const checker = new RangeChecker(2);
    for (const r of stored(ledger).slice(0, 3)) checker.add(...r);
    expect(checker.result().ok).toBe(false);
  });
});
