import { MembershipFact, membershipTimeline, statusIn } from './membership';
import { lapseNextMonth, monthsDue, sponsorIn, SponsorshipSpan } from './worklists';

const enrolled = (on: string): MembershipFact => ({ kind: 'ENROLLED', on });
const exited = (on: string, reason = 'MOVED'): MembershipFact => ({ kind: 'EXITED', on, reason });
const paid = (period: string, paidOn = `${period}-10`, allocationId = 'alloc-2026'): MembershipFact => ({
  kind: 'PAID',
  period,
  paidOn,
  allocationId,
});
const reactivated = (on: string): MembershipFact => ({ kind: 'REACTIVATED', on });
const refunded = (period: string): MembershipFact => ({ kind: 'REFUNDED', period });
const timeline = (...facts: MembershipFact[]) => membershipTimeline(facts);

describe('worklist: memberships that lapse next month', () => {
  const julyAndAugustPaid = timeline(enrolled('2026-07-01'), paid('2026-07'), paid('2026-08'));

  it('given August the last paid month, when today is in November, then it lapses in December (16 December), September to November unpaid', () => {
    expect(lapseNextMonth(julyAndAugustPaid, '2026-11-23')).toEqual({
      lapsePeriod: '2026-12',
      lapsesOn: '2026-12-16',
      payBy: '2026-12-15',
      lastPaidPeriod: '2026-08',
      reactivatedOn: null,
      unpaidPeriods: ['2026-09', '2026-10', '2026-11'],
    });
  });

  it('given the same worker, then the answer is what the timeline says: ACTIVE in November, LAPSED in December', () => {
    expect(statusIn(julyAndAugustPaid, '2026-11')).toBe('ACTIVE');
    expect(statusIn(julyAndAugustPaid, '2026-12')).toBe('LAPSED');
  });

  it('given August the last paid month, when today is in October, then it does not lapse next month (only 2 months unpaid by then)', () => {
    expect(lapseNextMonth(julyAndAugustPaid, '2026-10-31')).toBeUndefined();
  });

  it('given August the last paid month, when today is in December, then it has lapsed already: not on the list', () => {
    expect(lapseNextMonth(julyAndAugustPaid, '2026-12-01')).toBeUndefined();
  });

  it('given September paid as well, when today is in November, then nothing lapses next month', () => {
    expect(
      lapseNextMonth(timeline(enrolled('2026-07-01'), paid('2026-07'), paid('2026-08'), paid('2026-09')), '2026-11-23'),
    ).toBeUndefined();
  });

  it('given July paid late but before the lapse (10 October), when today is in October, then it lapses in November after July', () => {
    const t = timeline(enrolled('2026-06-01'), paid('2026-06'), paid('2026-07', '2026-10-10'));
    expect(lapseNextMonth(t, '2026-10-25')).toMatchObject({ lapsePeriod: '2026-11', lastPaidPeriod: '2026-07' });
    expect(lapseNextMonth(t, '2026-11-02')).toBeUndefined();
  });

  it('given a worker who never paid, then the membership cannot lapse (rule 9 counts from a paid month): not on the list', () => {
    expect(lapseNextMonth(timeline(enrolled('2026-07-01')), '2026-11-23')).toBeUndefined();
  });

  it('given the worker exited in November, then nothing lapses', () => {
    expect(lapseNextMonth(timeline(enrolled('2026-07-01'), paid('2026-08'), exited('2026-11-05')), '2026-11-23')).toBeUndefined();
  });

  it('given a refund of the last paid month, then the month before counts: already lapsed, not on the list', () => {
    expect(
      lapseNextMonth(timeline(enrolled('2026-07-01'), paid('2026-07'), paid('2026-08'), refunded('2026-08')), '2026-11-23'),
    ).toBeUndefined();
  });

  it('given a re-activation with nothing paid since, then the re-activation counts as the paid month before the run', () => {
    const t = timeline(enrolled('2025-07-07'), paid('2025-07'), reactivated('2025-12-01'));
    expect(lapseNextMonth(t, '2026-02-10')).toEqual({
      lapsePeriod: '2026-03',
      lapsesOn: '2026-03-16',
      payBy: '2026-03-15',
      lastPaidPeriod: null,
      reactivatedOn: '2025-12-01',
      unpaidPeriods: ['2025-12', '2026-01', '2026-02'],
    });
  });

  it('given a PP 49/2020 relief month, when October 2020 is due on 30 November, then the lapse is on 1 December: listed in November', () => {
    const t = timeline(enrolled('2020-06-01'), paid('2020-06'), paid('2020-07'));
    expect(lapseNextMonth(t, '2020-11-10')).toMatchObject({
      lapsePeriod: '2020-12',
      lapsesOn: '2020-12-01',
      payBy: '2020-11-30',
      lastPaidPeriod: '2020-07',
      unpaidPeriods: ['2020-08', '2020-09', '2020-10', '2020-11'],
    });
  });

  it('given a re-enrolment after an exit, then only the new membership counts', () => {
    const t = timeline(enrolled('2025-01-02'), paid('2025-01'), exited('2025-03-01'), enrolled('2026-08-01'), paid('2026-08'));
    expect(lapseNextMonth(t, '2026-11-23')).toMatchObject({ lapsePeriod: '2026-12', lastPaidPeriod: '2026-08' });
  });
});

