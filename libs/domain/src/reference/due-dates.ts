/**
 * Due dates of monthly contributions (domain.md rule 9), as reference data with effective periods.
 *
 * - Ordinary rule: a month's contribution is due by the 15th of the next month (domain.md rule 9; the
 *   same "paling lambat tanggal 15 bulan berikutnya" wording as PP 44/2015 for JKK/JKM contributions).
 * - PP 49/2020 (COVID-19 relief) moved the deadline to the 30th of the next month for the relief
 *   months, the contribution months August 2020 to January 2021 (the same months as the 99% discount,
 *   see tariffs.ts). A month without a 30th (February 2021, the due month of January 2021) takes its
 *   last day: that reading is ours.
 *
 * Dates are business dates (YYYY-MM-DD) with no time zone; a payment on the due date is on time.
 */
import { addMonths, isPeriod } from '../shared/calendar';

export interface DueDateRule {
  /** First contribution period (YYYY-MM) the rule applies to. */
  from: string;
  /** Last contribution period, inclusive; open-ended when absent. */
  to?: string;
  /** Day of the month after the contribution month by which it must be paid (clamped to the month's last day). */
  dayOfNextMonth: number;
  basis: string;
}

/** The first rule that covers a period is the one in force: the relief rule comes first. */
export const DUE_DATE_RULES: readonly DueDateRule[] = [
  {
    from: '2020-08',
    to: '2021-01',
    dayOfNextMonth: 30,
    basis:
      'PP 49/2020: relief months August 2020 to January 2021 due by the 30th of the next month (last day of a month without a 30th: ours)',
  },
  { from: '0001-01', dayOfNextMonth: 15, basis: 'domain.md rule 9 (PP 44/2015): due by the 15th of the next month' },
];

export function dueDateRuleFor(period: string): DueDateRule {
  if (!isPeriod(period)) throw new RangeError(`not a contribution period (YYYY-MM): ${period}`);
  return DUE_DATE_RULES.find((r) => period >= r.from && (r.to === undefined || period <= r.to))!;
}

const dueDates = new Map<string, string>();

/** The last day (YYYY-MM-DD) on which the contribution for `period` is paid on time. */
export function dueDateOf(period: string): string {
  let due = dueDates.get(period);
  if (due === undefined) {
    due = computeDueDate(period);
    if (dueDates.size < 100_000) dueDates.set(period, due);
  }
  return due;
}

function computeDueDate(period: string): string {
  const rule = dueDateRuleFor(period);
  const next = addMonths(period, 1);
  const [y, m] = next.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${next}-${String(Math.min(rule.dayOfNextMonth, lastDay)).padStart(2, '0')}`;
}

/** A payment made on `paidOn` for `period` is late (a `LATE_PAYMENT` finding). */
export function isLatePayment(period: string, paidOn: string): boolean {
  return paidOn > dueDateOf(period);
}
