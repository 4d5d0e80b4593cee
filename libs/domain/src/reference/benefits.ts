/**
 * Benefit tables with effective dates. JKM (death benefit) since PP 82/2019: Rp42,000,000 =
 * Rp20,000,000 lump sum + Rp12,000,000 periodic benefit paid at once + Rp10,000,000 funeral costs.
 * Scholarships (Permenaker 5/2021), per child per year, at most 2 children; for JKM deaths only after
 * at least 36 paid months.
 */
import { DECLARED_MONTHLY_INCOME } from './tariffs';

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
  | 'JKK_FUNERAL'
  | 'SCHOLARSHIP';

export const BENEFIT_KINDS: readonly BenefitKind[] = [
  'JKM_LUMP_SUM', 'JKM_PERIODIC', 'JKM_FUNERAL',
  'JKK_MEDICAL', 'JKK_TRANSPORT', 'JKK_HOME_CARE', 'JKK_TEMPORARY_INCAPACITY', 'JKK_DISABILITY', 'JKK_DEATH', 'JKK_FUNERAL',
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

export const JKM_TABLES: readonly JkmTable[] = [
  { from: '2019-12-02', lumpSum: 20_000_000, periodic: 12_000_000, funeral: 10_000_000, basis: 'PP 82/2019' },
  { from: '2015-07-01', lumpSum: 16_200_000, periodic: 4_800_000, funeral: 3_000_000, basis: 'PP 44/2015' },
];

export interface ScholarshipTable {
  from: string;
  /** Per child per year by school level: TK/SD, SMP, SMA, university. */
  perChildPerYear: { TK_SD: number; SMP: number; SMA: number; UNIVERSITY: number };
  maxChildren: number;
  /** JKM deaths qualify only after this many paid months. */
  jkmMinimumPaidMonths: number;
  basis: string;
}

export const SCHOLARSHIP_TABLES: readonly ScholarshipTable[] = [
  {
    from: '2021-02-02',
    perChildPerYear: { TK_SD: 1_500_000, SMP: 2_000_000, SMA: 3_000_000, UNIVERSITY: 12_000_000 },
    maxChildren: 2,
    jkmMinimumPaidMonths: 36,
    basis: 'Permenaker 5/2021',
  },
];

export function jkmTableOn(incidentDate: string): JkmTable | undefined {
  return JKM_TABLES.find((t) => incidentDate >= t.from);
}

export function scholarshipTableOn(incidentDate: string): ScholarshipTable | undefined {
  return SCHOLARSHIP_TABLES.find((t) => incidentDate >= t.from);
}

/** JKK death from a work accident: 48 × declared monthly income. */
export const JKK_DEATH_BENEFIT = 48 * DECLARED_MONTHLY_INCOME;
