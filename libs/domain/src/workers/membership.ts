/**
 * One worker's membership timeline (domain.md rules 8, 9, 10): the single source of truth for the
 * worker's status in a month, whether a month may be paid, coverage on a date, paid months before an
 * incident, and the refunds an exit causes. Pure: the facts come in ledger order, dates as arguments;
 * everything is "as of the facts given" (pass only the facts known at a point in time to ask about it).
 *
 * Definitions (where the spec leaves room, the choice is ours and says so):
 * - A **membership** runs from an enrolment (`enrolledOn`) to its exit date. A re-enrolment starts a
 *   new one: no paid month, lapse or re-activation of an earlier membership carries over.
 * - A **run** is a stretch of months of one membership: the first starts in the enrolment month, each
 *   re-activation starts a new one in the re-activation month. Months are assigned to runs by period.
 * - **Lapse** (rule 9): a run lapses when 3 consecutive months following a paid month of the run are
 *   all unpaid when the third one's due date has passed; it is lapsed from the day after that due date
 *   (e.g. July paid, August to October unpaid by 15 November: lapsed from 16 November, so November is
 *   a LAPSED month). Payments recorded after that day without a re-activation do not count (they should
 *   have been refused), so arrears paid late cannot undo a lapse. In a run started by a re-activation
 *   the re-activation counts as the paid month before the run (ours): a re-activated worker who pays
 *   nothing lapses again 3 months later. A run started by an enrolment cannot lapse before its first
 *   payment (rule 9 speaks of unpaid months "following a paid month").
 * - **Payments** (rules 5, 9): a month may be paid from the enrolment month up to the exit month, once
 *   per membership, not while lapsed (re-activate, never back-pay), and at most 3 months after the last
 *   paid month of the run (arrears first). After its due date a payment is late: `LATE_PAYMENT`.
 * - **Coverage** (rules 8, 9): from `enrolledOn` to the exit date, on a date whose month's contribution
 *   was paid (validly) on or before the date, or, for a worker already paying, after it but by the
 *   month's due date. Ours, because the spec's two conditions ("paid by its due date, or before the
 *   incident") would otherwise let anyone pay after an incident: a payment after the incident counts
 *   only when an earlier month of the same run was paid on or before the incident day (a continuing
 *   member's grace until the due date); the first payment of a membership or run made after the
 *   incident never counts. Same day: a payment dated on the incident day counts as before it (dates
 *   carry no time of day; ours).
 */
import { dueDateOf } from '../reference/due-dates';
import { addMonths, monthsBetween, periodOf } from '../shared/calendar';

/** A worker's facts, in ledger order. Independent of the event types on purpose. */
export type MembershipFact =
  | { kind: 'ENROLLED'; on: string }
  | { kind: 'EXITED'; on: string; reason?: string }
  | { kind: 'PAID'; period: string; paidOn: string; allocationId: string }
  | { kind: 'REACTIVATED'; on: string }
  | { kind: 'REFUNDED'; period: string };

export interface PaidMonth {
  period: string;
  paidOn: string;
  allocationId: string;
  /** Refunded (rule 10): no longer counts as paid. */
  refunded: boolean;
  /**
   * Counts for status, coverage and paid months: false for a payment made on or after its run's lapse,
   * before its run's re-activation, or for a month before the enrolment month.
   */
  valid: boolean;
}

export interface Run {
  /** First month of the run. */
  startPeriod: string;
  /** `enrolledOn` or the re-activation date. */
  startedOn: string;
  reactivation: boolean;
  /** First day the run is lapsed, if it lapsed (as of the facts given). */
  lapsedOn?: string;
}

export interface Membership {
  enrolledOn: string;
  exitedOn?: string;
  exitReason?: string;
  /** In ledger order; a second payment of a month already paid (not refunded) is not kept. */
  payments: PaidMonth[];
  runs: Run[];
}

export interface MembershipTimeline {
  memberships: Membership[];
}

export type WorkerMonthStatus = 'NEW' | 'ACTIVE' | 'LAPSED' | 'EXITED';

/** Months of arrears allowed after the last paid month; the 4th unpaid one means lapse (rule 9). */
export const LAPSE_AFTER_UNPAID_MONTHS = 3;

