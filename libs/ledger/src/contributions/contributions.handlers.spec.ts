import { allocationStream, fundingDecider, workerStream } from '@app/domain';
import { AppendOutcomeUnknownError, appendLeadThenRest, EventStore, SqliteEventStore, StreamWrite } from '@app/event-store';
import { contextOf, ledgerFixtures } from '../../../../test/support/ledger';
import { tempLedger, withOverrides, withSlowReads } from '../../../../test/support/stores';
import { CommandSeam } from '../command-seam/command-seam';
import { PayContributionsCommand } from './contributions.commands';
import { PayContributionsHandler } from './contributions.handlers';

const batch = (allocationId: string, workerIds: string[], key?: string) =>
  new PayContributionsCommand({ allocationId, period: '2025-08', paidOn: '2025-08-10', workerIds }, contextOf('operator', { key }));

function handlerOn(store: EventStore) {
  const seam = new CommandSeam(store);
  return { seam, handler: new PayContributionsHandler(seam, undefined as never, undefined as never), fixtures: ledgerFixtures(seam) };
}

/**
 * Requests that really overlap: every read of worker streams waits a moment, so two batches both
 * decide on the same state before either appends, and the second must notice and decide again.
 */
describe('concurrent contribution batches on the embedded store', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  beforeEach(() => {
    ledger = tempLedger('ledger-race-');
    sqlite = ledger.store;
  });
  afterEach(() => ledger.dispose());

  it('never overspends: of two overlapping batches that each fit alone but not together, one is refused', async () => {
    const { handler, seam, fixtures } = handlerOn(withSlowReads(sqlite));
    const allocation = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 3);
    const workers = await fixtures.enrol(allocation, '53.03', 4);
    const results = await Promise.allSettled([
      handler.execute(batch(allocation, workers.slice(0, 2))),
      handler.execute(batch(allocation, workers.slice(2))),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message).toMatch(/shortfall/);
    const state = await seam.read(fundingDecider, [allocationStream(allocation)]);
    expect(state.exists && state.disbursed).toBe(2 * 16_800);
    expect((await sqlite.readStream(allocationStream(allocation))).filter((e) => e.type === 'FundsDisbursed')).toHaveLength(1);
  });

  it('pays each worker once when two allocations pay the same workers at the same moment', async () => {
    const { handler, fixtures } = handlerOn(withSlowReads(sqlite));
    const ttu = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 10);
    const province = await fixtures.allocate('53', 'APBD_PROVINSI', 10);
    const workers = await fixtures.enrol(ttu, '53.03', 3);
    const [a, b] = await Promise.all([handler.execute(batch(ttu, workers)), handler.execute(batch(province, workers))]);
    expect(a.workerCount + b.workerCount).toBe(3);
    expect([...a.skipped, ...b.skipped].map((s) => s.reason)).toEqual(['DOUBLE_FUNDING', 'DOUBLE_FUNDING', 'DOUBLE_FUNDING']);
    for (const id of workers) {
      const paid = (await sqlite.readStream(workerStream(id))).filter((e) => e.type === 'ContributionPaid');
      expect(paid).toHaveLength(1);
    }
  });

  it('a keyed batch retried answers the first answer and pays nobody twice', async () => {
    const { handler, fixtures } = handlerOn(sqlite);
    const allocation = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 10);
    const workers = await fixtures.enrol(allocation, '53.03', 3);
    const first = await handler.execute(batch(allocation, workers, 'batch-2025-08'));
    const again = await handler.execute(batch(allocation, workers, 'batch-2025-08'));
    expect(again).toEqual(first);
    expect((await sqlite.readStream(allocationStream(allocation))).filter((e) => e.type === 'FundsDisbursed')).toHaveLength(1);
  });
});

/**
 * The EventStoreDB path of a batch, on the embedded store: appendMany without a multi-stream
 * transaction (the adapter's own appendLeadThenRest), with faults a real server has.
 */
