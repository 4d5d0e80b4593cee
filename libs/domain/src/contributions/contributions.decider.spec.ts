import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { AllocationState } from '../funding/funding.decider';
import { WorkerState, evolveWorker } from '../workers/workers.state';
import { enrolledWorker, paidFor } from '../../../../test/support/workers';
import { decideContributionBatch } from './contributions.decider';
import { PayContributions } from './contributions.commands';

// Kabupaten TTU pays its workers from its own APBD.
const ttu: Extract<AllocationState, { exists: true }> = {
  exists: true,
  allocationId: 'a-ttu',
  regionCode: '53.03',
  fundingSource: 'APBD_KABUPATEN_KOTA',
  fiscalYear: 2025,
  allocatedOn: '2025-01-02',
  amount: 3 * 16_800 * 12,
  disbursed: 0,
  refunded: 0,
  batches: {},
  refused: {},
};
const province: AllocationState = { ...ttu, allocationId: 'a-ntt', regionCode: '53', fundingSource: 'APBD_PROVINSI' } as AllocationState;

function worker(id: string, regionCode = '53.03.01.2005', enrolledOn = '2025-07-07', paidBy: Record<string, string> = {}): WorkerState {
  return paidFor(enrolledWorker({ workerId: id, regionCode, enrolledOn }), paidBy);
}
const batch = (over: Partial<PayContributions> = {}): PayContributions => ({
  type: 'PayContributions',
  batchId: 'b1',
  allocationId: 'a-ttu',
  period: '2025-08',
  paidOn: '2025-08-10',
  workerIds: ['w1', 'w2'],
  today: '2026-11-23',
  ...over,
});

