import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@app/event-store';
import { LEDGER_PROJECTIONS, READ_MODEL_SCHEMA } from './projections';
import { InMemoryReadModels } from './in-memory-read-models';
import { ReadModels } from './read-store.port';
import { rebuildReadModels } from './rebuild';
import { ProjectionRunner } from './runner';
import { SqliteReadStore } from './sqlite-read-store';

const context = { userId: 'u', role: 'finance', correlationId: 'c', causationId: 'c' };
const ev = (type: string, data: Record<string, unknown>, effectiveDate = '2026-01-15'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  effectiveDate,
  context,
});
const ref = (allocationId: string, regionCode: string) => ({
  allocationId,
  regionCode,
  fundingSource: 'APBD_KABUPATEN_KOTA',
  fiscalYear: 2026,
});

async function seedLedger(store: SqliteEventStore, allocations: number, prefix = 'a') {
  for (let i = 0; i < allocations; i++) {
    const id = `${prefix}${i}`;
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

async function dump(models: ReadModels) {
  const out: Record<string, unknown[]> = {};
  for (const collection of Object.keys(READ_MODEL_SCHEMA)) out[collection] = (await models.find(collection, {})).items;
  return out;
}

describe('projection runner', () => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-runner-'));
    events = new SqliteEventStore(join(dir, 'ledger.sqlite'));
    reads = new SqliteReadStore(join(dir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
  });
  afterEach(async () => {
    await events.close();
    await reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('projects the ledger in batches and rolls funding up the region tree', async () => {
    await seedLedger(events, 4);
    const runner = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 5 });
    await runner.catchUp();
    const models = await reads.active();
    expect(await models.get('fundingTotals', '53:2026')).toMatchObject({
      allocated: 6_200_000_000,
      disbursed: 499_968_000,
      workerMonths: 29_760,
      allocationCount: 2,
    });
    expect(await models.get('fundingTotals', 'ID:2026')).toMatchObject({ allocated: 12_400_000_000, allocationCount: 4 });
    expect(await models.get('allocations', 'a1')).toMatchObject({
      amount: 3_100_000_000,
      remaining: 3_100_000_000 - 249_984_000,
      revisions: [{ previousAmount: 3_000_000_000 }],
    });
    expect((await runner.lag()).caughtUp).toBe(true);
  });

  it('killed in the middle of a batch and restarted, ends identical to a clean rebuild without counting twice', async () => {
    await seedLedger(events, 6);
    let commits = 0;
    // The second commit that carries documents fails half-way through its transaction, as a crash would leave it.
    const crashing = async (): Promise<ReadModels> => {
      const models = await reads.active();
      return {
        ...models,
        generation: models.generation,
        get: models.get.bind(models),
        getMany: models.getMany.bind(models),
        find: models.find.bind(models),
        checkpoint: models.checkpoint.bind(models),
        projectionState: models.projectionState.bind(models),
        clear: models.clear.bind(models),
        commit: (name, changes, checkpoint, version) => {
          if (changes.length > 0) commits++;
          if (commits === 2 && changes.length > 0)
            return models.commit(
              name,
              [...changes.slice(0, 2), { collection: 'crash', id: 'x', doc: { id: 'x' } }, ...changes.slice(2)],
              checkpoint,
              version,
            );
          return models.commit(name, changes, checkpoint, version);
        },
      };
    };
    const first = new ProjectionRunner(events, crashing, LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 4 });
    await expect(first.catchUp()).rejects.toThrow();

    const restarted = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 4 });
    await restarted.catchUp();
    const resumed = await dump(await reads.active());

    const clean = await reads.createGeneration();
    await new ProjectionRunner(events, async () => clean, LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 1000 }).catchUp();
    expect(resumed).toEqual(await dump(clean));
    expect((await (await reads.active()).get('fundingTotals', 'ID:2026'))?.allocationCount).toBe(6);
  });

  it('rebuilds into a fresh generation while the old one keeps answering, then swaps', async () => {
    await seedLedger(events, 3);
    const live = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { name: 'ledger' });
    await live.catchUp();
    const before = await reads.active();
    const expected = await dump(before);
    const answeredDuringRebuild: unknown[] = [];
    live.start();
    const result = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, 'ledger', {
      batchSize: 2,
      onProgress: async () => answeredDuringRebuild.push(await (await reads.active()).get('fundingTotals', 'ID:2026')),
    });
    expect(answeredDuringRebuild.length).toBeGreaterThan(1);
    answeredDuringRebuild.forEach((doc) => expect(doc).toMatchObject({ allocationCount: 3 }));
    expect(result.eventsProjected).toBe(9);
    const after = await reads.active();
    expect(after.generation).toBe(result.generation);
    expect(after.generation).not.toBe(before.generation);
    expect(await dump(after)).toEqual(expected);

    // The live runner carries on in the new generation, from that generation's own checkpoint.
    await seedLedger(events, 1, 'late');
    for (let i = 0; i < 100 && (await after.get('fundingTotals', 'ID:2026'))?.allocationCount !== 4; i++)
      await new Promise((r) => setTimeout(r, 20));
    await live.stop();
    expect(await after.get('fundingTotals', 'ID:2026')).toMatchObject({ allocationCount: 4 });
  });

  it('builds the same read models in memory (the target of point-in-time reports) as in SQLite', async () => {
    await seedLedger(events, 5);
    await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 3 }).catchUp();
    const memory = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => memory, LEDGER_PROJECTIONS, { name: 'ledger', batchSize: 7 }).catchUp();
    expect(await dump(memory)).toEqual(await dump(await reads.active()));
    expect(await memory.checkpoint('ledger')).toBe(await (await reads.active()).checkpoint('ledger'));
  });

  it('reports lag while events wait to be projected', async () => {
    await seedLedger(events, 1);
    const runner = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { name: 'ledger' });
    const lag = await runner.lag(new Date(Date.now() + 10_000));
    expect(lag.caughtUp).toBe(false);
    expect(lag.lagSeconds).toBeGreaterThanOrEqual(9);
  });
});
