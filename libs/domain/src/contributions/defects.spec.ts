/**
 * Issue 7, "Why": the money side of each defect (budgets by fiscal year on a cash basis, payments of a
 * lapsed membership, periods with no tariff), as given events / when command / then events or error
 * on the real contributions and funding deciders. Each test asserts the specific outcome.
 */
import { specOf } from '../../../../test/support/decider-spec';
import { contributionPaid } from '../../../../test/support/workers';
import { fundingDecider } from '../funding/funding.decider';
import { FundingAllocated, FundingEvent } from '../funding/funding.events';
import { ReviseFunding } from '../funding/funding.commands';
import { NoTariffError } from '../reference/tariffs';
import { DomainError, InvalidInput, RuleViolation } from '../shared/errors';
import { WorkerEnrolled, WorkerEvent } from '../workers/workers.events';
import { workerStatusIn } from '../workers/workers.state';
import { BatchEvent, contributionsDecider, decideContributionBatch } from './contributions.decider';
import { PayContributions } from './contributions.commands';

const batches = specOf(contributionsDecider);
const funding = specOf(fundingDecider);
const REGION = '53.03.01.2005';

const allocation = (
  allocationId: string,
  fiscalYear: number,
  allocatedOn = `${fiscalYear}-01-02`,
  regionCode = '53',
): FundingAllocated => ({
  type: 'FundingAllocated',
  data: {
    allocationId,
    regionCode,
    fundingSource: regionCode.length === 2 ? 'APBD_PROVINSI' : 'APBD_KABUPATEN_KOTA',
    fiscalYear,
    amount: 10_800_000_000,
    programName: `Perlindungan pekerja rentan ${fiscalYear}`,
    legalBasis: `Pergub NTT ${fiscalYear}`,
    allocatedOn,
  },
  effectiveDate: allocatedOn,
});
const enrolled = (enrolledOn: string, allocationId = 'a-ntt-2025'): WorkerEnrolled => ({
  type: 'WorkerEnrolled',
  data: {
    workerId: 'w1',
    regionCode: REGION,
    sex: 'F',
    occupation: 'PEDAGANG',
    allocationId,
    enrolledOn,
    personal: { nik: '5303014701850002', fullName: 'x', birthDate: '1985-01-07' },
  },
  effectiveDate: enrolledOn,
});
const paid = (period: string, paidOn = `${period}-10`, allocationId = 'a-ntt-2025'): WorkerEvent =>
  contributionPaid('w1', period, allocationId, paidOn);
const pay = (allocationId: string, period: string, paidOn: string, today = '2026-11-23'): PayContributions => ({
  type: 'PayContributions',
  batchId: `b-${allocationId}-${period}-${paidOn}`,
  allocationId,
  period,
  paidOn,
  workerIds: ['w1'],
  today,
});
const foldBatch = (events: BatchEvent[]) => events.reduce(contributionsDecider.evolve, contributionsDecider.initialState());

// NTT's programme, launched on 21 July 2025 from the 2025 provincial budget; 2026 from the next one.
const ntt2025 = allocation('a-ntt-2025', 2025, '2025-07-21');
const ntt2026 = allocation('a-ntt-2026', 2026, '2026-01-02');
// A worker enrolled at the launch, paid July (on the 25th) to November 2025 (on the 10th).
// The batch decider's state is one allocation's stream and its workers' streams: give one allocation.
const worker: BatchEvent[] = [
  enrolled('2025-07-21'),
  paid('2025-07', '2025-07-25'),
  paid('2025-08'),
  paid('2025-09'),
  paid('2025-10'),
  paid('2025-11'),
];
const member = (budget: FundingAllocated = ntt2025): BatchEvent[] => [budget, ...worker];