describe('contribution batch on a store without multi-stream transactions', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  beforeEach(() => {
    ledger = tempLedger('ledger-saga-');
    sqlite = ledger.store;
  });
  afterEach(() => ledger.dispose());

  /** appendMany as EventStoreDB does it: the lead, then each other write on its own; `fault` may act before or after each. */
  function nonAtomic(fault: (write: StreamWrite, append: () => Promise<void>) => Promise<void>): EventStore {
    return withOverrides(sqlite, {
      atomicAppendMany: false,
      appendMany: (writes: StreamWrite[]) =>
        appendLeadThenRest(
          writes,
          async (w) => {
            let result: Awaited<ReturnType<SqliteEventStore['append']>> | undefined;
            await fault(w, async () => {
              result = await sqlite.append(w.streamName, w.events, w.expectedRevision);
            });
            return result ?? (await sqlite.append(w.streamName, w.events, w.expectedRevision));
          },
          4,
        ),
    } as Partial<EventStore>);
  }

  it('releases the share of a worker paid concurrently by another allocation and reports it as double funding', async () => {
    const { handler, seam, fixtures } = handlerOn(
      nonAtomic(async (w, append) => {
        if (w.streamName === workerStream('w3') && !interfered) {
          interfered = true;
          const province = {
            workerId: 'w3',
            period: '2025-08',
            amount: 16_800,
            jkk: 10_000,
            jkm: 6_800,
            allocationId: 'a-province',
            fundingSource: 'APBD_PROVINSI',
            batchId: 'b-province',
            paidOn: '2025-08-09',
            dueOn: '2025-09-15',
            regionCode: '53.03.01.2005',
            sex: 'M',
            occupation: 'PETANI',
          };
          const context = { userId: 'other', role: 'operator', correlationId: 'c', causationId: 'other' };
          await sqlite.append(
            workerStream('w3'),
            [{ id: 'e-province', type: 'ContributionPaid', data: province, effectiveDate: '2025-08-09', context }],
            'any',
          );
        }
        await append();
      }),
    );
    let interfered = true;
    const allocation = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 10);
    const workers = await fixtures.enrol(allocation, '53.03', 3, ['w1', 'w2', 'w3']);
    interfered = false;

    const answer = await handler.execute(batch(allocation, workers));

    expect(answer).toMatchObject({ workerCount: 2, amount: 2 * 16_800, skipped: [{ workerId: 'w3', reason: 'DOUBLE_FUNDING' }] });
    const recorded = await sqlite.readStream(allocationStream(allocation));
    expect(recorded.map((e) => e.type)).toEqual(['FundingAllocated', 'FundsDisbursed', 'FundsReleased']);
    const state = await seam.read(fundingDecider, [allocationStream(allocation)]);
    expect(state.exists && state.disbursed).toBe(2 * 16_800);
    expect(answer.position).toBe(recorded[2].position);
    const w3 = await sqlite.readStream(workerStream('w3'));
    expect(w3.filter((e) => e.type === 'ContributionPaid').map((e) => e.data.allocationId)).toEqual(['a-province']);
  });

  it('a worker write that commits and then times out is retried with the same ids: paid once, nothing released', async () => {
    let timedOut = true;
    const { handler, seam, fixtures } = handlerOn(
      nonAtomic(async (w, append) => {
        await append();
        if (!timedOut && w.streamName.startsWith('worker-')) {
          timedOut = true;
          throw new AppendOutcomeUnknownError(w.streamName, new Error('deadline exceeded'));
        }
      }),
    );
    const allocation = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 10);
    const workers = await fixtures.enrol(allocation, '53.03', 3);
    timedOut = false;

    const answer = await handler.execute(batch(allocation, workers));

    expect(timedOut).toBe(true);
    expect(answer).toMatchObject({ workerCount: 3, amount: 3 * 16_800, skipped: [] });
    expect((await sqlite.readStream(allocationStream(allocation))).map((e) => e.type)).toEqual(['FundingAllocated', 'FundsDisbursed']);
    const state = await seam.read(fundingDecider, [allocationStream(allocation)]);
    expect(state.exists && state.disbursed).toBe(3 * 16_800);
    for (const id of workers)
      expect((await sqlite.readStream(workerStream(id))).filter((e) => e.type === 'ContributionPaid')).toHaveLength(1);
  });

  it('a lead write that commits and then times out is retried with the same ids: disbursed once', async () => {
    let timedOut = true;
    const { handler, fixtures } = handlerOn(
      nonAtomic(async (w, append) => {
        await append();
        if (!timedOut && w.streamName.startsWith('allocation-')) {
          timedOut = true;
          throw new AppendOutcomeUnknownError(w.streamName, new Error('deadline exceeded'));
        }
      }),
    );
    const allocation = await fixtures.allocate('53.03', 'APBD_KABUPATEN_KOTA', 10);
    const workers = await fixtures.enrol(allocation, '53.03', 2);
    timedOut = false;

    const answer = await handler.execute(batch(allocation, workers, 'k-lead'));

    expect(answer).toMatchObject({ workerCount: 2, amount: 2 * 16_800 });
    expect((await sqlite.readStream(allocationStream(allocation))).map((e) => e.type)).toEqual(['FundingAllocated', 'FundsDisbursed']);
    for (const id of workers)
      expect((await sqlite.readStream(workerStream(id))).filter((e) => e.type === 'ContributionPaid')).toHaveLength(1);
    // And the retry of the whole request with its key answers the same.
    expect(await handler.execute(batch(allocation, workers, 'k-lead'))).toEqual(answer);
  });
});
