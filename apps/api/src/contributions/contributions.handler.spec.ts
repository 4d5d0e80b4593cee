import { randomUUID } from 'node:crypto';
import { allocationStream, fundingDecider, workerDecider, workerStream } from '@app/domain';
import { appendLeadThenRest, SqliteEventStore, StreamWrite } from '@app/event-store';
import { tempLedger, withOverrides, withSlowReads } from '../../../../test/support/stores';
import type { AuthUser } from '../auth/user';
import { CommandShell } from '../infrastructure/command-shell';
import { PayContributionsCommand, PayContributionsHandler } from './contributions.handler';

const actor = { userId: 'op', role: 'operator', correlationId: 'req' };
const user: AuthUser = { userId: 'op', roles: ['operator'], regions: ['ID'], actingRole: 'operator' };

async function allocate(shell: CommandShell, regionCode: string, fundingSource: 'APBD_PROVINSI' | 'APBD_KABUPATEN_KOTA', workerMonths: number): Promise<string> {
  const allocationId = randomUUID();
  await shell.execute(fundingDecider, allocationStream(allocationId), { type: 'AllocateFunding', allocationId, regionCode, fundingSource, fiscalYear: 2025, amount: workerMonths * 16_800, programName: 'p', legalBasis: 'l', allocatedOn: '2025-07-01' }, actor);
  return allocationId;
}

async function enrol(shell: CommandShell, allocationId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  for (const [i, workerId] of ids.entries()) {
    await shell.execute(
      workerDecider,
      workerStream(workerId),
      { type: 'EnrolWorker', workerId, nik: `53030107018500${String(i + 1).padStart(2, '0')}`, fullName: 'x', birthDate: '1985-01-07', sex: 'M', regionCode: '53.03.01.2005', occupation: 'PETANI', allocationId, enrolledOn: '2025-07-07' },
      actor,
    );
  }
  return ids;
}

const batch = (allocationId: string, workerIds: string[]) => new PayContributionsCommand({ allocationId, period: '2025-08', paidOn: '2025-08-10', workerIds }, actor, user);

/**
 * Requests that really overlap: every read of worker streams waits a moment, so two batches both
 * decide on the same state before either appends, and the second must notice and decide again.
 */
describe('concurrent contribution batches on the embedded store', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  let shell: CommandShell;
  let handler: PayContributionsHandler;
  beforeEach(() => {
    ledger = tempLedger('ledger-race-');
    sqlite = ledger.store;
    shell = new CommandShell(withSlowReads(sqlite));
    handler = new PayContributionsHandler(shell, undefined as never, undefined as never);
  });
  afterEach(() => ledger.dispose());

  it('never overspends: of two overlapping batches that each fit alone but not together, one is refused', async () => {
    const allocation = await allocate(shell, '53.03', 'APBD_KABUPATEN_KOTA', 3);
    const workers = await enrol(shell, allocation, 4);
    const results = await Promise.allSettled([handler.execute(batch(allocation, workers.slice(0, 2))), handler.execute(batch(allocation, workers.slice(2)))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.message).toMatch(/shortfall/);
    const { state, recorded } = await shell.load(fundingDecider, allocationStream(allocation));
    expect(state.exists && state.disbursed).toBe(2 * 16_800);
    expect(recorded.filter((e) => e.type === 'FundsDisbursed')).toHaveLength(1);
  });

  it('pays each worker once when two allocations pay the same workers at the same moment', async () => {
    const ttu = await allocate(shell, '53.03', 'APBD_KABUPATEN_KOTA', 10);
    const province = await allocate(shell, '53', 'APBD_PROVINSI', 10);
    const workers = await enrol(shell, ttu, 3);
    const [a, b] = await Promise.all([handler.execute(batch(ttu, workers)), handler.execute(batch(province, workers))]);
    expect(a.workerCount + b.workerCount).toBe(3);
    expect([...a.skipped, ...b.skipped].map((s) => s.reason)).toEqual(['DOUBLE_FUNDING', 'DOUBLE_FUNDING', 'DOUBLE_FUNDING']);
    for (const id of workers) {
      const paid = (await sqlite.readStream(workerStream(id))).filter((e) => e.type === 'ContributionPaid');
      expect(paid).toHaveLength(1);
    }
  });
});

