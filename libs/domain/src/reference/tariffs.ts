/**
 * Contribution tariff of the lowest income bracket (declared income Rp1,000,000 a month) for
 * pekerja bukan penerima upah (non-wage workers): JKK 1% of declared income + JKM Rp6,800.
 * Rates carry effective periods, so a replay of 2020 uses 2020 rates.
 */
export interface Tariff {
  /** First contribution period (YYYY-MM) the rate applies to. */
  from: string;
  /** Last period, inclusive; open-ended when absent. */
  to?: string;
  jkk: number;
  jkm: number;
  basis: string;
}

export const DECLARED_MONTHLY_INCOME = 1_000_000;

/** Newest first: the first that covers a period is the one in force. */
export const TARIFFS: readonly Tariff[] = [
  { from: '2021-02', jkk: 10_000, jkm: 6_800, basis: 'PP 44/2015 as amended by PP 82/2019' },
  { from: '2020-08', to: '2021-01', jkk: 100, jkm: 68, basis: 'PP 49/2020: 99% discount during the COVID-19 pandemic' },
  { from: '2015-07', to: '2020-07', jkk: 10_000, jkm: 6_800, basis: 'PP 44/2015' },
];

export interface Contribution {
  jkk: number;
  jkm: number;
  total: number;
  basis: string;
}

export function contributionFor(period: string): Contribution {
  const tariff = TARIFFS.find((t) => period >= t.from && (t.to === undefined || period <= t.to));
  if (!tariff) throw new RangeError(`no contribution tariff is known for ${period}`);
  return { jkk: tariff.jkk, jkm: tariff.jkm, total: tariff.jkk + tariff.jkm, basis: tariff.basis };
}
