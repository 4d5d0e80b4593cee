import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from '@app/event-store';
import { InMemoryReadModels, LEDGER_PROJECTIONS, ProjectionRunner, READ_MODEL_SCHEMA, ReadModels, ReadStore } from '@app/read-models';

const context = { userId: 'u', role: 'finance', correlationId: 'c', causationId: 'c' };
const ev = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  effectiveDate: '2026-01-15',
  context,
});
const ref = (allocationId: string, regionCode: string) => ({
  allocationId,
  regionCode,
  fundingSource: 'APBD_KABUPATEN_KOTA',
  fiscalYear: 2026,
});

/** Allocations whose totals add up per region: an event counted twice shows in `fundingTotals`. */
export async function seedFunding(store: EventStore, allocations: number): Promise<void> {
  const prefix = randomUUID().slice(0, 8);
  for (let i = 0; i < allocations; i++) {
    const id = `${prefix}-${i}`;
    const region = i % 2 ? '53.03' : '52.03';
    await store.append(
      `allocation-${id}`,
      [
        ev('FundingAllocated', { ...ref(id, region), amount: 3_000_000_000, programName: 'p', legalBasis: 'l', allocatedOn: '2026-01-02' }),
        ev('FundsDisbursed', {
          ...ref(id, region),
          batchId: `b${i}`,
          period: '2026-01',
          workerCount: 14_880,
          amount: 249_984_000,
          paidOn: '2026-01-15',
        }),
        ev('FundingRevised', {
          ...ref(id, region),
          previousAmount: 3_000_000_000,
          amount: 3_100_000_000,
          reason: 'r',
          legalBasis: 'l',
          revisedOn: '2026-09-01',
        }),
      ],
      'no_stream',
    );
  }
}

export async function dumpReadModels(models: ReadModels): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const collection of Object.keys(READ_MODEL_SCHEMA)) out[collection] = (await models.find(collection, {})).items;
  return out;
}

/** The same store whose `readAll` answers late: a runner reading through it decides on a checkpoint another has already moved. */
export function withSlowReadAll(store: EventStore, ms: () => number): EventStore {
  return Object.assign(Object.create(store) as EventStore, {
    readAll: async (options: Parameters<EventStore['readAll']>[0]) => {
      const events = await store.readAll(options);
      await new Promise((r) => setTimeout(r, ms()));
      return events;
    },
  });
}

/**
 * One writer per projection: runners on two connections to one read store (as two API replicas or
 * projector processes would be) race over the same ledger; the read models end identical to a single
 * replay, and the losers of the races are seen to have lost (not merely to have been slow).
 * `open` answers two connections to one fresh, empty read store, and how to close them.
 */
export function twoRunnersContract(
  name: string,
  events: () => Promise<EventStore>,
  open: () => Promise<[ReadStore, ReadStore, () => Promise<void>]>,
): void {
  describe(`two projection runners on one read store: ${name}`, () => {
    it('never count an event twice: the result is a single replay', async () => {
      const store = await events();
      await seedFunding(store, 40);
      const [a, b, close] = await open();
      try {
        const fast = new ProjectionRunner(store, () => a.active(), LEDGER_PROJECTIONS, { batchSize: 7 });
        const slow = new ProjectionRunner(
          withSlowReadAll(store, () => Math.floor(Math.random() * 15)),
          () => b.active(),
          LEDGER_PROJECTIONS,
          { batchSize: 11 },
        );
        await Promise.all([fast.catchUp(), slow.catchUp(), fast.catchUp()]);
        expect(fast.conflicts + slow.conflicts).toBeGreaterThan(0);

        const replay = new InMemoryReadModels();
        await new ProjectionRunner(store, async () => replay, LEDGER_PROJECTIONS, { batchSize: 1000 }).catchUp();
        expect(await dumpReadModels(await a.active())).toEqual(await dumpReadModels(replay));
        expect(await dumpReadModels(await b.active())).toEqual(await dumpReadModels(replay));
      } finally {
        await close();
      }
    });

    it('keep one writer while both run in the background', async () => {
      const store = await events();
      const [a, b, close] = await open();
      try {
        const one = new ProjectionRunner(store, () => a.active(), LEDGER_PROJECTIONS, { batchSize: 5, idleMs: 5 });
        const two = new ProjectionRunner(
          withSlowReadAll(store, () => Math.floor(Math.random() * 8)),
          () => b.active(),
          LEDGER_PROJECTIONS,
          {
            batchSize: 9,
            idleMs: 5,
          },
        );
        one.start();
        two.start();
        for (let i = 0; i < 5; i++) {
          await seedFunding(store, 6);
          await new Promise((r) => setTimeout(r, 10));
        }
        await one.stop();
        await two.stop();
        await one.catchUp();
        expect(one.error ?? two.error).toBeUndefined();

        const replay = new InMemoryReadModels();
        await new ProjectionRunner(store, async () => replay, LEDGER_PROJECTIONS).catchUp();
        expect(await dumpReadModels(await a.active())).toEqual(await dumpReadModels(replay));
      } finally {
        await close();
      }
    });
  });
}
