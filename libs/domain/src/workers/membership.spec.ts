import {
  coverageOn,
  isCoveredOn,
  mayPay,
  mayReactivate,
  MembershipFact,
  membershipTimeline,
  paidMonthsBefore,
  refundsOnExit,
  statusIn,
  statusOn,
} from './membership';

const enrolled = (on: string): MembershipFact => ({ kind: 'ENROLLED', on });
const exited = (on: string, reason = 'DECEASED'): MembershipFact => ({ kind: 'EXITED', on, reason });
const paid = (period: string, paidOn: string, allocationId = 'alloc-1'): MembershipFact => ({ kind: 'PAID', period, paidOn, allocationId });
const reactivated = (on: string): MembershipFact => ({ kind: 'REACTIVATED', on });
const refunded = (period: string): MembershipFact => ({ kind: 'REFUNDED', period });

/** Pays every month from `from` to `to` on the 10th of the month (on time). */
function paidMonthly(from: string, to: string, allocationId = 'alloc-1'): MembershipFact[] {
  const out: MembershipFact[] = [];
  for (let p = from; p <= to;) {
    out.push(paid(p, `${p}-10`, allocationId));
    const [y, m] = p.split('-').map(Number);
    p = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  return out;
}

describe('membership timeline', () => {
  describe('coverage starts on enrolledOn (defect: a death on 5 July settles for a worker enrolled on 21 July)', () => {
    const timeline = membershipTimeline([enrolled('2025-07-21'), paid('2025-07', '2025-07-21')]);

    it('given July paid, when the incident is on 5 July, before the enrolment, then it is not covered', () => {
      expect(isCoveredOn(timeline, '2025-07-05')).toBe(false);
      expect(coverageOn(timeline, '2025-07-05')).toMatchObject({ covered: false, reason: 'BEFORE_ENROLMENT' });
    });

    it('given July paid, when the incident is on or after 21 July, then it is covered', () => {
      expect(isCoveredOn(timeline, '2025-07-21')).toBe(true);
      expect(isCoveredOn(timeline, '2025-07-31')).toBe(true);
    });

    it('given the worker, then June is NEW and July ACTIVE', () => {
      expect(statusIn(timeline, '2025-06')).toBe('NEW');
      expect(statusIn(timeline, '2025-07')).toBe('ACTIVE');
    });
  });

  describe('lapse cannot be undone by paying arrears late (defect: July paid only, accident on 10 December, August to December paid on 5 January)', () => {
    const julyOnly = [enrolled('2025-07-07'), paid('2025-07', '2025-07-10')];

    it('given July paid only, then the membership is active to October and lapsed from 16 November (October due on 15 November)', () => {
      const t = membershipTimeline(julyOnly);
      expect(['2025-08', '2025-09', '2025-10'].map((p) => statusIn(t, p))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
      expect(statusIn(t, '2025-11')).toBe('LAPSED');
      expect(statusIn(t, '2025-12')).toBe('LAPSED');
      expect(statusOn(t, '2025-11-15')).toBe('ACTIVE');
      expect(statusOn(t, '2025-11-16')).toBe('LAPSED');
      expect(t.memberships[0].runs[0].lapsedOn).toBe('2025-11-16');
    });

    it('when August to December are paid one by one on 5 January, then every payment is refused: re-activate, never back-pay', () => {
      const facts = [...julyOnly];
      for (const period of ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12']) {
        const decision = mayPay(membershipTimeline(facts), period, '2026-01-05');
        expect(decision).toMatchObject({ allowed: false, reason: 'LAPSED' });
        facts.push(paid(period, '2026-01-05'));
      }
    });

    it('given those payments were recorded anyway, then December stays LAPSED and the accident of 10 December is not covered', () => {
      const t = membershipTimeline([
        ...julyOnly,
        ...['2025-08', '2025-09', '2025-10', '2025-11', '2025-12'].map((p) => paid(p, '2026-01-05')),
      ]);
      expect(statusIn(t, '2025-12')).toBe('LAPSED');
      expect(coverageOn(t, '2025-12-10')).toMatchObject({ covered: false, reason: 'LAPSED' });
      expect(paidMonthsBefore(t, '2026-01-31')).toBe(1);
    });

    it('given August to October paid before October is due, then the lapse never happened', () => {
      const t = membershipTimeline([
        ...julyOnly,
        paid('2025-08', '2025-11-14'),
        paid('2025-09', '2025-11-14'),
        paid('2025-10', '2025-11-15'),
      ]);
      expect(statusIn(t, '2025-11')).toBe('ACTIVE');
      expect(statusIn(t, '2026-01')).toBe('ACTIVE');
      // The next lapse is counted from October: November to January unpaid by 15 February.
      expect(statusIn(t, '2026-02')).toBe('LAPSED');
    });

    it('given July paid, when August is paid on 14 November (before the lapse), then it is allowed as a late payment', () => {
      const decision = mayPay(membershipTimeline(julyOnly), '2025-08', '2025-11-14');
      expect(decision).toEqual({ allowed: true, late: true, dueDate: '2025-09-15', findings: ['LATE_PAYMENT'] });
    });

    it('given July paid, when November is paid before August to October, then it is refused: arrears first', () => {
      expect(mayPay(membershipTimeline(julyOnly), '2025-11', '2025-11-01')).toMatchObject({ allowed: false, reason: 'ARREARS_LIMIT' });
      expect(mayPay(membershipTimeline(julyOnly), '2025-10', '2025-11-01')).toMatchObject({ allowed: true, late: false });
    });
  });

  describe('re-enrolment starts a new membership (defect: a worker re-enrolled after an exit is LAPSED at once and the first payment is refused)', () => {
    const facts = [enrolled('2024-01-05'), ...paidMonthly('2024-01', '2024-03'), exited('2024-03-20', 'MOVED'), enrolled('2025-07-07')];
    const t = membershipTimeline(facts);

    it('given an exit in March 2024 and a re-enrolment in July 2025, then July 2025 is ACTIVE, not LAPSED, and the months between are EXITED', () => {
      expect(statusIn(t, '2024-03')).toBe('ACTIVE');
      expect(statusIn(t, '2024-04')).toBe('EXITED');
      expect(statusIn(t, '2025-06')).toBe('EXITED');
      expect(statusIn(t, '2025-07')).toBe('ACTIVE');
      expect(statusIn(t, '2025-12')).toBe('ACTIVE');
    });

    it('when the first payment of the new membership is made, then it is allowed', () => {
      expect(mayPay(t, '2025-07', '2025-07-10')).toMatchObject({ allowed: true, late: false });
    });

    it('then nothing of the old membership counts: no paid months, no coverage, no refusal as already paid', () => {
      expect(paidMonthsBefore(t, '2025-07-31')).toBe(0);
      expect(isCoveredOn(t, '2025-07-08')).toBe(false);
      expect(isCoveredOn(t, '2024-02-15')).toBe(true);
      expect(isCoveredOn(t, '2024-03-21')).toBe(false);
      expect(mayPay(t, '2024-03', '2025-07-10')).toMatchObject({ allowed: false, reason: 'BEFORE_ENROLMENT' });
    });
  });

  describe('re-activation starts a new run and lapse applies again (defect: after a re-activation the decider never lapses the worker again)', () => {
    const lapsed = [enrolled('2025-01-06'), paid('2025-01', '2025-01-10')];

    it('given a lapse on 16 May, then re-activation is allowed from that day and not before', () => {
      const t = membershipTimeline(lapsed);
      expect(mayReactivate(t, '2025-05-15')).toBe(false);
      expect(mayReactivate(t, '2025-05-16')).toBe(true);
    });

    it('given a re-activation on 10 June and June paid, when July to September go unpaid, then the worker lapses again from 16 October', () => {
      const t = membershipTimeline([...lapsed, reactivated('2025-06-10'), paid('2025-06', '2025-06-10')]);
      expect(statusIn(t, '2025-05')).toBe('LAPSED');
      expect(statusIn(t, '2025-06')).toBe('ACTIVE');
      expect(statusIn(t, '2025-09')).toBe('ACTIVE');
      expect(statusIn(t, '2025-10')).toBe('LAPSED');
      expect(mayPay(t, '2025-07', '2025-10-16')).toMatchObject({ allowed: false, reason: 'LAPSED' });
      expect(mayPay(t, '2025-07', '2025-10-15')).toMatchObject({ allowed: true, late: true });
    });

    it('given a re-activation and no payment at all, then it lapses again three months later (the re-activation counts as the paid month: ours)', () => {
      const t = membershipTimeline([...lapsed, reactivated('2025-06-10')]);
      expect(statusIn(t, '2025-08')).toBe('ACTIVE');
      expect(statusIn(t, '2025-09')).toBe('LAPSED');
    });

    it('given a re-activation, then months of the lapsed run are never back-paid and the incident before the re-activation is not covered', () => {
      const t = membershipTimeline([...lapsed, reactivated('2025-06-10'), paid('2025-06', '2025-06-10')]);
      expect(mayPay(t, '2025-04', '2025-06-11')).toMatchObject({ allowed: false, reason: 'LAPSED' });
      expect(isCoveredOn(t, '2025-06-05')).toBe(false);
      expect(isCoveredOn(t, '2025-06-10')).toBe(true);
    });

    it('given a re-activation, then paid months of the earlier run of the same membership still count for scholarships', () => {
      const t = membershipTimeline([...lapsed, reactivated('2025-06-10'), paid('2025-06', '2025-06-10')]);
      expect(paidMonthsBefore(t, '2025-06-30')).toBe(2);
    });
  });

  describe('exits and refunds (defect: a death recorded late with its real date leaves the premiums paid after it in place)', () => {
    const facts = [
      enrolled('2025-01-06'),
      ...paidMonthly('2025-01', '2025-03', 'alloc-prov'),
      ...paidMonthly('2025-04', '2025-06', 'alloc-kab'),
    ];

    it('given January to June paid, when a death on 10 March is recorded in July, then April to June are refunded to the allocations that paid them', () => {
      const t = membershipTimeline([...facts, exited('2025-03-10')]);
      expect(refundsOnExit(t, '2025-03-10')).toEqual([
        { period: '2025-04', allocationId: 'alloc-kab', paidOn: '2025-04-10' },
        { period: '2025-05', allocationId: 'alloc-kab', paidOn: '2025-05-10' },
        { period: '2025-06', allocationId: 'alloc-kab', paidOn: '2025-06-10' },
      ]);
      expect(statusIn(t, '2025-03')).toBe('ACTIVE');
      expect(statusIn(t, '2025-04')).toBe('EXITED');
    });

    it('given the refunds are recorded, then nothing is left to refund and the refunded months no longer count', () => {
      const t = membershipTimeline([...facts, exited('2025-03-10'), refunded('2025-04'), refunded('2025-05'), refunded('2025-06')]);
      expect(refundsOnExit(t, '2025-03-10')).toEqual([]);
      expect(paidMonthsBefore(t, '2025-12-31')).toBe(3);
    });

    it('given the exit is not recorded yet, then the refunds for a given exit date can be computed before recording it', () => {
      expect(refundsOnExit(membershipTimeline(facts), '2025-05-31').map((r) => r.period)).toEqual(['2025-06']);
    });

    it('given an exit, then months after the exit month are refused, the exit month itself may still be paid', () => {
      const t = membershipTimeline([enrolled('2025-01-06'), ...paidMonthly('2025-01', '2025-02'), exited('2025-03-10')]);
      expect(mayPay(t, '2025-04', '2025-03-11')).toMatchObject({ allowed: false, reason: 'AFTER_EXIT' });
      expect(mayPay(t, '2025-03', '2025-03-11')).toMatchObject({ allowed: true });
      expect(isCoveredOn(t, '2025-03-11')).toBe(false);
    });
  });

  describe('paid months before an incident (defect: the 36 months count months paid after the death and from an earlier membership)', () => {
    it('given 12 months of an earlier membership and 36 paid in the current one, two of them after the death, then 34 count', () => {
      const t = membershipTimeline([
        enrolled('2020-01-06'),
        ...paidMonthly('2020-01', '2020-12'),
        exited('2020-12-31', 'FORMAL_EMPLOYMENT'),
        enrolled('2022-01-03'),
        ...paidMonthly('2022-01', '2024-12'),
      ]);
      expect(paidMonthsBefore(t, '2024-10-31')).toBe(34);
      // The incident month counts only when paid on or before the incident.
      expect(paidMonthsBefore(t, '2024-10-09')).toBe(33);
      expect(paidMonthsBefore(t, '2024-10-10')).toBe(34);
      expect(paidMonthsBefore(t, '2025-01-31')).toBe(36);
      expect(paidMonthsBefore(t, '2020-12-31')).toBe(12);
    });
  });

  describe('payments and coverage around the incident day', () => {
    it('given a new member who pays the incident month the day after the incident, then it does not count', () => {
      const t = membershipTimeline([enrolled('2025-12-01'), paid('2025-12', '2025-12-11')]);
      expect(coverageOn(t, '2025-12-10')).toMatchObject({ covered: false, reason: 'PAID_AFTER_INCIDENT' });
    });

    it('given a payment on the incident day itself, then it counts as before the incident (ours)', () => {
      const t = membershipTimeline([enrolled('2025-12-01'), paid('2025-12', '2025-12-10')]);
      expect(isCoveredOn(t, '2025-12-10')).toBe(true);
    });

    it('given a member who paid November, then December paid after the incident but by its due date (15 January) is covered; after it, not', () => {
      const base = [enrolled('2025-10-01'), ...paidMonthly('2025-10', '2025-11')];
      expect(isCoveredOn(membershipTimeline([...base, paid('2025-12', '2026-01-15')]), '2025-12-10')).toBe(true);
      expect(coverageOn(membershipTimeline([...base, paid('2025-12', '2026-01-16')]), '2025-12-10')).toMatchObject({
        covered: false,
        reason: 'PAID_AFTER_INCIDENT',
      });
    });

    it('given an unpaid incident month, then it is not covered', () => {
      const t = membershipTimeline([enrolled('2025-10-01'), ...paidMonthly('2025-10', '2025-11')]);
      expect(coverageOn(t, '2025-12-10')).toMatchObject({ covered: false, reason: 'UNPAID' });
    });
  });

  describe('payment rules', () => {
    const t = membershipTimeline([enrolled('2025-07-21'), paid('2025-07', '2025-07-21')]);

    it('refuses a month before the enrolment month, a payment dated before the enrolment, a month paid twice, a worker never enrolled', () => {
      expect(mayPay(t, '2025-06', '2025-07-22')).toMatchObject({ allowed: false, reason: 'BEFORE_ENROLMENT' });
      expect(mayPay(t, '2025-08', '2025-07-20')).toMatchObject({ allowed: false, reason: 'BEFORE_ENROLMENT' });
      expect(mayPay(t, '2025-07', '2025-07-22')).toMatchObject({ allowed: false, reason: 'ALREADY_PAID' });
      expect(mayPay(membershipTimeline([]), '2025-07', '2025-07-22')).toMatchObject({ allowed: false, reason: 'NOT_ENROLLED' });
    });

    it('flags a payment after the due date as LATE_PAYMENT and one on the due date as on time', () => {
      expect(mayPay(t, '2025-08', '2025-09-15')).toEqual({ allowed: true, late: false, dueDate: '2025-09-15', findings: [] });
      expect(mayPay(t, '2025-08', '2025-09-16')).toMatchObject({ allowed: true, late: true, findings: ['LATE_PAYMENT'] });
    });

    it('uses the PP 49/2020 due dates in the relief months', () => {
      const relief = membershipTimeline([enrolled('2020-07-01'), paid('2020-07', '2020-07-10')]);
      expect(mayPay(relief, '2020-08', '2020-09-30')).toMatchObject({ allowed: true, late: false });
      // July paid, August to October unpaid by 30 November: lapsed from 1 December, not 16 November.
      expect(statusIn(relief, '2020-11')).toBe('ACTIVE');
      expect(statusIn(relief, '2020-12')).toBe('LAPSED');
    });

    it('lets a worker enrolled without payments pay any month from the enrolment month (no lapse before a first payment)', () => {
      const unpaid = membershipTimeline([enrolled('2025-01-06')]);
      expect(statusIn(unpaid, '2025-12')).toBe('ACTIVE');
      expect(mayPay(unpaid, '2025-12', '2025-12-01')).toMatchObject({ allowed: true, late: false });
    });

    it('agrees with statusIn: every month it lets through is ACTIVE in the timeline after paying it', () => {
      let facts: MembershipFact[] = [enrolled('2025-01-06')];
      const attempts: Array<[string, string]> = [
        ['2025-01', '2025-01-10'],
        ['2025-03', '2025-03-10'],
        ['2025-02', '2025-04-01'],
        ['2025-07', '2025-07-10'],
        ['2025-04', '2025-07-11'],
        ['2025-09', '2025-09-10'],
      ];
      for (const [period, paidOn] of attempts) {
        const decision = mayPay(membershipTimeline(facts), period, paidOn);
        if (decision.allowed) {
          facts = [...facts, paid(period, paidOn)];
          expect(statusIn(membershipTimeline(facts), period)).toBe('ACTIVE');
        }
      }
      expect(facts.filter((f) => f.kind === 'PAID').map((f) => (f as { period: string }).period)).toEqual([
        '2025-01',
        '2025-03',
        '2025-02',
        '2025-04',
      ]);
    });
  });
});
