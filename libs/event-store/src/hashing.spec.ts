import { canonicalJson, eventHash, eventHashOfDataJson, GENESIS_HASH } from './hashing';
import { sealEvents } from './sealing';

describe('the chain hash given the data as canonical JSON', () => {
  const events = [
    {
      streamName: 'worker-1',
      revision: 0,
      type: 'WorkerEnrolled',
      effectiveDate: '2025-07-01',
      data: { z: 1, a: { y: [1, { b: 2, a: 'x' }], c: null } },
    },
    {
      streamName: 'allocation-"q"',
      revision: 12,
      type: 'T\u00e9',
      effectiveDate: '2025-12-31',
      data: { '10': 'ten', '9': 'nine', é: 'e\n"' },
    },
    { streamName: 's', revision: 3, type: 'Empty', effectiveDate: '2025-01-01', data: {} },
  ];

  it.each(events)('is the hash of the whole event written canonically ($type)', (e) => {
    expect(eventHashOfDataJson(GENESIS_HASH, e, canonicalJson(e.data))).toBe(eventHash(GENESIS_HASH, e));
    expect(eventHashOfDataJson('a'.repeat(64), e, canonicalJson(e.data))).toBe(eventHash('a'.repeat(64), e));
  });

  it('seals each event with its data as canonical JSON, members sorted at every depth', () => {
    const [sealed] = sealEvents('worker-1', -1, GENESIS_HASH, [
      {
        id: 'e1',
        type: 'WorkerEnrolled',
        effectiveDate: '2025-07-01',
        data: { z: 1, a: { c: 2, b: [{ y: 1, x: 0 }] } },
        context: {},
      } as never,
    ]);
    expect(sealed.dataJson).toBe('{"a":{"b":[{"x":0,"y":1}],"c":2},"z":1}');
    expect(sealed.metadata.hash).toBe(eventHash(GENESIS_HASH, { ...sealed.event, streamName: 'worker-1', revision: 0 }));
  });
});
