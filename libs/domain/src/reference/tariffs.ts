/**
 * Contribution tariff of the lowest income bracket (declared income Rp1,000,000 a month) for
 * pekerja bukan penerima upah (non-wage workers): JKK 1% of declared income + JKM Rp6,800.
 * Rates carry effective periods, so a replay of 2020 uses 2020 rates.
 *
 * PP 49/2020 discounted both by 99% for the contribution months August 2020 to January 2021, but only
 * for eligible months (domain.md rule 12, secondary source: the Ministry's press summary of PP 49/2020
 * Art. 13): a worker registered by July 2020 whose contributions were paid up to July 2020, or a
 * worker registered after July 2020 from the third paid month on (the first two are paid in full).
 */
import { InvalidInput, RuleViolation } from '../shared/errors';
import { addMonths, isPeriod, periodOf } from '../shared/calendar';

export interface Tariff {
  /** First contribution period (YYYY-MM) the rate applies to. */
  from: string;
  /** Last period, inclusive; open-ended when absent. */
  to?: string;
  jkk: number;
  jkm: number;
  basis: string;
  /** The rate is a discount on `fullRate` that only eligible months get (PP 49/2020). */
  discountOf?: { jkk: number; jkm: number; basis: string };
}

export const DECLARED_MONTHLY_INCOME = 1_000_000;

/** The first month with a tariff: PP 44/2015 took effect on 1 July 2015. */
export const FIRST_TARIFF_PERIOD = '2015-07';

/** The PP 49/2020 relief months. */
export const RELIEF_FROM = '2020-08';
export const RELIEF_TO = '2021-01';
/** Rule 12: earlier contributions must be paid up to this month to get the discount. */
export const RELIEF_PAID_UP_TO = '2020-07';
/** Rule 12: a worker registered after July 2020 pays this many months in full before the discount. */
export const RELIEF_FULL_MONTHS_FOR_NEW_WORKERS = 2;

const FULL_2015 = { jkk: 10_000, jkm: 6_800, basis: 'PP 44/2015' };

/** Newest first: the first that covers a period is the one in force. */
export const TARIFFS: readonly Tariff[] = [
  { from: '2021-02', jkk: 10_000, jkm: 6_800, basis: 'PP 44/2015 as amended by PP 82/2019' },
  {
    from: RELIEF_FROM,
    to: RELIEF_TO,
    jkk: 100,
    jkm: 68,
    basis: 'PP 49/2020: 99% discount during the COVID-19 pandemic',
    discountOf: FULL_2015,
  },
  { from: FIRST_TARIFF_PERIOD, to: '2020-07', ...FULL_2015 },
];

export interface Contribution {
  jkk: number;
  jkm: number;
  total: number;
  basis: string;
}

/** A period before the first tariff (July 2015): the API answers 422, not 500. */
export class NoTariffError extends RuleViolation {
  constructor(readonly period: string) {
    super(`no contribution tariff is known for ${period}: the first tariff (PP 44/2015) applies from ${FIRST_TARIFF_PERIOD}`, [
      { field: 'period', message: `must be ${FIRST_TARIFF_PERIOD} or later: no contribution tariff is known before it` },
    ]);
  }
}

/** The tariff in force for a period, or undefined (before July 2015). Throws InvalidInput (400) for a malformed period. */
const inForce = new Map<string, Tariff | undefined>();

export function tariffOn(period: string): Tariff | undefined {
  if (inForce.has(period)) return inForce.get(period);
  if (typeof period !== 'string' || !isPeriod(period)) throw new InvalidInput([{ field: 'period', message: 'must be a month YYYY-MM' }]);
  const tariff = TARIFFS.find((t) => period >= t.from && (t.to === undefined || period <= t.to));
  if (inForce.size < 10_000) inForce.set(period, tariff);
  return tariff;
}

/**
 * Rule 12 facts about the worker for one period: when the current membership was registered, whether
 * earlier contributions were paid up to July 2020, and how many months are already paid in this
 * membership before this one (see membership.ts `paidMonthsBefore` / the timeline's paid months).
 */
