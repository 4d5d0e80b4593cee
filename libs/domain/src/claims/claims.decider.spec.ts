import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { newWorker, WorkerState } from '../workers/workers.state';
import { enrolledWorker, paidFor } from '../../../../test/support/workers';
import { addMonths } from '../shared/calendar';
import { ClaimState, decideClaim, evolveClaim, noClaim } from './claims.decider';
import { SettleClaim } from './claims.commands';
import { ClaimEvent } from './claims.events';

function workerPaidFor(periods: string[]): WorkerState {
  return paidFor(enrolledWorker({ enrolledOn: '2021-01-04', allocationId: 'a' }), periods, (p) => `${p}-01`);
}
const given = (events: ClaimEvent[]): ClaimState => events.reduce(evolveClaim, noClaim);
const submitted = (type: 'JKK' | 'JKM', incidentDate = '2025-11-03'): ClaimEvent => ({
  type: 'ClaimSubmitted',
  data: {
    claimId: 'c1',
    workerId: 'w1',
    type,
    regionCode: '53.03.01.2005',
    incidentDate,
    submittedOn: '2025-11-05',
    personal: { description: 'x' },
  },
  effectiveDate: incidentDate,
});
const jkm = [
  { kind: 'JKM_LUMP_SUM' as const, amount: 20_000_000 },
  { kind: 'JKM_PERIODIC' as const, amount: 12_000_000 },
  { kind: 'JKM_FUNERAL' as const, amount: 10_000_000 },
];
const settle = (benefits: SettleClaim['benefits']): SettleClaim => ({
  type: 'SettleClaim',
  claimId: 'c1',
  settledOn: '2025-12-01',
  benefits,
  paymentReference: 'BPJS-TK/2025/12/001',
  today: '2026-11-23',
});

describe('claims (rule 6)', () => {
  const covered = workerPaidFor(['2025-10', '2025-11']);

  it('given a covered worker, when a JKM claim is settled at the table amounts, then Rp42,000,000 is paid', () => {
    const [event] = decideClaim(settle(jkm), given([submitted('JKM')]), covered);
    expect(event).toMatchObject({ type: 'ClaimSettled', data: { amount: 42_000_000, regionCode: '53.03.01.2005' } });
  });

  it('refuses a settlement when the worker was not covered in the incident month', () => {
    expect(() => decideClaim(settle(jkm), given([submitted('JKM', '2025-09-20')]), covered)).toThrow(
      /not covered on 2025-09-20: no contribution counts for 2025-09/,
    );
  });

  it('settles JKM only at the table in force on the incident date', () => {
    expect(() =>
      decideClaim(settle([...jkm.slice(0, 2), { kind: 'JKM_FUNERAL', amount: 3_000_000 }]), given([submitted('JKM')]), covered),
    ).toThrow(/line 2 \(JKM_FUNERAL\): JKM_FUNERAL is Rp10,000,000/);
    const old = paidFor(
      enrolledWorker({ enrolledOn: '2019-01-02', allocationId: 'a' }),
      ['2019-01', '2019-02', '2019-03'],
      (p) => `${p}-01`,
    );
    const [event] = decideClaim(
      settle([
        { kind: 'JKM_LUMP_SUM', amount: 16_200_000 },
        { kind: 'JKM_PERIODIC', amount: 4_800_000 },
        { kind: 'JKM_FUNERAL', amount: 3_000_000 },
      ]),
      given([submitted('JKM', '2019-03-14')]),
      old,
    );
    expect(event.data).toMatchObject({ amount: 24_000_000 });
  });

  it('pays JKM scholarships for at most 2 children, only after 36 paid months', () => {
    const longMember = workerPaidFor(Array.from({ length: 36 }, (_, i) => addMonths('2022-12', i)));
    const withScholarships = settle([...jkm, { kind: 'SCHOLARSHIP', amount: 1_500_000 }, { kind: 'SCHOLARSHIP', amount: 12_000_000 }]);
    expect(decideClaim(withScholarships, given([submitted('JKM')]), longMember)[0].data).toMatchObject({ amount: 55_500_000 });
    expect(() => decideClaim(withScholarships, given([submitted('JKM')]), covered)).toThrow(
      /needs 36 months paid before the incident in the current membership; the worker has 2/,
    );
    const three = settle([...jkm, ...Array(3).fill({ kind: 'SCHOLARSHIP', amount: 1_500_000 })]);
    expect(() => decideClaim(three, given([submitted('JKM')]), longMember)).toThrow(/at most 2 children/);
  });

  it('settles JKK medical care without a cap; JKK death at 48 × declared income', () => {
    expect(decideClaim(settle([{ kind: 'JKK_MEDICAL', amount: 87_500_000 }]), given([submitted('JKK')]), covered)[0].data).toMatchObject({
      amount: 87_500_000,
    });
    expect(() => decideClaim(settle([{ kind: 'JKK_DEATH', amount: 42_000_000 }]), given([submitted('JKK')]), covered)).toThrow(
      /Rp48,000,000/,
    );
    expect(() => decideClaim(settle(jkm), given([submitted('JKK')]), covered)).toThrow(/cannot be paid on a JKK claim/);
  });

  it('settles or rejects a claim once', () => {
    const settledEvent = decideClaim(settle(jkm), given([submitted('JKM')]), covered)[0] as ClaimEvent;
    expect(() => decideClaim(settle(jkm), given([submitted('JKM'), settledEvent]), covered)).toThrow(Conflict);
    expect(() =>
      decideClaim(
        { type: 'RejectClaim', claimId: 'c1', reason: 'r', rejectedOn: '2025-12-02', today: '2026-11-23' },
        given([submitted('JKM'), settledEvent]),
        covered,
      ),
    ).toThrow(/already settled/);
    expect(() => decideClaim(settle(jkm), given([]), covered)).toThrow(NotFound);
  });

  it('refuses a claim for an unknown worker or an incident in the future', () => {
    const submit = {
      type: 'SubmitClaim' as const,
      claimId: 'c2',
      workerId: 'w1',
      claimType: 'JKK' as const,
      incidentDate: '2025-12-24',
      description: 'jatuh',
      submittedOn: '2025-12-20',
      today: '2026-11-23',
    };
    expect(() => decideClaim(submit, noClaim, newWorker)).toThrow(NotFound);
    expect(() => decideClaim(submit, noClaim, covered)).toThrow(RuleViolation);
  });
});
