/**
 * Benefit tables with effective dates (domain.md rule 11), in force on the incident date, and the one
 * check of a settlement's benefit lines against them (`checkBenefitLines`).
 *
 * - JKM (death not caused by work): PP 82/2019 from 2019-12-02, Rp42,000,000 = Rp20,000,000 lump sum +
 *   Rp12,000,000 periodic benefit paid at once + Rp10,000,000 funeral costs; PP 44/2015 before,
 *   Rp24,000,000 = 16,200,000 + 4,800,000 + 3,000,000.
 * - JKK (work accident), for declared monthly income I (Rp1,000,000 here): medical care without cap;
 *   death 48 × I (60% × 80 × I) with the periodic benefit (24 × Rp500,000 = Rp12,000,000 from PP
 *   82/2019, 24 × Rp200,000 = Rp4,800,000 under PP 44/2015) and funeral costs (Rp10,000,000 /
 *   Rp3,000,000); temporary incapacity at most 12 × I (the spec's cap; PP 44/2015's own 100%/75%/50%
 *   schedule is not modelled); home care at most Rp20,000,000 (introduced by PP 82/2019: none before,
 *   as we read it); disability by the percentage table × 80 × I, at most 70% (total permanent
 *   disability) = 56 × I; transport capped per means of transport (land/river/lake, sea, air: Rp5m,
 *   Rp2m, Rp10m from PP 82/2019; Rp1m, Rp1.5m, Rp2.5m under PP 44/2015, as we recall the annexes, not
 *   checked against the official text here). A `JKK_TRANSPORT` line does not say the means, so the cap
 *   of a claim's transport lines is the sum of the three (ours).
 * - Scholarships: only on a death or a total permanent disability. From 2019-12-02 (PP 82/2019) at most
 *   2 children, per child per year TK/SD Rp1,500,000, SMP Rp2,000,000, SMA Rp3,000,000, university
 *   Rp12,000,000, for JKM only after at least 36 months paid before the incident in the current
 *   membership. The amounts are those of Permenaker 5/2021, which pays them from 2021-04-01 also for
 *   incidents since 2019-12-02: the table applies by incident date from 2019-12-02, with
 *   `paidFrom: 2021-04-01` (a settlement dated before it cannot carry a scholarship). Before 2019-12-02
 *   (PP 44/2015): one child, Rp12,000,000 once, for JKM after at least 5 years (60 months) paid. The
 *   JKK scholarship has no minimum paid months in either regulation, as we read them; the spec's
 *   minimums are stated for JKM.
 */
import { DECLARED_MONTHLY_INCOME } from './tariffs';
import { formatRupiah } from '../shared/money';

export type BenefitKind =
  | 'JKM_LUMP_SUM'
  | 'JKM_PERIODIC'
  | 'JKM_FUNERAL'
  | 'JKK_MEDICAL'
  | 'JKK_TRANSPORT'
  | 'JKK_HOME_CARE'
  | 'JKK_TEMPORARY_INCAPACITY'
  | 'JKK_DISABILITY'
  | 'JKK_DEATH'
  | 'JKK_PERIODIC'
  | 'JKK_FUNERAL'
  | 'SCHOLARSHIP';

export const BENEFIT_KINDS: readonly BenefitKind[] = [
  'JKM_LUMP_SUM',
  'JKM_PERIODIC',
  'JKM_FUNERAL',
  'JKK_MEDICAL',
  'JKK_TRANSPORT',
  'JKK_HOME_CARE',
  'JKK_TEMPORARY_INCAPACITY',
  'JKK_DISABILITY',
  'JKK_DEATH',
  'JKK_PERIODIC',
  'JKK_FUNERAL',
  'SCHOLARSHIP',
];

export interface JkmTable {
  /** First incident date (YYYY-MM-DD) the table applies to. */
  from: string;
  lumpSum: number;
  periodic: number;
  funeral: number;
  basis: string;
}