export function membershipTimeline(facts: readonly MembershipFact[]): MembershipTimeline {
  const memberships: Membership[] = [];
  for (const fact of facts) {
    const current = memberships[memberships.length - 1];
    switch (fact.kind) {
      case 'ENROLLED':
        memberships.push({
          enrolledOn: fact.on,
          payments: [],
          runs: [{ startPeriod: periodOf(fact.on), startedOn: fact.on, reactivation: false }],
        });
        break;
      case 'EXITED':
        if (current) Object.assign(current, { exitedOn: fact.on, exitReason: fact.reason });
        break;
      case 'REACTIVATED':
        if (current) current.runs.push({ startPeriod: periodOf(fact.on), startedOn: fact.on, reactivation: true });
        break;
      case 'PAID':
        if (current && !current.payments.some((p) => p.period === fact.period && !p.refunded)) {
          current.payments.push({
            period: fact.period,
            paidOn: fact.paidOn,
            allocationId: fact.allocationId,
            refunded: false,
            valid: true,
          });
        }
        break;
      case 'REFUNDED':
        for (let i = memberships.length - 1; i >= 0; i--) {
          const paid = memberships[i].payments.find((p) => p.period === fact.period && !p.refunded);
          if (paid) {
            paid.refunded = true;
            break;
          }
        }
        break;
    }
  }
  for (const m of memberships) settle(m);
  return { memberships };
}

/** Works out each run's lapse and which payments count. */
function settle(m: Membership): void {
  const enrolmentPeriod = periodOf(m.enrolledOn);
  for (const p of m.payments) p.valid = p.period >= enrolmentPeriod;
  m.runs.forEach((run, i) => {
    const next = m.runs[i + 1];
    const inRun = m.payments.filter((p) => !p.refunded && p.valid && runIndexOf(m, p.period) === i);
    const lapse = lapseOf(run, inRun);
    // A lapse counts only if it came before the next re-activation and before the exit.
    run.lapsedOn = lapse !== undefined && (!next || lapse <= next.startedOn) && (!m.exitedOn || lapse <= m.exitedOn) ? lapse : undefined;
    for (const p of inRun) {
      if ((run.lapsedOn !== undefined && p.paidOn >= run.lapsedOn) || (run.reactivation && p.paidOn < run.startedOn)) p.valid = false;
    }
  });
}

/**
 * The first day the run is lapsed: the earliest day X such that some paid month A of the run (or the
 * month before a re-activated run) was paid before X while months A+1..A+3 were not, and the due date
 * of A+3 has passed. Only payments made before X are looked at, so payments after a lapse do not undo it.
 */
function lapseOf(run: Run, payments: PaidMonth[]): string | undefined {
  const paidOn = new Map(payments.map((p) => [p.period, p.paidOn]));
  const anchors = payments.map((p) => ({ period: p.period, paidOn: p.paidOn }));
  if (run.reactivation) anchors.push({ period: addMonths(run.startPeriod, -1), paidOn: run.startedOn });
  let lapse: string | undefined;
  for (const anchor of anchors) {
    const deadline = dueDateOf(addMonths(anchor.period, LAPSE_AFTER_UNPAID_MONTHS));
    const day = dayAfter(deadline > anchor.paidOn ? deadline : anchor.paidOn);
    let broken = false;
    for (let k = 1; k <= LAPSE_AFTER_UNPAID_MONTHS && !broken; k++) {
      const paid = paidOn.get(addMonths(anchor.period, k));
      broken = paid !== undefined && paid < day;
    }
    if (!broken && (lapse === undefined || day < lapse)) lapse = day;
  }
  return lapse;
}

function runIndexOf(m: Membership, period: string): number {
  let index = 0;
  m.runs.forEach((run, i) => {
    if (run.startPeriod <= period) index = i;
  });
  return index;
}

const nextDays = new Map<string, string>();

function dayAfter(date: string): string {
  let next = nextDays.get(date);
  if (next === undefined) {
    const [y, m, d] = date.split('-').map(Number);
    next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    if (nextDays.size < 100_000) nextDays.set(date, next);
  }
  return next;
}

// ---- queries -------------------------------------------------------------------------------------

/** The latest membership (the one payments go to), if the worker was ever enrolled. */
export function currentMembership(timeline: MembershipTimeline): Membership | undefined {
  return timeline.memberships[timeline.memberships.length - 1];
}

/** The membership a month belongs to: the latest one enrolled in or before it. */
export function membershipIn(timeline: MembershipTimeline, period: string): Membership | undefined {
  return [...timeline.memberships].reverse().find((m) => periodOf(m.enrolledOn) <= period);
}

/** The membership a date belongs to: the latest one enrolled on or before it. */
export function membershipOn(timeline: MembershipTimeline, date: string): Membership | undefined {
  return [...timeline.memberships].reverse().find((m) => m.enrolledOn <= date);
}

/** The run a month of a membership belongs to. */
export function runIn(membership: Membership, period: string): Run {
  return membership.runs[runIndexOf(membership, period)];
}

