/**
 * Issue 7, "Why": the worker's side of each defect, as given events / when command / then events or
 * error on the real deciders. Each test asserts the specific outcome the old behaviour got wrong.
 */
import { specOf } from '../../../../test/support/decider-spec';
import { contributionPaid } from '../../../../test/support/workers';
import { contributionsDecider, decideContributionBatch } from '../contributions/contributions.decider';
import { PayContributions } from '../contributions/contributions.commands';
import { FundingAllocated, FundingEvent } from '../funding/funding.events';
import { DomainError, InvalidInput, RuleViolation, Conflict } from '../shared/errors';
import { addMonths } from '../shared/calendar';
import { EnrolWorker, ExitWorker, ReactivateWorker } from './workers.commands';
import { workerDecider } from './workers.decider';
import { WorkerEnrolled, WorkerEvent } from './workers.events';
import { evolveWorker, newWorker, workerStatusIn, WorkerState } from './workers.state';

const spec = specOf(workerDecider);
const batches = specOf(contributionsDecider);
type Given = WorkerEvent | FundingEvent;

const allocation = (
  allocationId: string,
  regionCode: string,
  fiscalYear: number,
  allocatedOn = `${fiscalYear}-01-02`,
): FundingAllocated => ({
  type: 'FundingAllocated',
  data: {
    allocationId,
    regionCode,
    fundingSource: regionCode.length === 2 ? 'APBD_PROVINSI' : 'APBD_KABUPATEN_KOTA',
    fiscalYear,
    amount: 1_000_000_000,
    programName: 'Perlindungan pekerja rentan',
    legalBasis: 'Perbup TTU',
    allocatedOn,
  },
  effectiveDate: allocatedOn,
});

const enrol = (over: Partial<EnrolWorker> = {}): EnrolWorker => ({
  type: 'EnrolWorker',
  workerId: 'w1',
  nik: '5303010701850001',
  fullName: 'Yohanes Taek',
  birthDate: '1985-01-07',
  sex: 'M',
  regionCode: '53.03.01.2005',
  occupation: 'PETANI',
  allocationId: 'a-ttu',
  enrolledOn: '2025-07-07',
  sponsorRegionCode: '53.03',
  today: '2026-11-23',
  ...over,
});

const enrolled = (enrolledOn: string, allocationId = 'a-ttu'): WorkerEnrolled => ({
  type: 'WorkerEnrolled',
  data: {
    workerId: 'w1',
    regionCode: '53.03.01.2005',
    sex: 'M',
    occupation: 'PETANI',
    allocationId,
    enrolledOn,
    personal: { nik: '5303010701850001', fullName: 'Yohanes Taek', birthDate: '1985-01-07' },
  },
  effectiveDate: enrolledOn,
});
const exited = (exitedOn: string, reason: 'MOVED' | 'DECEASED' = 'MOVED'): WorkerEvent => ({
  type: 'WorkerExited',
  data: { workerId: 'w1', regionCode: '53.03.01.2005', reason, exitedOn },
  effectiveDate: exitedOn,
});
const reactivated = (on: string): WorkerEvent => ({
  type: 'WorkerReactivated',
  data: { workerId: 'w1', regionCode: '53.03.01.2005', reactivatedOn: on },
  effectiveDate: on,
});
const paid = (period: string, paidOn = `${period}-10`, allocationId = 'a-ttu') => contributionPaid('w1', period, allocationId, paidOn);

const fold = (events: Given[]): WorkerState => events.reduce((s, e) => evolveWorker(s, e), newWorker);
const statuses = (state: WorkerState, from: string, to: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let p = from; p <= to; p = addMonths(p, 1)) out[p] = workerStatusIn(state, p);
  return out;
};
const pay = (period: string, paidOn: string, allocationId: string): PayContributions => ({
  type: 'PayContributions',
  batchId: `b-${allocationId}-${period}-${paidOn}`,
  allocationId,
  period,
  paidOn,
  workerIds: ['w1'],
  today: '2026-11-23',
});