/** Newest first: the first whose `from` is on or before the incident date is in force. */
export const JKM_TABLES: readonly JkmTable[] = [
  { from: '2019-12-02', lumpSum: 20_000_000, periodic: 12_000_000, funeral: 10_000_000, basis: 'PP 82/2019' },
  { from: '2015-07-01', lumpSum: 16_200_000, periodic: 4_800_000, funeral: 3_000_000, basis: 'PP 44/2015' },
];

export interface JkkTable {
  from: string;
  /** JKK_DEATH = this × declared monthly income (60% × 80). */
  deathIncomeMultiple: number;
  periodic: number;
  funeral: number;
  /** JKK_HOME_CARE at most; undefined: not a benefit under this table. */
  homeCareMax?: number;
  /** JKK_TEMPORARY_INCAPACITY at most this × declared monthly income. */
  temporaryIncapacityIncomeMultiple: number;
  /** JKK_DISABILITY = percentage × this × declared monthly income. */
  disabilityIncomeMultiple: number;
  /** Highest disability percentage, in tenths of a percent (70%: total permanent disability). */
  disabilityMaxTenths: number;
  transportMax: { land: number; sea: number; air: number };
  basis: string;
}

export const JKK_TABLES: readonly JkkTable[] = [
  {
    from: '2019-12-02',
    deathIncomeMultiple: 48,
    periodic: 12_000_000,
    funeral: 10_000_000,
    homeCareMax: 20_000_000,
    temporaryIncapacityIncomeMultiple: 12,
    disabilityIncomeMultiple: 80,
    disabilityMaxTenths: 700,
    transportMax: { land: 5_000_000, sea: 2_000_000, air: 10_000_000 },
    basis: 'PP 82/2019',
  },
  {
    from: '2015-07-01',
    deathIncomeMultiple: 48,
    periodic: 4_800_000,
    funeral: 3_000_000,
    temporaryIncapacityIncomeMultiple: 12,
    disabilityIncomeMultiple: 80,
    disabilityMaxTenths: 700,
    transportMax: { land: 1_000_000, sea: 1_500_000, air: 2_500_000 },
    basis: 'PP 44/2015',
  },
];

export interface ScholarshipTable {
  from: string;
  /** First settlement date on which the table's scholarships can be paid (Permenaker 5/2021: 2021-04-01). */
  paidFrom?: string;
  /** `YEAR`: each amount is per child per school year; `ONCE`: one payment per child. */
  per: 'YEAR' | 'ONCE';
  /** Per child by school level: TK/SD, SMP, SMA, university (all the same for a `ONCE` table). */
  perChildPerYear: { TK_SD: number; SMP: number; SMA: number; UNIVERSITY: number };
  maxChildren: number;
  /** JKM deaths qualify only after this many paid months. */
  jkmMinimumPaidMonths: number;
  basis: string;
}

export const SCHOLARSHIP_TABLES: readonly ScholarshipTable[] = [
  {
    from: '2019-12-02',
    paidFrom: '2021-04-01',
    per: 'YEAR',
    perChildPerYear: { TK_SD: 1_500_000, SMP: 2_000_000, SMA: 3_000_000, UNIVERSITY: 12_000_000 },
    maxChildren: 2,
    jkmMinimumPaidMonths: 36,
    basis: 'PP 82/2019, amounts of Permenaker 5/2021 (paid from 2021-04-01, also for incidents since 2019-12-02)',
  },
  {
    from: '2015-07-01',
    per: 'ONCE',
    perChildPerYear: { TK_SD: 12_000_000, SMP: 12_000_000, SMA: 12_000_000, UNIVERSITY: 12_000_000 },
    maxChildren: 1,
    jkmMinimumPaidMonths: 60,
    basis: 'PP 44/2015: one child, Rp12,000,000 once',
  },
];

export function jkmTableOn(incidentDate: string): JkmTable | undefined {
  return JKM_TABLES.find((t) => incidentDate >= t.from);
}

export function jkkTableOn(incidentDate: string): JkkTable | undefined {
  return JKK_TABLES.find((t) => incidentDate >= t.from);
}