describe('contribution batch', () => {
  it('given two active workers, when the month is paid, then one contribution each and the allocation disburses their total', () => {
    const d = decideContributionBatch(
      batch(),
      ttu,
      new Map([
        ['w1', worker('w1')],
        ['w2', worker('w2')],
      ]),
    );
    expect(d.workerCount).toBe(2);
    expect(d.amount).toBe(33_600);
    expect(d.contributions.map((c) => [c.data.workerId, c.data.amount, c.data.jkk, c.data.jkm])).toEqual([
      ['w1', 16_800, 10_000, 6_800],
      ['w2', 16_800, 10_000, 6_800],
    ]);
    expect(d.allocationEvents).toEqual([
      expect.objectContaining({
        type: 'FundsDisbursed',
        data: expect.objectContaining({ amount: 33_600, workerCount: 2, regionCode: '53.03' }),
      }),
    ]);
  });

  it('uses the tariff in force: the PP 49/2020 discount months cost Rp168 for a worker paid up to July 2020 (rule 12)', () => {
    const old = { ...ttu, fiscalYear: 2020, allocatedOn: '2020-01-02' } as AllocationState;
    const upToJuly = Object.fromEntries(
      ['2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06', '2020-07', '2020-08'].map((p) => [p, 'a-ttu']),
    );
    const paidUp = worker('w1', undefined, '2020-01-01', upToJuly);
    const behind = worker('w2', undefined, '2020-01-01', { '2020-07': 'a-ttu', '2020-08': 'a-ttu' });
    const d = decideContributionBatch(
      batch({ period: '2020-09', paidOn: '2020-09-10' }),
      old,
      new Map([
        ['w1', paidUp],
        ['w2', behind],
      ]),
    );
    expect(d.contributions.map((c) => [c.data.workerId, c.data.amount])).toEqual([
      ['w1', 168],
      ['w2', 16_800],
    ]);
  });

  it('rule 12: a worker registered after July 2020 pays the first two months in full, then the discount', () => {
    const old = { ...ttu, fiscalYear: 2020, allocatedOn: '2020-01-02' } as AllocationState;
    const fresh = worker('w1', undefined, '2020-09-01');
    const second = worker('w2', undefined, '2020-08-01', { '2020-08': 'a-ttu', '2020-09': 'a-ttu' });
    const d = decideContributionBatch(
      batch({ period: '2020-10', paidOn: '2020-10-10', workerIds: ['w1', 'w2'] }),
      old,
      new Map([
        ['w1', paidFor(fresh, ['2020-09'])],
        ['w2', second],
      ]),
    );
    expect(d.contributions.map((c) => [c.data.workerId, c.data.amount])).toEqual([
      ['w1', 16_800],
      ['w2', 168],
    ]);
  });

  it('rule 4: skips a worker already paid by the same allocation silently, and one paid by another as double funding', () => {
    const workers = new Map([
      ['w1', worker('w1', undefined, undefined, { '2025-08': 'a-ttu' })],
      ['w2', worker('w2', undefined, undefined, { '2025-08': 'a-ntt' })],
    ]);
    const d = decideContributionBatch(batch(), ttu, workers);
    expect(d.skipped).toEqual([
      { workerId: 'w1', reason: 'ALREADY_PAID' },
      { workerId: 'w2', reason: 'DOUBLE_FUNDING' },
    ]);
    expect(d.contributions).toEqual([]);
    // The double funding is kept as an audit finding, once per worker and period.
    expect(d.allocationEvents).toEqual([
      expect.objectContaining({
        type: 'DoubleFundingRefused',
        data: expect.objectContaining({ workers: [{ workerId: 'w2', paidBy: 'a-ntt' }] }),
      }),
    ]);
    const alreadyRecorded: AllocationState = { ...(ttu as Extract<AllocationState, { exists: true }>), refused: { '2025-08:w2': true } };
    expect(decideContributionBatch(batch(), alreadyRecorded, workers).allocationEvents).toEqual([]);
  });

  it('rule 5: no contribution before the month of enrolment or after exit', () => {
    const gone = evolveWorker(worker('w2', undefined, '2025-07-01'), {
      type: 'WorkerExited',
      data: { workerId: 'w2', regionCode: '53.03', reason: 'MOVED', exitedOn: '2025-07-20' },
      effectiveDate: '2025-07-20',
    });
    const d = decideContributionBatch(
      batch(),
      ttu,
      new Map([
        ['w1', worker('w1', undefined, '2025-09-01')],
        ['w2', gone],
      ]),
    );
    expect(d.skipped).toMatchObject([
      { workerId: 'w1', reason: 'NOT_ACTIVE_IN_PERIOD', detail: expect.stringMatching(/before the enrolment month/) },
      { workerId: 'w2', reason: 'NOT_ACTIVE_IN_PERIOD', detail: expect.stringMatching(/after the exit month/) },
    ]);
  });

  it('rule 2: a regency allocation funds only workers in that regency; a province allocation anywhere in the province', () => {
    const workers = new Map([['w1', worker('w1', '53.01.01.2001')]]);
    expect(() => decideContributionBatch(batch({ workerIds: ['w1'] }), ttu, workers)).toThrow(RuleViolation);
    expect(decideContributionBatch(batch({ allocationId: 'a-ntt', workerIds: ['w1'] }), province, workers).workerCount).toBe(1);
  });

  it('rule 2: only periods inside the fiscal year', () => {
    expect(() =>
      decideContributionBatch(
        batch({ period: '2026-01' }),
        ttu,
        new Map([
          ['w1', worker('w1')],
          ['w2', worker('w2')],
        ]),
      ),
    ).toThrow(/fiscal year 2025/);
  });

  it('rule 3: pays all or none: a batch the allocation cannot pay in full is refused with the shortfall', () => {
    const almostSpent = { ...ttu, disbursed: 3 * 16_800 * 12 - 16_800 } as AllocationState;
    expect(() =>
      decideContributionBatch(
        batch(),
        almostSpent,
        new Map([
          ['w1', worker('w1')],
          ['w2', worker('w2')],
        ]),
      ),
    ).toThrow(/shortfall Rp16,800/);
  });

  it('refuses unknown workers, a worker named twice, and an unknown allocation', () => {
    expect(() => decideContributionBatch(batch({ workerIds: ['w9'] }), ttu, new Map())).toThrow(NotFound);
    expect(() => decideContributionBatch(batch({ workerIds: ['w1', 'w1'] }), ttu, new Map([['w1', worker('w1')]]))).toThrow(Conflict);
    expect(() => decideContributionBatch(batch(), { exists: false }, new Map())).toThrow(NotFound);
  });

  it("records double funding in events of at most 5,000 workers each (under EventStoreDB's append limit)", () => {
    const workers = new Map(
      Array.from({ length: 12_000 }, (_, i) => [`w${i}`, worker(`w${i}`, undefined, undefined, { '2025-08': 'a-ntt' })] as const),
    );
    const d = decideContributionBatch(batch({ workerIds: [...workers.keys()] }), ttu, workers);
    const refused = d.allocationEvents.filter((e) => e.type === 'DoubleFundingRefused') as Array<{ data: { workers: unknown[] } }>;
    expect(refused.map((e) => e.data.workers.length)).toEqual([5_000, 5_000, 2_000]);
  });
});
