import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@app/event-store';
import { InMemoryReadModels } from './in-memory-read-models';
import { defineProjection } from './projection';
import { fundingProjection, LEDGER_PROJECTIONS, READ_MODEL_SCHEMA, workersProjection } from './projections';
import { DocChange, ReadModels } from './read-store.port';
import { ProjectionRunner } from './runner';
import { SqliteReadStore } from './sqlite-read-store';

const context = { userId: 'u', role: 'finance', correlationId: 'c', causationId: 'c' };
const ev = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  effectiveDate: '2026-01-15',
  context,
});
const ref = (i: number) => ({
  allocationId: `a${i}`,
  regionCode: i % 2 ? '53.03' : '52.03',
  fundingSource: 'APBD_KABUPATEN_KOTA',
  fiscalYear: 2026,
});
const allocated = (i: number) =>
  ev('FundingAllocated', { ...ref(i), amount: 3_000_000_000, programName: 'p', legalBasis: 'l', allocatedOn: '2026-01-02' });
const disbursed = (i: number, period: string) =>
  ev('FundsDisbursed', { ...ref(i), batchId: `b${i}-${period}`, period, workerCount: 10, amount: 168_000, paidOn: `${period}-15` });

async function dump(models: ReadModels, collections: readonly string[]) {
  const out: Record<string, unknown[]> = {};
  for (const c of collections) out[c] = (await models.find(c)).items;
  return out;
}

describe('the runner writes in bulk', () => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-uow-'));
    events = new SqliteEventStore(join(dir, 'ledger.sqlite'));
    reads = new SqliteReadStore(join(dir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
  });
  afterEach(async () => {
    await events.close();
    await reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps documents in memory across batches: each is read at most once, written once per commit, and the result is a replay', async () => {
    for (let i = 0; i < 4; i++) await events.append(`allocation-a${i}`, [allocated(i)], 'no_stream');
    await new ProjectionRunner(events, () => reads.active(), [fundingProjection]).catchUp();
    for (const period of ['2026-01', '2026-02', '2026-03'])
      for (let i = 0; i < 4; i++) await events.append(`allocation-a${i}`, [disbursed(i, period)], 'any');

    const models = await reads.active();
    const read: string[] = [];
    const written: DocChange[][] = [];
    const getMany = models.getMany.bind(models);
    const commit = models.commit.bind(models);
    models.getMany = async (collection, ids) => {
      read.push(...ids.map((id) => `${collection}/${id}`));
      return getMany(collection, ids);
    };
    models.commit = async (projection, changes, ...rest) => {
      written.push([...changes]);
      return commit(projection, changes, ...rest);
    };
    try {
      // A new runner: nothing in memory yet. Batches of 4 events, 12 events, 8 of them after the first batch.
      await new ProjectionRunner(events, () => reads.active(), [fundingProjection], { batchSize: 4 }).catchUp();
    } finally {
      models.getMany = getMany;
      models.commit = commit;
    }
    expect(read.length).toBe(new Set(read).size);
    // Each batch of 4 disbursements writes 4 allocations and the totals of 52.03, 52, 53.03, 53, ID once each.
    expect(written.filter((w) => w.length > 0).map((w) => w.length)).toEqual([9, 9, 9]);

    const replay = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => replay, [fundingProjection]).catchUp();
    expect(await dump(models, fundingProjection.collections)).toEqual(await dump(replay, fundingProjection.collections));
  });

  it('forgets what it holds when another writer moved the checkpoint, and reads the documents again', async () => {
    for (let i = 0; i < 4; i++) await events.append(`allocation-a${i}`, [allocated(i), disbursed(i, '2026-01')], 'no_stream');
    const a = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 3 });
    const b = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 5 });
    await a.runBatch();
    await b.runBatch(); // moves every checkpoint past what a holds
    await a.catchUp();
    await b.catchUp();
    for (let i = 0; i < 4; i++) await events.append(`allocation-a${i}`, [disbursed(i, '2026-02')], 'any');
    await b.catchUp();
    await a.catchUp();
    const replay = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => replay, LEDGER_PROJECTIONS).catchUp();
    const collections = LEDGER_PROJECTIONS.flatMap((p) => p.collections);
    expect(await dump(await reads.active(), collections)).toEqual(await dump(replay, collections));
    expect((await (await reads.active()).get('fundingTotals', 'ID:2026'))?.workerMonths).toBe(80);
  });

  it('settles each document once per batch, before its commit, and the documents do not depend on the batch size', async () => {
    const worker = (i: number) => ({ workerId: `w${i}`, regionCode: '53.03.01.2005', allocationId: 'a', sex: 'F', occupation: 'NELAYAN' });
    for (let i = 0; i < 3; i++) {
      const enrol = ev('WorkerEnrolled', {
        ...worker(i),
        enrolledOn: '2025-07-07',
        personal: { enc: 'x', kid: 'k', iv: 'i', ct: 'c', tag: 't' },
      });
      const pays = ['2025-07', '2025-08', '2025-09'].map((period) =>
        ev('ContributionPaid', {
          ...worker(i),
          period,
          amount: 16_800,
          fundingSource: 'APBD_KABUPATEN_KOTA',
          batchId: 'b',
          paidOn: `${period}-10`,
        }),
      );
      await events.append(`worker-w${i}`, [enrol, ...pays], 'no_stream');
    }
    const settled: string[] = [];
    const counting = defineProjection({
      ...workersProjection,
      settle: (collection, doc) => {
        settled.push(doc.id);
        return workersProjection.settle!(collection, doc);
      },
    });
    // One batch of 12 events: three documents, each settled once (not after each of its four events).
    await new ProjectionRunner(events, () => reads.active(), [counting], { batchSize: 12 }).catchUp();
    expect(settled.sort()).toEqual(['w0', 'w1', 'w2']);
    const one = await dump(await reads.active(), ['workers']);
    expect((one.workers as Array<{ lapsesFrom: string }>).map((w) => w.lapsesFrom)).toEqual(['2026-01', '2026-01', '2026-01']);

    // An event per batch: the same documents as the one batch.
    const perEvent = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => perEvent, [workersProjection], { batchSize: 1 }).catchUp();
    expect(await dump(perEvent, ['workers'])).toEqual(one);
  });
});