/** The months that count as paid in a membership (valid, not refunded), oldest first. */
export function paidPeriodsOf(membership: Membership): PaidMonth[] {
  return membership.payments.filter((p) => p.valid && !p.refunded).sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/**
 * The worker's status in month `period`, as of the facts given: NEW before the first enrolment month,
 * EXITED in the months after an exit month (until a re-enrolment), LAPSED from the month the current
 * run lapsed in until a re-activation, otherwise ACTIVE (which says nothing of whether the month is paid).
 */
export function statusIn(timeline: MembershipTimeline, period: string): WorkerMonthStatus {
  const m = membershipIn(timeline, period);
  if (!m) return 'NEW';
  if (m.exitedOn && period > periodOf(m.exitedOn)) return 'EXITED';
  const run = runIn(m, period);
  return run.lapsedOn !== undefined && periodOf(run.lapsedOn) <= period ? 'LAPSED' : 'ACTIVE';
}

/** The worker's status on a day: as `statusIn`, but LAPSED only from the lapse day and EXITED from the day after the exit. */
export function statusOn(timeline: MembershipTimeline, date: string): WorkerMonthStatus {
  const m = membershipOn(timeline, date);
  if (!m) return 'NEW';
  if (m.exitedOn && date > m.exitedOn) return 'EXITED';
  const run = runIn(m, periodOf(date));
  return run.lapsedOn !== undefined && run.lapsedOn <= date ? 'LAPSED' : 'ACTIVE';
}

export type PaymentRefusal = 'NOT_ENROLLED' | 'BEFORE_ENROLMENT' | 'AFTER_EXIT' | 'ALREADY_PAID' | 'LAPSED' | 'ARREARS_LIMIT';

export type PaymentDecision =
  | { allowed: true; late: boolean; dueDate: string; findings: Array<'LATE_PAYMENT'> }
  | { allowed: false; reason: PaymentRefusal; message: string };

/** Whether a contribution for `period` may be paid on `paidOn` into the current membership (rules 5, 9). */
export function mayPay(timeline: MembershipTimeline, period: string, paidOn: string): PaymentDecision {
  const refuse = (reason: PaymentRefusal, message: string): PaymentDecision => ({ allowed: false, reason, message });
  const m = currentMembership(timeline);
  if (!m) return refuse('NOT_ENROLLED', 'the worker has never been enrolled');
  if (period < periodOf(m.enrolledOn))
    return refuse('BEFORE_ENROLMENT', `${period} is before the enrolment month (enrolled on ${m.enrolledOn})`);
  if (paidOn < m.enrolledOn) return refuse('BEFORE_ENROLMENT', `paidOn ${paidOn} is before the enrolment on ${m.enrolledOn}`);
  if (m.exitedOn && period > periodOf(m.exitedOn))
    return refuse('AFTER_EXIT', `${period} is after the exit month (exited on ${m.exitedOn})`);
  const paid = m.payments.find((p) => p.period === period && !p.refunded);
  if (paid)
    return refuse('ALREADY_PAID', `${period} is already paid in this membership (on ${paid.paidOn} by allocation ${paid.allocationId})`);
  const index = runIndexOf(m, period);
  const run = m.runs[index];
  if (index < m.runs.length - 1) {
    return refuse(
      'LAPSED',
      `${period} belongs to a run of months that ended with a lapse; a lapsed membership is re-activated (since ${m.runs[m.runs.length - 1].startedOn}), never back-paid`,
    );
  }
  if (run.lapsedOn !== undefined && run.lapsedOn <= paidOn) {
    return refuse(
      'LAPSED',
      `the membership lapsed on ${run.lapsedOn} (${LAPSE_AFTER_UNPAID_MONTHS} months unpaid after a paid month): it must be re-activated, never back-paid`,
    );
  }
  if (run.reactivation && paidOn < run.startedOn)
    return refuse('LAPSED', `paidOn ${paidOn} is before the re-activation on ${run.startedOn}`);
  const earlier = paidPeriodsOf(m).filter((p) => runIndexOf(m, p.period) === index && p.period < period);
  const last = earlier.length ? earlier[earlier.length - 1].period : run.reactivation ? addMonths(run.startPeriod, -1) : undefined;
  if (last !== undefined && monthsBetween(last, period) > LAPSE_AFTER_UNPAID_MONTHS) {
    return refuse(
      'ARREARS_LIMIT',
      `${period} is more than ${LAPSE_AFTER_UNPAID_MONTHS} months after the last paid month ${last}${run.reactivation && !earlier.length ? ' (the re-activation)' : ''}: the months ${addMonths(last, 1)} to ${addMonths(period, -1)} come first`,
    );
  }
  // A month paid behind later paid months must not leave more than 3 unpaid months before the next one:
  // that payment would lapse the membership by itself.
  const next = paidPeriodsOf(m).find((p) => runIndexOf(m, p.period) === index && p.period > period);
  if (next && monthsBetween(period, next.period) > LAPSE_AFTER_UNPAID_MONTHS) {
    return refuse(
      'ARREARS_LIMIT',
      `${period} is more than ${LAPSE_AFTER_UNPAID_MONTHS} months before the next paid month ${next.period}: paying it alone would leave ${addMonths(period, 1)} to ${addMonths(next.period, -1)} unpaid after a paid month`,
    );
  }
  const dueDate = dueDateOf(period);
  const late = paidOn > dueDate;
  return { allowed: true, late, dueDate, findings: late ? ['LATE_PAYMENT'] : [] };
}

/** Whether the worker may be re-activated on `on`: the current membership is lapsed then and not exited. */
export function mayReactivate(timeline: MembershipTimeline, on: string): boolean {
  const m = currentMembership(timeline);
  return m !== undefined && m.enrolledOn <= on && statusOn(timeline, on) === 'LAPSED';
}

export type Coverage =
  | { covered: true; period: string; paidOn: string; allocationId: string }
  | { covered: false; reason: 'BEFORE_ENROLMENT' | 'AFTER_EXIT' | 'LAPSED' | 'UNPAID' | 'PAID_AFTER_INCIDENT'; message: string };

/** Coverage of an incident on `date` (rules 8, 9): see the module comment for the exact rule. */
export function coverageOn(timeline: MembershipTimeline, date: string): Coverage {
  const m = membershipOn(timeline, date);
  if (!m) return { covered: false, reason: 'BEFORE_ENROLMENT', message: `${date} is before the worker's enrolment` };
  if (m.exitedOn && date > m.exitedOn)
    return { covered: false, reason: 'AFTER_EXIT', message: `${date} is after the exit on ${m.exitedOn}` };
  const period = periodOf(date);
  const index = runIndexOf(m, period);
  const run = m.runs[index];
  if (run.reactivation && date < run.startedOn)
    return { covered: false, reason: 'LAPSED', message: `${date} is before the re-activation on ${run.startedOn}` };
  if (run.lapsedOn !== undefined && run.lapsedOn <= date)
    return { covered: false, reason: 'LAPSED', message: `the membership lapsed on ${run.lapsedOn}` };
  const paid = paidPeriodsOf(m).find((p) => p.period === period);
  if (!paid) return { covered: false, reason: 'UNPAID', message: `no contribution counts for ${period}` };
  if (paid.paidOn <= date) return { covered: true, period, paidOn: paid.paidOn, allocationId: paid.allocationId };
  const continuing = paidPeriodsOf(m).some((p) => runIndexOf(m, p.period) === index && p.period < period && p.paidOn <= date);
  if (continuing && paid.paidOn <= dueDateOf(period))
    return { covered: true, period, paidOn: paid.paidOn, allocationId: paid.allocationId };
  return {
    covered: false,
    reason: 'PAID_AFTER_INCIDENT',
    message: continuing
      ? `${period} was paid on ${paid.paidOn}, after the incident and after its due date ${dueDateOf(period)}`
      : `${period} was paid on ${paid.paidOn}, after the incident, and no earlier month of the membership was paid by then`,
  };
}

export function isCoveredOn(timeline: MembershipTimeline, date: string): boolean {
  return coverageOn(timeline, date).covered;
}

/**
 * Months paid in the membership of `date` for months up to and including its month, paid on or before
 * `date` (the JKM scholarship's 36 months, the PP 44/2015 five years). Months of an earlier membership,
 * months paid after the date and payments that do not count (after a lapse, refunded) are left out.
 */
export function paidMonthsBefore(timeline: MembershipTimeline, date: string): number {
  const m = membershipOn(timeline, date);
  if (!m) return 0;
  const period = periodOf(date);
  return paidPeriodsOf(m).filter((p) => p.period <= period && p.paidOn <= date).length;
}

export interface Refund {
  period: string;
  allocationId: string;
  paidOn: string;
}

/**
 * Rule 10: the months of the exit's membership after the exit month that are paid and not yet refunded,
 * each with the allocation that paid it, oldest first. Works for an exit recorded late with an earlier
 * date: every month after the exit month is refunded, whenever it was paid.
 */
export function refundsOnExit(timeline: MembershipTimeline, exitDate: string): Refund[] {
  const m = membershipOn(timeline, exitDate) ?? currentMembership(timeline);
  if (!m) return [];
  const exitPeriod = periodOf(exitDate);
  return m.payments
    .filter((p) => !p.refunded && p.period > exitPeriod)
    .sort((a, b) => (a.period < b.period ? -1 : 1))
    .map(({ period, allocationId, paidOn }) => ({ period, allocationId, paidOn }));
}