describe('issue 7 defects: a worker re-enrolled after an exit', () => {
  // Enrolled July 2025, paid July to September, moved away at the end of September; NTT takes the
  // worker back in March 2026 (2025: 100,000 workers, 2026: 50,000, some taken back later).
  const history: Given[] = [
    allocation('a-ttu', '53.03', 2025),
    enrolled('2025-07-07'),
    paid('2025-07'),
    paid('2025-08'),
    paid('2025-09'),
    exited('2025-09-30'),
  ];

  it('re-enrolled after an exit: the enrolment is accepted and the worker is ACTIVE, not LAPSED at once', () => {
    spec
      .given(history)
      .when(enrol({ enrolledOn: '2026-03-02' }))
      .then([{ type: 'WorkerEnrolled', data: expect.objectContaining({ enrolledOn: '2026-03-02' }) }]);
    const state = fold([...history, enrolled('2026-03-02')]);
    expect(state.status).toBe('ACTIVE');
    // The old membership's last paid month (September 2025) carries no lapse into the new one: nothing
    // is due before the first payment of the new membership.
    expect(statuses(state, '2026-03', '2026-08')).toEqual({
      '2026-03': 'ACTIVE',
      '2026-04': 'ACTIVE',
      '2026-05': 'ACTIVE',
      '2026-06': 'ACTIVE',
      '2026-07': 'ACTIVE',
      '2026-08': 'ACTIVE',
    });
    // Between the exit and the re-enrolment the worker was EXITED; the old months stay as they were.
    expect(statuses(state, '2025-09', '2026-02')).toEqual({
      '2025-09': 'ACTIVE',
      '2025-10': 'EXITED',
      '2025-11': 'EXITED',
      '2025-12': 'EXITED',
      '2026-01': 'EXITED',
      '2026-02': 'EXITED',
    });
  });

  it("re-enrolled after an exit: the first payment of the new membership is accepted (the old membership's months do not carry over)", () => {
    const given: Given[] = [...history, allocation('a-ttu-2026', '53.03', 2026), enrolled('2026-03-02', 'a-ttu-2026')];
    batches
      .given(given)
      .when(pay('2026-03', '2026-03-10', 'a-ttu-2026'))
      .then([
        {
          type: 'FundsDisbursed',
          data: expect.objectContaining({ allocationId: 'a-ttu-2026', period: '2026-03', workerCount: 1, amount: 16_800 }),
        },
        {
          type: 'ContributionPaid',
          data: expect.objectContaining({ workerId: 'w1', period: '2026-03', amount: 16_800, allocationId: 'a-ttu-2026' }),
        },
      ]);
  });

  it('re-enrolled after an exit: a month paid in the old membership is not "already paid" in the new one, and the old months are not payable', () => {
    // Re-enrolled in the same month as the exit's next month: the old membership paid up to September.
    const given: Given[] = [...history, enrolled('2025-10-01')];
    const state = fold(given);
    expect(state.paid).toEqual({});
    // October is the new membership's first month: accepted even though the old one never paid it.
    batches
      .given(given)
      .when(pay('2025-10', '2025-10-10', 'a-ttu'))
      .then([{ type: 'FundsDisbursed' }, { type: 'ContributionPaid', data: expect.objectContaining({ period: '2025-10' }) }]);
    // August belongs to the old membership (before the new enrolment month): refused, not "already paid".
    const folded = given.reduce(contributionsDecider.evolve, contributionsDecider.initialState());
    const refused = decideContributionBatch({ ...pay('2025-08', '2025-10-10', 'a-ttu') }, folded.allocation, folded.workers);
    expect(refused.contributions).toEqual([]);
    expect(refused.skipped).toEqual([
      {
        workerId: 'w1',
        reason: 'NOT_ACTIVE_IN_PERIOD',
        detail: expect.stringMatching(/2025-08 is before the enrolment month \(enrolled on 2025-10-01\)/),
      },
    ]);
  });
});

