import { tempLedger } from '../../../test/support/stores';
import { UpcasterRegistry, withUpcasting } from './upcasting';

const context = { userId: 'u', role: 'operator', correlationId: 'c', causationId: 'c' };

describe('the upcasting seam', () => {
  const registry = new UpcasterRegistry([
    { type: 'Paid', fromVersion: 1, upcast: (data) => ({ ...data, dueOn: `${String(data.period)}-15` }) },
    { type: 'Paid', fromVersion: 2, upcast: ({ amount, ...data }) => ({ ...data, amountRupiah: amount }) },
  ]);

  it('knows the current version of each type: one past its last upcaster, 1 without any', () => {
    expect(registry.currentVersion('Paid')).toBe(3);
    expect(registry.currentVersion('Enrolled')).toBe(1);
    expect(() => new UpcasterRegistry([{ type: 'X', fromVersion: 2, upcast: (d) => d }])).toThrow(/start at version 1/);
  });

  it('given events stored in versions 1, 2 and 3, every reader sees version 3; what is stored never changes', async () => {
    const ledger = tempLedger('ledger-upcast-');
    try {
      const raw = ledger.store;
      await raw.append(
        'worker-1',
        [
          { id: 'e1', type: 'Paid', data: { period: '2025-07', amount: 16_800 }, effectiveDate: '2025-07-10', context, schemaVersion: 1 },
          {
            id: 'e2',
            type: 'Paid',
            data: { period: '2025-08', amount: 16_800, dueOn: '2025-09-15' },
            effectiveDate: '2025-08-10',
            context,
            schemaVersion: 2,
          },
          {
            id: 'e3',
            type: 'Paid',
            data: { period: '2025-09', amountRupiah: 16_800, dueOn: '2025-10-15' },
            effectiveDate: '2025-09-10',
            context,
            schemaVersion: 3,
          },
        ],
        'no_stream',
      );
      const store = withUpcasting(raw, registry);
      const expected = [
        { period: '2025-07', amountRupiah: 16_800, dueOn: '2025-07-15' },
        { period: '2025-08', amountRupiah: 16_800, dueOn: '2025-09-15' },
        { period: '2025-09', amountRupiah: 16_800, dueOn: '2025-10-15' },
      ];
      expect((await store.readStream('worker-1')).map((e) => e.data)).toEqual(expected);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.metadata.schemaVersion)).toEqual([3, 3, 3]);
      expect((await store.readStreams(['worker-1'])).get('worker-1')!.map((e) => e.data)).toEqual(expected);
      const seen: unknown[] = [];
      const subscription = store.subscribe({}, (e) => void seen.push(e.data));
      await subscription.caughtUp;
      await subscription.stop();
      expect(seen).toEqual(expected);
      // The stored form, which the hash chain covers, is untouched.
      expect((await raw.readStream('worker-1'))[0].data).toEqual({ period: '2025-07', amount: 16_800 });
      expect(store.kind).toBe('sqlite');
      expect(await store.headPosition()).toBe(await raw.headPosition());
    } finally {
      await ledger.dispose();
    }
  });
});
