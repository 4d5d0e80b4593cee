/**
 * The operators' worklists (issue 11 item 3), as pure functions of one worker's membership timeline
 * (membership.ts, the rule's one place) and facts passed in: "today" is the region's own day (rule 14),
 * read from a clock by the application and given here, never read here.
 *
 * - **Lapses next month**: a worker ACTIVE in the current month whose membership would be LAPSED in the
 *   next month if nothing more is paid: the months unpaid since the last paid month of the run reach 3
 *   with the current one (rule 9). The timeline's lapse already assumes "nothing more is paid".
 * - **Months due and unpaid**: for each month of a range, whether the worker owed a contribution to its
 *   sponsor then (a member, ACTIVE in that month, sponsored by that allocation), whether it is paid, and
 *   whether it can still be paid today (`mayPay`: a month of a run that has lapsed since, or of an
 *   earlier membership, can no longer be paid; re-activate, never back-pay).
 */
import { contributionFor, eligibilityFor, tariffOn } from '../reference/tariffs';
import { dueDateOf } from '../reference/due-dates';
import { addMonths, periodOf } from '../shared/calendar';
import {
  currentMembership,
  mayPay,
  Membership,
  membershipIn,
  MembershipTimeline,
  paidPeriodsOf,
  PaidMonth,
  runIn,
  statusIn,
} from './membership';

export interface LapseWarning {
  /** The month in which the membership is LAPSED if nothing more is paid: the month after `today`'s. */
  lapsePeriod: string;
  /** The first day it is lapsed: the day after the due date of the third unpaid month. */
  lapsesOn: string;
  /** The last day a payment of an unpaid month keeps the membership (the day before `lapsesOn`). */
  payBy: string;
  /** The last paid month of the current run; null for a re-activated run with nothing paid yet. */
  lastPaidPeriod: string | null;
  /** The re-activation that started the current run, if any. */
  reactivatedOn: string | null;
  /** The months after the last paid one (or from the re-activation) up to the current month, all unpaid. */
  unpaidPeriods: string[];
}

/**
 * Whether the worker's membership lapses at the start of the month after `today`'s month if nothing
 * more is paid: ACTIVE in the current month, LAPSED in the next (as `statusIn` answers both), and what
 * an operator needs to act. Undefined for anyone else (already lapsed, exited, lapsing later, never paid).
 */
export function lapseNextMonth(timeline: MembershipTimeline, today: string): LapseWarning | undefined {
  const current = periodOf(today);
  const next = addMonths(current, 1);
  if (statusIn(timeline, current) !== 'ACTIVE' || statusIn(timeline, next) !== 'LAPSED') return undefined;
  const membership = membershipIn(timeline, next)!;
  const run = runIn(membership, next);
  if (run.lapsedOn === undefined) return undefined;
  const lastPaid = lastPaidOfRun(membership, run.startPeriod, current);
  const anchor = lastPaid ?? addMonths(run.startPeriod, -1);
  const unpaidPeriods: string[] = [];
  for (let p = addMonths(anchor, 1); p <= current; p = addMonths(p, 1)) unpaidPeriods.push(p);
  return {
    lapsePeriod: next,
    lapsesOn: run.lapsedOn,
    payBy: dayBefore(run.lapsedOn),
    lastPaidPeriod: lastPaid ?? null,
    reactivatedOn: run.reactivation ? run.startedOn : null,
    unpaidPeriods,
  };
}

function lastPaidOfRun(m: Membership, runStart: string, upTo: string): string | undefined {
  const paid = paidPeriodsOf(m).filter((p) => p.period >= runStart && p.period <= upTo && runIn(m, p.period).startPeriod === runStart);
  return paid.length ? paid[paid.length - 1].period : undefined;
}

/** Who sponsored a worker from which month: the enrolment's allocation, then each sponsorship transfer. */
export interface SponsorshipSpan {
  allocationId: string;
  /** First month this allocation sponsors the worker. */
  fromPeriod: string;
}

/**
 * The sponsor of a month: the span with the latest `fromPeriod` not after it (among equal ones, the
 * later recorded). Undefined before the first span.
 */
export function sponsorIn(spans: readonly SponsorshipSpan[], period: string): string | undefined {
  let best: SponsorshipSpan | undefined;
  for (const span of spans) if (span.fromPeriod <= period && (!best || span.fromPeriod >= best.fromPeriod)) best = span;
  return best?.allocationId;
}

/** One month a worker owed a contribution to its sponsor (a member ACTIVE in it). */
export interface MonthDue {
  period: string;
  dueDate: string;
  /** The sponsor of the month. */
  allocationId: string;
  /** A contribution counts for the month (from whichever allocation). */
  paid: boolean;
  /**
   * Unpaid and `mayPay` allows it today. An unpaid month that is not payable can no longer be paid: its
   * run lapsed since (re-activate, never back-pay), or it belongs to an earlier membership.
   */
  payable: boolean;
  /** The worker's tariff for the month (rule 12 in the PP 49/2020 months), whole rupiah. */
  amount: number;
}

/**
 * The months from `from` to `to` (inclusive) in which the worker was a member, ACTIVE, and sponsored
 * by one of the spans; paid or not, payable today or not. Months with no tariff are left out.
 */
export function monthsDue(
  timeline: MembershipTimeline,
  spans: readonly SponsorshipSpan[],
  range: { from: string; to: string; today: string },
): MonthDue[] {
  const out: MonthDue[] = [];
  if (timeline.memberships.length === 0) return out;
  const current = currentMembership(timeline);
  // Per membership, once: its paid months (a worker's range crosses at most a few memberships).
  const paidOf = new Map<Membership, { months: PaidMonth[]; periods: Set<string> }>();
  const first = periodOf(timeline.memberships[0].enrolledOn);
  for (let period = range.from < first ? first : range.from; period <= range.to; period = addMonths(period, 1)) {
    if (statusIn(timeline, period) !== 'ACTIVE') continue;
    const allocationId = sponsorIn(spans, period);
    const tariff = tariffOn(period);
    if (allocationId === undefined || !tariff) continue;
    const membership = membershipIn(timeline, period)!;
    let paidMonths = paidOf.get(membership);
    if (!paidMonths) {
      const months = paidPeriodsOf(membership);
      paidOf.set(membership, (paidMonths = { months, periods: new Set(months.map((p) => p.period)) }));
    }
    const paid = paidMonths.periods.has(period);
    const payable = !paid && membership === current && mayPay(timeline, period, range.today).allowed;
    out.push({
      period,
      dueDate: dueDateOf(period),
      allocationId,
      paid,
      payable,
      amount: tariff.discountOf
        ? contributionFor(period, eligibilityFor(membership.enrolledOn, paidMonths.months, period)).total
        : flatTariff(period),
    });
  }
  return out;
}

const flatTariffs = new Map<string, number>();

/** The contribution of a month outside the PP 49/2020 months: the same for every worker. */
function flatTariff(period: string): number {
  let total = flatTariffs.get(period);
  if (total === undefined) {
    total = contributionFor(period).total;
    if (flatTariffs.size < 10_000) flatTariffs.set(period, total);
  }
  return total;
}

function dayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