/**
 * The EventStoreDB path of a batch, on the embedded store: appendMany without a multi-stream
 * transaction (the adapter's own appendLeadThenRest), with another allocation paying one worker
 * between the lead write and that worker's write.
 */
describe('contribution batch on a store without multi-stream transactions', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let sqlite: SqliteEventStore;
  beforeEach(() => {
    ledger = tempLedger('ledger-saga-');
    sqlite = ledger.store;
  });
  afterEach(() => ledger.dispose());

  it('releases the share of a worker paid concurrently by another allocation and reports it as double funding', async () => {
    let interfere: ((write: StreamWrite) => Promise<void>) | undefined;
    const nonAtomic = withOverrides(sqlite, {
      appendMany: (writes: StreamWrite[]) =>
        appendLeadThenRest(writes, async (w) => {
          await interfere?.(w);
          return sqlite.append(w.streamName, w.events, w.expectedRevision);
        }, 4),
    });
    const shell = new CommandShell(nonAtomic);
    const allocation = randomUUID();
    await shell.execute(fundingDecider, allocationStream(allocation), { type: 'AllocateFunding', allocationId: allocation, regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', fiscalYear: 2025, amount: 10 * 16_800, programName: 'p', legalBasis: 'l', allocatedOn: '2025-07-01' }, actor);
    const workers = ['w1', 'w2', 'w3'];
    for (const [i, workerId] of workers.entries()) {
      await shell.execute(
        workerDecider,
        workerStream(workerId),
        { type: 'EnrolWorker', workerId, nik: `53030107018500${String(i + 1).padStart(2, '0')}`, fullName: 'x', birthDate: '1985-01-07', sex: 'M', regionCode: '53.03.01.2005', occupation: 'PETANI', allocationId: allocation, enrolledOn: '2025-07-07' },
        actor,
      );
    }
    interfere = async (w) => {
      if (w.streamName !== workerStream('w3')) return;
      interfere = undefined;
      const province = { workerId: 'w3', period: '2025-08', amount: 16_800, jkk: 10_000, jkm: 6_800, allocationId: 'a-province', fundingSource: 'APBD_PROVINSI', batchId: 'b-province', paidOn: '2025-08-09', regionCode: '53.03.01.2005', sex: 'M', occupation: 'PETANI' };
      await sqlite.append(workerStream('w3'), shell.toNewEvents([{ type: 'ContributionPaid', data: province, effectiveDate: '2025-08-09' }], actor, 'other'), 'any');
    };

    const handler = new PayContributionsHandler(shell, undefined as never, undefined as never);
    const answer = await handler.execute(new PayContributionsCommand({ allocationId: allocation, period: '2025-08', paidOn: '2025-08-10', workerIds: workers }, actor, user));

    expect(answer).toMatchObject({ workerCount: 2, amount: 2 * 16_800, skipped: [{ workerId: 'w3', reason: 'DOUBLE_FUNDING' }] });
    const { state, recorded } = await shell.load(fundingDecider, allocationStream(allocation));
    expect(recorded.map((e) => e.type)).toEqual(['FundingAllocated', 'FundsDisbursed', 'FundsReleased']);
    expect(state.exists && state.disbursed).toBe(2 * 16_800);
    expect(answer.position).toBe(recorded[2].position);
    const w3 = await sqlite.readStream(workerStream('w3'));
    expect(w3.filter((e) => e.type === 'ContributionPaid').map((e) => e.data.allocationId)).toEqual(['a-province']);
  });
});