describe('issue 7 defects: the lapse rule applies again after a re-activation', () => {
  // January paid; February to April unpaid by 15 May: lapsed from 16 May. Re-activated on 2 June.
  const lapsedThenReactivated: Given[] = [
    allocation('a-ttu', '53.03', 2025),
    enrolled('2025-01-06'),
    paid('2025-01'),
    reactivated('2025-06-02'),
  ];

  it('after a re-activation the decider lapses the worker again when 3 more months go unpaid', () => {
    const state = fold(lapsedThenReactivated);
    expect(statuses(state, '2025-01', '2025-10')).toEqual({
      '2025-01': 'ACTIVE',
      '2025-02': 'ACTIVE',
      '2025-03': 'ACTIVE',
      '2025-04': 'ACTIVE',
      '2025-05': 'LAPSED',
      '2025-06': 'ACTIVE',
      '2025-07': 'ACTIVE',
      '2025-08': 'ACTIVE',
      // June to August unpaid after the re-activation, August due on 15 September: lapsed again from 16 September.
      '2025-09': 'LAPSED',
      '2025-10': 'LAPSED',
    });
  });

  it('after a re-activation and a second lapse, the worker can be re-activated again (the decider knows the second lapse)', () => {
    const reactivate: ReactivateWorker = { type: 'ReactivateWorker', workerId: 'w1', effectiveDate: '2025-10-01', today: '2025-10-01' };
    spec
      .given(lapsedThenReactivated)
      .when(reactivate)
      .then([{ type: 'WorkerReactivated', data: { workerId: 'w1', regionCode: '53.03.01.2005', reactivatedOn: '2025-10-01' } }]);
    // Before the second lapse there is nothing to re-activate.
    spec
      .given(lapsedThenReactivated)
      .when({ ...reactivate, effectiveDate: '2025-09-15', today: '2025-09-15' })
      .thenFails(Conflict, /has not lapsed on 2025-09-15/);
  });

  it('after a re-activation and a second lapse, a payment is refused (re-activate, never back-pay)', () => {
    const folded = lapsedThenReactivated.reduce(contributionsDecider.evolve, contributionsDecider.initialState());
    const d = decideContributionBatch(pay('2025-09', '2025-09-20', 'a-ttu'), folded.allocation, folded.workers);
    expect(d.contributions).toEqual([]);
    expect(d.skipped).toEqual([{ workerId: 'w1', reason: 'NOT_ACTIVE_IN_PERIOD', detail: expect.stringMatching(/lapsed on 2025-09-16/) }]);
    batches
      .given(lapsedThenReactivated)
      .when(pay('2025-09', '2025-09-20', 'a-ttu'))
      .then([]);
  });

  it('after a re-activation, a payment moves the next lapse on (the run counts from its last paid month)', () => {
    const state = fold([...lapsedThenReactivated, paid('2025-06', '2025-06-10')]);
    expect(statuses(state, '2025-06', '2025-10')).toEqual({
      '2025-06': 'ACTIVE',
      '2025-07': 'ACTIVE',
      '2025-08': 'ACTIVE',
      '2025-09': 'ACTIVE',
      '2025-10': 'LAPSED',
    });
  });
});

describe('issue 7 defects: a death (or any exit) recorded late with its real date refunds the premiums paid after it', () => {
  // TTU paid July to September and November; the province paid October (a co-funded month).
  const given: Given[] = [
    allocation('a-ttu', '53.03', 2025),
    allocation('a-ntt', '53', 2025),
    enrolled('2025-07-07'),
    paid('2025-07'),
    paid('2025-08'),
    paid('2025-09'),
    paid('2025-10', '2025-10-10', 'a-ntt'),
    paid('2025-11'),
  ];
  const death: ExitWorker = { type: 'ExitWorker', workerId: 'w1', reason: 'DECEASED', effectiveDate: '2025-09-05', today: '2025-12-01' };

  it('a death recorded late with its real date: ContributionRefunded on the worker for each later month, FundsRefunded on each allocation that paid them', () => {
    const common = {
      workerId: 'w1',
      amount: 16_800,
      regionCode: '53.03.01.2005',
      exitedOn: '2025-09-05',
      refundedOn: '2025-12-01',
      reason: 'PAID_AFTER_EXIT',
    };
    spec
      .given(given)
      .when(death)
      .then([
        {
          type: 'WorkerExited',
          data: { workerId: 'w1', regionCode: '53.03.01.2005', reason: 'DECEASED', exitedOn: '2025-09-05' },
          effectiveDate: '2025-09-05',
        },
        {
          type: 'ContributionRefunded',
          data: expect.objectContaining({
            ...common,
            period: '2025-10',
            allocationId: 'a-ntt',
            fundingSource: 'APBD_PROVINSI',
            batchId: 'b-2025-10',
          }),
        },
        {
          type: 'ContributionRefunded',
          data: expect.objectContaining({
            ...common,
            period: '2025-11',
            allocationId: 'a-ttu',
            fundingSource: 'APBD_KABUPATEN_KOTA',
            batchId: 'b-2025-11',
          }),
        },
        {
          type: 'FundsRefunded',
          data: {
            allocationId: 'a-ntt',
            regionCode: '53',
            fundingSource: 'APBD_PROVINSI',
            fiscalYear: 2025,
            workerId: 'w1',
            periods: [{ period: '2025-10', amount: 16_800 }],
            amount: 16_800,
            refundedOn: '2025-12-01',
            reason: 'PAID_AFTER_EXIT',
          },
        },
        {
          type: 'FundsRefunded',
          data: {
            allocationId: 'a-ttu',
            regionCode: '53.03',
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            workerId: 'w1',
            periods: [{ period: '2025-11', amount: 16_800 }],
            amount: 16_800,
            refundedOn: '2025-12-01',
            reason: 'PAID_AFTER_EXIT',
          },
        },
      ]);
  });

  it('a death recorded late: after the refunds the months after the death are EXITED and no longer paid; the death month stays paid', () => {
    const events = workerDecider.decide(death, fold(given)) as Given[];
    const state = fold([...given, ...events]);
    expect(Object.keys(state.paid).sort()).toEqual(['2025-07', '2025-08', '2025-09']);
    expect(statuses(state, '2025-08', '2025-12')).toEqual({
      '2025-08': 'ACTIVE',
      '2025-09': 'ACTIVE',
      '2025-10': 'EXITED',
      '2025-11': 'EXITED',
      '2025-12': 'EXITED',
    });
  });

  it('an exit whose refund goes to an allocation not loaded with the worker is refused (never a refund to nobody)', () => {
    spec
      .given(given.filter((e) => !(e.type === 'FundingAllocated' && e.data.allocationId === 'a-ntt')))
      .when(death)
      .thenFails(Conflict, /allocation a-ntt paid worker w1 after the exit but was not loaded/);
  });
});