export function scholarshipTableOn(incidentDate: string): ScholarshipTable | undefined {
  return SCHOLARSHIP_TABLES.find((t) => incidentDate >= t.from);
}

/** JKK death from a work accident: 48 × declared monthly income. */
export const JKK_DEATH_BENEFIT = 48 * DECLARED_MONTHLY_INCOME;

/**
 * Disability percentages of anatomical loss, in tenths of a percent, after the PP 44/2015 annex (kept by
 * PP 82/2019) as we recall it; not checked against the official text here. Loss of function is the
 * percentage × the share of function lost (pass the resulting tenths yourself). Several items add up,
 * at most 70% (total permanent disability). The scalp item (10-30%) is a range and left out.
 */
export const DISABILITY_PERCENTAGES: Readonly<Record<string, { tenths: number; description: string }>> = {
  ARM_RIGHT_FROM_SHOULDER: { tenths: 400, description: 'right arm from the shoulder joint down' },
  ARM_LEFT_FROM_SHOULDER: { tenths: 350, description: 'left arm from the shoulder joint down' },
  ARM_RIGHT_FROM_ELBOW: { tenths: 350, description: 'right arm from or above the elbow down' },
  ARM_LEFT_FROM_ELBOW: { tenths: 300, description: 'left arm from or above the elbow down' },
  HAND_RIGHT_FROM_WRIST: { tenths: 320, description: 'right hand from or above the wrist down' },
  HAND_LEFT_FROM_WRIST: { tenths: 280, description: 'left hand from or above the wrist down' },
  BOTH_LEGS_FROM_HIP: { tenths: 700, description: 'both legs from the hip down' },
  ONE_LEG_FROM_HIP: { tenths: 350, description: 'one leg from the hip down' },
  BOTH_FEET_FROM_ANKLE: { tenths: 500, description: 'both legs from the ankle down' },
  ONE_FOOT_FROM_ANKLE: { tenths: 250, description: 'one leg from the ankle down' },
  SIGHT_BOTH_EYES: { tenths: 700, description: 'sight of both eyes' },
  SIGHT_ONE_EYE: { tenths: 350, description: 'sight of one eye, or diplopia at near sight' },
  HEARING_BOTH_EARS: { tenths: 400, description: 'hearing of both ears' },
  HEARING_ONE_EAR: { tenths: 200, description: 'hearing of one ear' },
  THUMB_RIGHT: { tenths: 150, description: 'right thumb' },
  THUMB_LEFT: { tenths: 120, description: 'left thumb' },
  INDEX_FINGER_RIGHT: { tenths: 90, description: 'right index finger' },
  INDEX_FINGER_LEFT: { tenths: 70, description: 'left index finger' },
  OTHER_FINGER_RIGHT: { tenths: 40, description: 'another finger of the right hand' },
  OTHER_FINGER_LEFT: { tenths: 30, description: 'another finger of the left hand' },
  INDEX_FINGER_FIRST_JOINT_RIGHT: { tenths: 45, description: 'first joint of the right index finger' },
  INDEX_FINGER_FIRST_JOINT_LEFT: { tenths: 35, description: 'first joint of the left index finger' },
  OTHER_FINGER_FIRST_JOINT_RIGHT: { tenths: 20, description: 'first joint of another finger of the right hand' },
  OTHER_FINGER_FIRST_JOINT_LEFT: { tenths: 15, description: 'first joint of another finger of the left hand' },
  BIG_TOE: { tenths: 50, description: 'big toe' },
  SECOND_TOE: { tenths: 30, description: 'second toe' },
  OTHER_TOE: { tenths: 20, description: 'another toe' },
  TOTAL_PERMANENT: { tenths: 700, description: 'total permanent disability' },
};