export interface TariffEligibility {
  /** `enrolledOn` of the current membership, YYYY-MM-DD. */
  registeredOn: string;
  /** For a worker registered by July 2020: every contribution from enrolment up to July 2020 was paid. */
  paidUpToJuly2020: boolean;
  /** Months already paid in this membership before the one being paid. */
  monthsAlreadyPaid: number;
}

export interface WorkerContribution extends Contribution {
  /** Whether the PP 49/2020 discount applied. */
  discounted: boolean;
  /** Why the discount did or did not apply (empty outside the relief months). */
  reason: string;
}

/**
 * Rule 12's facts about a worker's month: when the membership was registered, whether it paid every
 * month up to July 2020, and how many of its months before `period` were paid.
 */
export function eligibilityFor(enrolledOn: string, paidPeriods: ReadonlyArray<{ period: string }>, period: string): TariffEligibility {
  const paid = paidPeriods.filter((p) => p.period < period);
  const paidSet = new Set(paid.map((p) => p.period));
  const first = periodOf(enrolledOn);
  let paidUpToJuly2020 = first <= RELIEF_PAID_UP_TO;
  for (let p = first; paidUpToJuly2020 && p <= RELIEF_PAID_UP_TO; p = addMonths(p, 1)) paidUpToJuly2020 = paidSet.has(p);
  return { registeredOn: enrolledOn, paidUpToJuly2020, monthsAlreadyPaid: paid.length };
}

/** Rule 12: does the PP 49/2020 discount apply to this worker's month? */
export function reliefEligibility(eligibility: TariffEligibility): { eligible: boolean; reason: string } {
  const registeredAfterJuly = eligibility.registeredOn.slice(0, 7) > RELIEF_PAID_UP_TO;
  if (registeredAfterJuly) {
    return eligibility.monthsAlreadyPaid >= RELIEF_FULL_MONTHS_FOR_NEW_WORKERS
      ? {
          eligible: true,
          reason: `registered after July 2020: discount from the third paid month (${eligibility.monthsAlreadyPaid} already paid)`,
        }
      : {
          eligible: false,
          reason: `registered after July 2020: the first ${RELIEF_FULL_MONTHS_FOR_NEW_WORKERS} paid months are paid in full (${eligibility.monthsAlreadyPaid} already paid)`,
        };
  }
  return eligibility.paidUpToJuly2020
    ? { eligible: true, reason: 'registered by July 2020 with contributions paid up to July 2020' }
    : { eligible: false, reason: 'registered by July 2020 but contributions were not paid up to July 2020: full tariff' };
}

/** The tariff of one worker's month (rule 12). Throws NoTariffError (422) before July 2015. */
export function contributionForWorker(period: string, eligibility: TariffEligibility): WorkerContribution {
  const tariff = tariffOn(period);
  if (!tariff) throw new NoTariffError(period);
  if (!tariff.discountOf) return { ...amounts(tariff, tariff.basis), discounted: false, reason: '' };
  const { eligible, reason } = reliefEligibility(eligibility);
  return eligible
    ? { ...amounts(tariff, tariff.basis), discounted: true, reason }
    : {
        ...amounts(tariff.discountOf, `${tariff.discountOf.basis} (PP 49/2020 discount not applicable: ${reason})`),
        discounted: false,
        reason,
      };
}

/**
 * The contribution of a period. Without `eligibility`, the rate in force (the discounted one in the
 * relief months, as before); with it, rule 12 decides (see `contributionForWorker`).
 * Throws NoTariffError (a RuleViolation: 422) before July 2015, InvalidInput (400) for a malformed period.
 */
export function contributionFor(period: string, eligibility?: TariffEligibility): Contribution {
  if (eligibility) {
    const { jkk, jkm, total, basis } = contributionForWorker(period, eligibility);
    return { jkk, jkm, total, basis };
  }
  const tariff = tariffOn(period);
  if (!tariff) throw new NoTariffError(period);
  return amounts(tariff, tariff.basis);
}

function amounts(rate: { jkk: number; jkm: number }, basis: string): Contribution {
  return { jkk: rate.jkk, jkm: rate.jkm, total: rate.jkk + rate.jkm, basis };
}