describe('issue 7 defects: who can be enrolled (rule 15)', () => {
  it('a 10-year-old cannot be enrolled as a farmer (422 naming the age)', () => {
    spec
      .given([])
      .when(enrol({ nik: '5303011203150001', birthDate: '2015-03-12' }))
      .thenFails(RuleViolation, /the worker is 10 on 2025-07-07; enrolment needs at least 15 years/);
  });

  it('the age limits 15 and 65 on enrolledOn hold both ways', () => {
    spec
      .given([])
      .when(enrol({ nik: '5303010707100001', birthDate: '2010-07-07' }))
      .then([{ type: 'WorkerEnrolled' }]);
    spec
      .given([])
      .when(enrol({ nik: '5303010807100001', birthDate: '2010-07-08' }))
      .thenFails(RuleViolation, /the worker is 14 on 2025-07-07/);
    spec
      .given([])
      .when(enrol({ nik: '5303010607600001', birthDate: '1960-07-06' }))
      .then([{ type: 'WorkerEnrolled' }]);
    spec
      .given([])
      .when(enrol({ nik: '5303010607590001', birthDate: '1959-07-06' }))
      .thenFails(RuleViolation, /the worker is 66 on 2025-07-07; enrolment allows at most 65 years/);
  });

  it('a worker cannot be enrolled with a future date (enrolledOn after today in the region)', () => {
    spec
      .given([])
      .when(enrol({ enrolledOn: '2026-11-24', today: '2026-11-23' }))
      .thenFails(RuleViolation, /enrolledOn 2026-11-24 is in the future \(today is 2026-11-23/);
    spec
      .given([])
      .when(enrol({ enrolledOn: '2026-11-23', today: '2026-11-23' }))
      .then([{ type: 'WorkerEnrolled', effectiveDate: '2026-11-23' }]);
  });

  it('a pre-2022 NIK issued in 91.01 Merauke (now 93.01, Papua Selatan) enrols', () => {
    spec
      .given([])
      .when(enrol({ nik: '9101010701850001', regionCode: '93.01.01.1002', sponsorRegionCode: '93.01' }))
      .then([
        {
          type: 'WorkerEnrolled',
          data: expect.objectContaining({ regionCode: '93.01.01.1002', personal: expect.objectContaining({ nik: '9101010701850001' }) }),
        },
      ]);
  });

  it('pre-2022 NIKs of the other new Papua provinces enrol too (91.04 Nabire, 91.02 Jayawijaya, 92.01 Sorong), living anywhere', () => {
    for (const nik of ['9104010701850001', '9102010701850001', '9201010701850001']) {
      spec
        .given([])
        .when(enrol({ nik }))
        .then([{ type: 'WorkerEnrolled' }]);
    }
  });

  it('a regency code that never existed is still refused (400), so the historical list is not a blanket pass', () => {
    spec
      .given([])
      .when(enrol({ nik: '9199010701850001' }))
      .thenFails(InvalidInput, /91\.99 is not in the Kemendagri list, now or before the 2022 Papua splits/);
    let thrown: unknown;
    try {
      workerDecider.decide(enrol({ nik: '9199010701850001' }), newWorker);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).kind).toBe('invalid');
  });
});