/** The disability benefit of some items: their percentages added up, at most 70%, × 80 × income (whole rupiah, rounded down). */
export function disabilityBenefitFor(
  items: readonly string[],
  incidentDate: string,
  declaredMonthlyIncome = DECLARED_MONTHLY_INCOME,
): number {
  const table = jkkTableOn(incidentDate);
  if (!table) return 0;
  const tenths = Math.min(
    table.disabilityMaxTenths,
    items.reduce((sum, item) => sum + (DISABILITY_PERCENTAGES[item]?.tenths ?? 0), 0),
  );
  return Math.floor((declaredMonthlyIncome * table.disabilityIncomeMultiple * tenths) / 1000);
}

export interface BenefitLinesToCheck {
  claimType: 'JKK' | 'JKM';
  incidentDate: string;
  isDeath: boolean;
  isTotalPermanentDisability: boolean;
  /** Months paid in the current membership before the incident (membership.ts `paidMonthsBefore`). */
  paidMonthsBeforeIncident: number;
  lines: ReadonlyArray<{ kind: string; amount: number }>;
  /** Rp1,000,000 unless told. */
  declaredMonthlyIncome?: number;
  /** When given, JKK_DISABILITY is at most the benefit of these DISABILITY_PERCENTAGES items. */
  disabilityItems?: readonly string[];
  /** When given, a scholarship under a table with `paidFrom` after it is refused. */
  settledOn?: string;
}

export interface BenefitLineProblem {
  /** Index of the offending line in `lines`; null for a line that is missing. */
  index: number | null;
  kind: string;
  problem: string;
}