describe('issue 7 defects: budgets are cash-based (rule 13)', () => {
  it('December 2025 paid on 15 March 2026 from the 2025 budget is refused (422): the 2025 budget pays until 31 December 2025', () => {
    batches
      .given(member())
      .when(pay('a-ntt-2025', '2025-12', '2026-03-15'))
      .thenFails(RuleViolation, /paidOn 2026-03-15 is outside allocation a-ntt-2025's budget year: from 2025-07-21 to 2025-12-31/);
    // The allocation's own decider says the same for a bare disbursement.
    funding
      .given([ntt2025])
      .when({
        type: 'DisburseFunds',
        allocationId: 'a-ntt-2025',
        batchId: 'b',
        period: '2025-12',
        workerCount: 1,
        amount: 16_800,
        paidOn: '2026-03-15',
      })
      .thenFails(RuleViolation, /paidOn 2026-03-15 is outside allocation a-ntt-2025's budget year/);
  });

  it("December 2025 is paid in December from the 2025 budget, or in January from the 2026 budget as that year's spending", () => {
    batches
      .given(member())
      .when(pay('a-ntt-2025', '2025-12', '2025-12-10'))
      .then([
        {
          type: 'FundsDisbursed',
          data: expect.objectContaining({ allocationId: 'a-ntt-2025', fiscalYear: 2025, period: '2025-12', amount: 16_800 }),
        },
        { type: 'ContributionPaid', data: expect.objectContaining({ period: '2025-12', allocationId: 'a-ntt-2025' }) },
      ]);
    batches
      .given(member(ntt2026))
      .when(pay('a-ntt-2026', '2025-12', '2026-01-05'))
      .then([
        {
          type: 'FundsDisbursed',
          data: expect.objectContaining({ allocationId: 'a-ntt-2026', fiscalYear: 2026, period: '2025-12', paidOn: '2026-01-05' }),
        },
        { type: 'ContributionPaid', data: expect.objectContaining({ period: '2025-12', allocationId: 'a-ntt-2026' }) },
      ]);
    // November 2025 is not 2026's to pay.
    batches
      .given(member(ntt2026))
      .when(pay('a-ntt-2026', '2025-11', '2026-01-05'))
      .thenFails(RuleViolation, /period 2025-11 is outside the allocation's fiscal year 2026/);
  });

  it('a payment dated before the allocation existed is refused (422)', () => {
    const early: BatchEvent[] = [ntt2025, enrolled('2025-07-07')];
    batches
      .given(early)
      .when(pay('a-ntt-2025', '2025-07', '2025-07-15'))
      .thenFails(RuleViolation, /paidOn 2025-07-15 is outside allocation a-ntt-2025's budget year: from 2025-07-21 to 2025-12-31/);
    batches
      .given(early)
      .when(pay('a-ntt-2025', '2025-07', '2025-07-21'))
      .then([{ type: 'FundsDisbursed' }, { type: 'ContributionPaid', data: expect.objectContaining({ paidOn: '2025-07-21' }) }]);
  });

  it('a 2027 revision of a 2025 budget is refused (422); the APBD Perubahan inside 2025 is accepted', () => {
    const revise = (revisedOn: string, amount = 9_000_000_000): ReviseFunding => ({
      type: 'ReviseFunding',
      allocationId: 'a-ntt-2025',
      amount,
      reason: 'APBD Perubahan',
      legalBasis: 'Perda APBD-P',
      revisedOn,
    });
    const given: FundingEvent[] = [ntt2025];
    funding
      .given(given)
      .when(revise('2027-02-01'))
      .thenFails(RuleViolation, /revisedOn 2027-02-01 is outside allocation a-ntt-2025's budget year: from 2025-07-21 to 2025-12-31/);
    funding
      .given(given)
      .when(revise('2026-01-10'))
      .thenFails(RuleViolation, /revisedOn 2026-01-10 is outside/);
    funding
      .given(given)
      .when(revise('2025-07-01'))
      .thenFails(RuleViolation, /revisedOn 2025-07-01 is outside/);
    funding
      .given(given)
      .when(revise('2025-09-30'))
      .then([
        {
          type: 'FundingRevised',
          data: expect.objectContaining({
            previousAmount: 10_800_000_000,
            amount: 9_000_000_000,
            revisedOn: '2025-09-30',
            fiscalYear: 2025,
          }),
        },
      ]);
    funding
      .given(given)
      .when(revise('2025-12-31'))
      .then([{ type: 'FundingRevised' }]);
  });
});

describe('issue 7 defects: a lapsed membership is re-activated, never back-paid', () => {
  // Paid July only; August to October unpaid by 15 November: lapsed from 16 November (a LAPSED December).
  const lapsedWorker: BatchEvent[] = [enrolled('2025-07-21'), paid('2025-07', '2025-07-25')];
  const lapsed = (budget: FundingAllocated = ntt2025): BatchEvent[] => [budget, ...lapsedWorker];
  const arrears = ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12'];

  it('a worker paid July only, lapsed, with August to December paid one by one on 5 January: each payment is refused', () => {
    let workerEvents = [...lapsedWorker];
    for (const period of arrears) {
      // From the 2025 budget: the cash basis refuses a January payment outright.
      batches
        .given([ntt2025, ...workerEvents])
        .when(pay('a-ntt-2025', period, '2026-01-05'))
        .thenFails(RuleViolation, /paidOn 2026-01-05 is outside allocation a-ntt-2025's budget year/);
      // From the 2026 budget: August to November are not 2026's; December is, but the membership lapsed.
      const given = [ntt2026, ...workerEvents];
      if (period < '2025-12') {
        batches
          .given(given)
          .when(pay('a-ntt-2026', period, '2026-01-05'))
          .thenFails(RuleViolation, new RegExp(`period ${period} is outside the allocation's fiscal year 2026`));
      } else {
        const state = foldBatch(given);
        const d = decideContributionBatch(pay('a-ntt-2026', period, '2026-01-05'), state.allocation, state.workers);
        expect(d).toMatchObject({ workerCount: 0, amount: 0, contributions: [], allocationEvents: [] });
        expect(d.skipped).toEqual([
          {
            workerId: 'w1',
            reason: 'NOT_ACTIVE_IN_PERIOD',
            detail: expect.stringMatching(/the membership lapsed on 2025-11-16 .*must be re-activated, never back-paid/),
          },
        ]);
        workerEvents = [
          ...workerEvents,
          ...batches
            .given(given)
            .when(pay('a-ntt-2026', period, '2026-01-05'))
            .then([]),
        ];
      }
    }
  });

  it('the same arrears paid one by one inside the 2025 budget year (31 December) are refused too: the lapse, not the budget, refuses them', () => {
    const state = foldBatch(lapsed());
    for (const period of arrears) {
      const d = decideContributionBatch(pay('a-ntt-2025', period, '2025-12-31'), state.allocation, state.workers);
      expect(d.contributions).toEqual([]);
      expect(d.skipped).toEqual([
        { workerId: 'w1', reason: 'NOT_ACTIVE_IN_PERIOD', detail: expect.stringMatching(/lapsed on 2025-11-16/) },
      ]);
    }
  });

  it('before the lapse, arrears of at most 3 months are accepted (August paid on 14 November, late)', () => {
    batches
      .given(lapsed())
      .when(pay('a-ntt-2025', '2025-08', '2025-11-14'))
      .then([
        { type: 'FundsDisbursed' },
        { type: 'ContributionPaid', data: expect.objectContaining({ period: '2025-08', paidOn: '2025-11-14', dueOn: '2025-09-15' }) },
      ]);
  });

  it('after a re-activation the current month is paid, the lapsed months never are', () => {
    const reactivated: BatchEvent[] = [
      ...lapsed(ntt2026),
      { type: 'WorkerReactivated', data: { workerId: 'w1', regionCode: REGION, reactivatedOn: '2026-01-05' }, effectiveDate: '2026-01-05' },
    ];
    batches
      .given(reactivated)
      .when(pay('a-ntt-2026', '2026-01', '2026-01-05'))
      .then([{ type: 'FundsDisbursed' }, { type: 'ContributionPaid', data: expect.objectContaining({ period: '2026-01' }) }]);
    const state = foldBatch(reactivated);
    const d = decideContributionBatch(pay('a-ntt-2026', '2025-12', '2026-01-05'), state.allocation, state.workers);
    expect(d.skipped).toEqual([
      {
        workerId: 'w1',
        reason: 'NOT_ACTIVE_IN_PERIOD',
        detail: expect.stringMatching(/ended with a lapse; a lapsed membership is re-activated \(since 2026-01-05\), never back-paid/),
      },
    ]);
  });
});

describe('found by the property test (test/property/timeline.property.spec.ts)', () => {
  // A defect this test found, fixed since: `mayPay` (workers/membership.ts) limits arrears only against the paid
  // months BEFORE the period paid. Enrolled in October 2024, the worker pays October and November 2025
  // on time (a run cannot lapse before its first payment); May 2025 is then paid on 27 November 2025
  // and accepted (no earlier paid month, so no arrears limit). The timeline now sees May paid and June
  // to August unpaid past their due dates, and lapses the worker from 28 November: the accepted
  // payment lapses the worker by itself, November (paid on time) becomes a LAPSED month, and an
  // accident on 28 November is not covered. Either the payment must be refused (more than 3 months of
  // arrears before the next paid month) or it must not start a lapse.
  it('a payment the decider accepts never lapses the worker by itself: May paid late behind October and November', () => {
    const given: BatchEvent[] = [
      allocation('a-2025', 2025, '2025-01-01'),
      enrolled('2024-10-02', 'a-2024'),
      paid('2025-10', '2025-10-23', 'a-2025'),
      paid('2025-11', '2025-11-16', 'a-2025'),
    ];
    const before = foldBatch(given).workers.get('w1')!;
    expect([workerStatusIn(before, '2025-11'), workerStatusIn(before, '2025-12')]).toEqual(['ACTIVE', 'ACTIVE']);
    const events = contributionsDecider.decide(pay('a-2025', '2025-05', '2025-11-27'), foldBatch(given));
    const after = foldBatch([...given, ...events]).workers.get('w1')!;
    expect([workerStatusIn(after, '2025-11'), workerStatusIn(after, '2025-12')]).toEqual(['ACTIVE', 'ACTIVE']);
  });
});

describe('issue 7 defects: a contribution period with no tariff is a clear 422/400, never a 500', () => {
  it('a period before July 2015 is refused with NoTariffError (a RuleViolation: 422), not a RangeError', () => {
    const given: BatchEvent[] = [allocation('a-2015', 2015, '2015-01-02'), enrolled('2015-01-05', 'a-2015')];
    const run = () => contributionsDecider.decide(pay('a-2015', '2015-06', '2015-06-20', '2026-11-23'), foldBatch(given));
    expect(run).toThrow(NoTariffError);
    expect(run).toThrow(RuleViolation);
    expect(run).toThrow(/no contribution tariff is known for 2015-06: the first tariff \(PP 44\/2015\) applies from 2015-07/);
    // July 2015, the first month with a tariff, is paid.
    batches
      .given(given)
      .when(pay('a-2015', '2015-07', '2015-07-20'))
      .then([
        { type: 'FundsDisbursed' },
        { type: 'ContributionPaid', data: expect.objectContaining({ period: '2015-07', amount: 16_800 }) },
      ]);
  });

  it('period 0000-01 is a DomainError (422), not a RangeError', () => {
    const thrown = catchError(() => contributionsDecider.decide(pay('a-ntt-2025', '0000-01', '2025-08-10'), foldBatch(member())));
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).not.toBeInstanceOf(RangeError);
    expect(thrown).toBeInstanceOf(RuleViolation);
    expect(thrown?.message).toMatch(/0000-01/);
  });

  it('a malformed period (2025-13) is InvalidInput (400), not a RangeError', () => {
    const thrown = catchError(() => contributionsDecider.decide(pay('a-ntt-2025', '2025-13', '2025-08-10'), foldBatch(member())));
    expect(thrown).toBeInstanceOf(InvalidInput);
    expect((thrown as InvalidInput).errors).toEqual([{ field: 'period', message: 'must be a month YYYY-MM' }]);
  });
});

function catchError(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}