describe('worklist: sponsors by month', () => {
  const spans: SponsorshipSpan[] = [
    { allocationId: 'a-2025', fromPeriod: '2025-07' },
    { allocationId: 'a-2026', fromPeriod: '2026-01' },
  ];

  it('given an enrolment and a transfer from January, then each month has its sponsor', () => {
    expect(sponsorIn(spans, '2025-06')).toBeUndefined();
    expect(sponsorIn(spans, '2025-12')).toBe('a-2025');
    expect(sponsorIn(spans, '2026-01')).toBe('a-2026');
  });

  it('given a later transfer effective earlier (December), then it wins from December', () => {
    expect(sponsorIn([...spans, { allocationId: 'a-dec', fromPeriod: '2025-12' }], '2025-12')).toBe('a-dec');
    expect(sponsorIn([...spans, { allocationId: 'a-dec', fromPeriod: '2025-12' }], '2026-02')).toBe('a-2026');
  });
});

describe('worklist: months due and unpaid', () => {
  const spans: SponsorshipSpan[] = [{ allocationId: 'alloc-2026', fromPeriod: '2026-07' }];
  const range = (today: string) => ({ from: '2026-01', to: today.slice(0, 7), today });

  it('given enrolment in July and July, August paid, when today is 23 November, then September to November are due, unpaid and payable at Rp16,800', () => {
    const months = monthsDue(timeline(enrolled('2026-07-01'), paid('2026-07'), paid('2026-08')), spans, range('2026-11-23'));
    expect(months.map((m) => [m.period, m.paid, m.payable, m.amount])).toEqual([
      ['2026-07', true, false, 16_800],
      ['2026-08', true, false, 16_800],
      ['2026-09', false, true, 16_800],
      ['2026-10', false, true, 16_800],
      ['2026-11', false, true, 16_800],
    ]);
    expect(months[2]).toMatchObject({ dueDate: '2026-10-15', allocationId: 'alloc-2026' });
  });

  it('given July paid only, when today is 23 November (lapsed on 16 November), then August to October are unpaid and no longer payable, November not due', () => {
    const months = monthsDue(timeline(enrolled('2026-07-01'), paid('2026-07')), spans, range('2026-11-23'));
    expect(months.map((m) => [m.period, m.paid, m.payable])).toEqual([
      ['2026-07', true, false],
      ['2026-08', false, false],
      ['2026-09', false, false],
      ['2026-10', false, false],
    ]);
  });

  it('given an exit on 5 October, then the months after October are not due', () => {
    const months = monthsDue(timeline(enrolled('2026-07-01'), paid('2026-07'), exited('2026-10-05')), spans, range('2026-11-23'));
    expect(months.map((m) => m.period)).toEqual(['2026-07', '2026-08', '2026-09', '2026-10']);
  });

  it('given a transfer to another allocation from October, then October and November are due to it', () => {
    const months = monthsDue(
      timeline(enrolled('2026-07-01'), paid('2026-07'), paid('2026-08'), paid('2026-09')),
      [...spans, { allocationId: 'alloc-other', fromPeriod: '2026-10' }],
      range('2026-11-23'),
    );
    expect(months.filter((m) => !m.paid).map((m) => [m.period, m.allocationId])).toEqual([
      ['2026-10', 'alloc-other'],
      ['2026-11', 'alloc-other'],
    ]);
  });

  it('given a worker who never paid, then every month from the enrolment month is due and payable (no lapse before a first payment)', () => {
    const months = monthsDue(timeline(enrolled('2026-09-14')), spans, range('2026-11-23'));
    expect(months.map((m) => [m.period, m.payable])).toEqual([
      ['2026-09', true],
      ['2026-10', true],
      ['2026-11', true],
    ]);
  });

  it('given a PP 49/2020 month for a worker registered after July 2020, then the first two paid months are at the full rate', () => {
    const months = monthsDue(timeline(enrolled('2020-09-01'), paid('2020-09')), [{ allocationId: 'a', fromPeriod: '2020-09' }], {
      from: '2020-01',
      to: '2020-11',
      today: '2020-11-20',
    });
    expect(months.map((m) => [m.period, m.paid, m.amount])).toEqual([
      ['2020-09', true, 16_800],
      ['2020-10', false, 16_800],
      ['2020-11', false, 16_800],
    ]);
  });
});