/** Every problem of a settlement's benefit lines, each naming its line; empty when all is fine. */
export function checkBenefitLines(input: BenefitLinesToCheck): BenefitLineProblem[] {
  const problems: BenefitLineProblem[] = [];
  const income = input.declaredMonthlyIncome ?? DECLARED_MONTHLY_INCOME;
  const add = (index: number | null, kind: string, problem: string) => problems.push({ index, kind, problem });
  const totals = new Map<string, number>();
  const seen = new Map<string, number>();
  let scholarships = 0;
  const jkm = jkmTableOn(input.incidentDate);
  const jkk = jkkTableOn(input.incidentDate);
  const school = scholarshipTableOn(input.incidentDate);

  input.lines.forEach(({ kind, amount }, index) => {
    if (!(BENEFIT_KINDS as readonly string[]).includes(kind)) return add(index, kind, `${kind} is not a benefit kind`);
    if (!Number.isSafeInteger(amount) || amount <= 0) return add(index, kind, 'the amount must be a positive whole number of rupiah');
    const count = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, count);
    const total = (totals.get(kind) ?? 0) + amount;
    totals.set(kind, total);

    if (kind === 'SCHOLARSHIP') {
      scholarships += 1;
      if (!input.isDeath && !input.isTotalPermanentDisability && input.claimType !== 'JKM') {
        return add(index, kind, 'a scholarship is paid only on a death or a total permanent disability');
      }
      if (!school) return add(index, kind, `no scholarship table is in force on ${input.incidentDate}`);
      if (input.settledOn && school.paidFrom && input.settledOn < school.paidFrom) {
        return add(index, kind, `scholarships under ${school.basis} are paid from ${school.paidFrom}`);
      }
      if (scholarships > school.maxChildren)
        return add(
          index,
          kind,
          `at most ${school.maxChildren} ${school.maxChildren === 1 ? 'child receives' : 'children receive'} a scholarship (${school.basis})`,
        );
      const allowed = [...new Set(Object.values(school.perChildPerYear))];
      if (!allowed.includes(amount)) {
        return add(
          index,
          kind,
          `a scholarship is ${allowed.map(formatRupiah).join(', ')} per child${school.per === 'YEAR' ? ' per year' : ', once'} (${school.basis})`,
        );
      }
      if (input.claimType === 'JKM' && input.paidMonthsBeforeIncident < school.jkmMinimumPaidMonths) {
        return add(
          index,
          kind,
          `a scholarship on a JKM claim needs ${school.jkmMinimumPaidMonths} months paid before the incident in the current membership; the worker has ${input.paidMonthsBeforeIncident} (${school.basis})`,
        );
      }
      return;
    }
    if (!kind.startsWith(`${input.claimType}_`)) return add(index, kind, `${kind} cannot be paid on a ${input.claimType} claim`);

    if (input.claimType === 'JKM') {
      if (!input.isDeath) return add(index, kind, 'JKM is paid only on a death');
      if (!jkm) return add(index, kind, `no JKM benefit table is in force on ${input.incidentDate}`);
      const expected = { JKM_LUMP_SUM: jkm.lumpSum, JKM_PERIODIC: jkm.periodic, JKM_FUNERAL: jkm.funeral }[kind as 'JKM_LUMP_SUM'];
      if (count > 1) return add(index, kind, `${kind} is paid once`);
      if (amount !== expected) return add(index, kind, `${kind} is ${formatRupiah(expected)} (${jkm.basis}), not ${formatRupiah(amount)}`);
      return;
    }

    if (!jkk) return add(index, kind, `no JKK benefit table is in force on ${input.incidentDate}`);
    const exact = (expected: number, what: string) => {
      if (count > 1) return add(index, kind, `${kind} is paid once`);
      if (amount !== expected)
        add(index, kind, `${kind} is ${what}: ${formatRupiah(expected)} (${jkk.basis}), not ${formatRupiah(amount)}`);
    };
    const capped = (max: number, what: string) => {
      if (total > max)
        add(
          index,
          kind,
          `${kind} is at most ${formatRupiah(max)} (${what}, ${jkk.basis}); the lines so far add up to ${formatRupiah(total)}`,
        );
    };
    switch (kind as BenefitKind) {
      case 'JKK_MEDICAL':
        return;
      case 'JKK_TRANSPORT':
        return capped(jkk.transportMax.land + jkk.transportMax.sea + jkk.transportMax.air, 'land, sea and air transport caps together');
      case 'JKK_HOME_CARE':
        if (jkk.homeCareMax === undefined) return add(index, kind, `home care is not a benefit under ${jkk.basis}`);
        return capped(jkk.homeCareMax, 'home care');
      case 'JKK_TEMPORARY_INCAPACITY':
        return capped(jkk.temporaryIncapacityIncomeMultiple * income, `${jkk.temporaryIncapacityIncomeMultiple} × declared monthly income`);
      case 'JKK_DISABILITY': {
        const max = Math.floor((income * jkk.disabilityIncomeMultiple * jkk.disabilityMaxTenths) / 1000);
        if (input.disabilityItems)
          return capped(
            Math.min(max, disabilityBenefitFor(input.disabilityItems, input.incidentDate, income)),
            `the percentage of ${input.disabilityItems.join(', ')} × ${jkk.disabilityIncomeMultiple} × declared monthly income`,
          );
        return capped(max, `${jkk.disabilityMaxTenths / 10}% × ${jkk.disabilityIncomeMultiple} × declared monthly income`);
      }
      case 'JKK_DEATH':
        if (!input.isDeath) return add(index, kind, 'JKK_DEATH is paid only on a death');
        return exact(jkk.deathIncomeMultiple * income, `${jkk.deathIncomeMultiple} × declared monthly income`);
      case 'JKK_PERIODIC':
        if (!input.isDeath && !input.isTotalPermanentDisability)
          return add(index, kind, 'JKK_PERIODIC is paid only on a death or a total permanent disability');
        return exact(jkk.periodic, 'the periodic benefit paid at once');
      case 'JKK_FUNERAL':
        if (!input.isDeath) return add(index, kind, 'JKK_FUNERAL is paid only on a death');
        return exact(jkk.funeral, 'the funeral costs');
      default:
        return;
    }
  });

  if (input.claimType === 'JKM' && input.isDeath && jkm) {
    for (const kind of ['JKM_LUMP_SUM', 'JKM_PERIODIC', 'JKM_FUNERAL'] as const) {
      if (!seen.has(kind))
        add(null, kind, `${kind} is missing: JKM settles at ${formatRupiah(jkm.lumpSum + jkm.periodic + jkm.funeral)} (${jkm.basis})`);
    }
  }
  return problems;
}
