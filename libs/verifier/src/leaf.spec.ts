import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { chainHash, GENESIS_HASH, leafBytes, leafHash, leafJson, LeafFields } from './leaf';

describe('chainHash', () => {
  it('reproduces vectors computed once with libs/event-store/src/hashing.ts eventHash', () => {
    // Computed by compiling libs/event-store/src/hashing.ts and calling eventHash on exactly these
    // inputs (nothing is imported from there: the verifier must stand on its own).
    const e1 = {
      streamName: 'allocation-7f3e',
      revision: 0,
      type: 'AllocationCreated',
      data: {
        amount: 125000000,
        regionCode: '53.03',
        fundingSource: 'APBD',
        note: 'Kupang — ünïcødé 😀',
        tags: ['a', 'b'],
        nested: { z: 1, a: null, m: true, '\u20ac': 'euro', '\ud83d\ude00': 'smile', '\ufb33': 'dalet' },
      },
      effectiveDate: '2026-01-15',
    };
    const h1 = chainHash(GENESIS_HASH, e1);
    expect(h1).toBe('2c30768ba7066a60fae5159c815d6653acaa5e26c3cfb4f3e8e6995bb4041e26');
    const e2 = {
      streamName: 'allocation-7f3e',
      revision: 1,
      type: 'FundsDisbursed',
      data: { amount: -5000, ctrl: 'tab\there\nnl "q" \\ \u0001' },
      effectiveDate: '2026-02-01',
    };
    expect(chainHash(h1, e2)).toBe('ed56dfd244b985e2896cba2ab8646dff7a2359a039bed9bf49380390635c626f');
  });

  it('is sha256 of prevHash followed by the canonical JSON text', () => {
    const e = { streamName: 's', revision: 3, type: 'T', data: { b: 1, a: [true] }, effectiveDate: '2026-01-01' };
    const text = '{"data":{"a":[true],"b":1},"effectiveDate":"2026-01-01","revision":3,"streamName":"s","type":"T"}';
    const prev = 'ab'.repeat(32);
    expect(chainHash(prev, e)).toBe(
      createHash('sha256')
        .update(prev + text)
        .digest('hex'),
    );
  });

  it('writes the same text as canonicalJson of the whole object, for odd values too', () => {
    const cases = [
      { streamName: 'w-ü', revision: 0, type: 'T', data: { r: 0.25, s: 'a\ud800', n: [null, { z: 1, a: 2 }] }, effectiveDate: 'd' },
      { streamName: 's', revision: 1, type: 'T', data: undefined, effectiveDate: 'd' },
      { streamName: 's', revision: 2, type: 'T', data: 'plain', effectiveDate: 'd' },
    ];
    for (const e of cases) {
      const text = canonicalJson(e, { allowFractions: true, allowLoneSurrogates: true });
      expect(chainHash(GENESIS_HASH, e)).toBe(
        createHash('sha256')
          .update(GENESIS_HASH + text)
          .digest('hex'),
      );
    }
  });
});

describe('leaf', () => {
  const leaf: LeafFields = {
    actor: { userId: 'ana', role: 'finance' },
    hash: '9f'.repeat(32),
    position: '00000000000000000001',
    recordedAt: '2026-11-23T14:05:09.123Z',
    revision: 0,
    streamName: 'allocation-1',
  };

  it('is the canonical JSON of { actor: { role, userId }, hash, position, recordedAt, revision, streamName }', () => {
    const want = `{"actor":{"role":"finance","userId":"ana"},"hash":"${'9f'.repeat(32)}","position":"00000000000000000001","recordedAt":"2026-11-23T14:05:09.123Z","revision":0,"streamName":"allocation-1"}`;
    expect(leafJson(leaf)).toBe(want);
    expect(leafJson(leaf)).toBe(canonicalJson(leaf));
    const odd = { ...leaf, actor: { userId: 'ü "x"\n', role: '😀' }, streamName: 'wörker-\u2028', revision: 12345 };
    expect(leafJson(odd)).toBe(canonicalJson(odd));
    expect(leafBytes(odd)).toEqual(Buffer.from(canonicalJson(odd), 'utf8'));
  });

  it('hashes as SHA-256(0x00 || leaf bytes)', () => {
    expect(leafHash(leaf)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(leafJson(leaf))]))
        .digest(),
    );
  });

  it('refuses leaves with missing or mistyped fields', () => {
    expect(() => leafJson({ ...leaf, revision: 1.5 })).toThrow(/revision/);
    expect(() => leafJson({ ...leaf, position: 1 as unknown as string })).toThrow(/position must be a string/);
    expect(() => leafJson({ ...leaf, actor: undefined as unknown as LeafFields['actor'] })).toThrow(/actor/);
  });
});
