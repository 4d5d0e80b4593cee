/**
 * The public figures the system must hold (shared/spec/domain.md), as a scenario. Worker counts and
 * the amounts derived from them are multiplied by --scale; at scale 1 they are the reported figures.
 */
export const WORKER_MONTH = 16_800;

export interface Cohort {
  name: string;
  regionCode: string;
  fundingSource: 'APBD_PROVINSI' | 'APBD_KABUPATEN_KOTA' | 'DANA_DESA';
  workers: number;
  /** Where the workers live: the cohort's region (its villages) or, for a province, its regencies. */
  enrolledOn: string;
  legalBasis: string;
  /** Months paid, YYYY-MM. */
  months: string[];
  occupation?: 'PERANGKAT_DESA';
}

const months = (from: string, to: string) => {
  const out: string[] = [];
  for (let [y, m] = from.split('-').map(Number); `${y}-${String(m).padStart(2, '0')}` <= to; m === 12 ? ((m = 1), y++) : m++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
};

/** NTT (53): 100,000 workers from July 2025 (launched 21 July 2025), Rp10.8 billion budgeted for 2025. */
export const NTT_2025 = {
  regionCode: '53',
  workers: 100_000,
  budget: 10_800_000_000,
  launchedOn: '2025-07-21',
  months: months('2025-07', '2025-12'),
};
/** NTT 2026: 50,000 of them for 12 months, Rp10.08 billion = 50,000 × Rp16,800 × 12. */
export const NTT_2026 = { workers: 50_000, budget: 10_080_000_000, months: months('2026-01', '2026-12') };
/** About 1,000,000 informal workers in NTT (vs ~600,000 formal). */
export const NTT_INFORMAL_WORKFORCE = 1_000_000;

/** TTU (53.03): 14,880 workers from 7 July 2025 on the regency APBD: ~Rp250 million a month, ~Rp3 billion a year. */
export const TTU = {
  regionCode: '53.03',
  workers: 14_880,
  enrolledOn: '2025-07-07',
  months2025: months('2025-07', '2025-12'),
  months2026: months('2026-01', '2026-12'),
};
/** Some TTU workers are paid by the province at the same time: that share is offered to the province's batches. */
export const TTU_ALSO_OFFERED_TO_PROVINCE = 0.02;
/** Village officials (perangkat desa) covered from village funds (Dana Desa): a few TTU villages. */
export const TTU_DANA_DESA = { villages: 5, officialsPerVillage: 10 };

/** NTB (52), June 2025: 698,000 poor residents, ~57,000 covered (8%), paid by the province and regencies. */
export const NTB = {
  period: '2025-06',
  enrolledOn: '2025-06-01',
  poorResidents: 698_000,
  payers: [
    { regionCode: '52', name: 'Provinsi NTB', workers: 13_000 },
    { regionCode: '52.03', name: 'Lombok Timur', workers: 17_000 },
    { regionCode: '52.02', name: 'Lombok Tengah', workers: 12_000 },
    { regionCode: '52.04', name: 'Sumbawa', workers: 5_700 },
    { regionCode: '52.05', name: 'Dompu', workers: 3_200 },
    { regionCode: '52.72', name: 'Kota Bima', workers: 2_000 },
    { regionCode: '52.06', name: 'Kabupaten Bima', workers: 1_000 },
    { regionCode: '52.07', name: 'Sumbawa Barat', workers: 1_000 },
    { regionCode: '52.08', name: 'Lombok Utara', workers: 1_050 },
    { regionCode: '52.71', name: 'Kota Mataram', workers: 0 },
  ],
};

/**
 * NTT claims by December 2025: Rp846 million of JKK and JKM benefits to 40 participants, scholarships
 * for children of deceased participants included. The split below is ours; the totals are reported:
 * 12 JKM deaths × Rp42m + 3 JKK deaths × Rp70m (48m + 12m periodic + 10m funeral) with Rp21.5m of
 * scholarships + 25 injuries × Rp4.42m = Rp846m.
 */
export const NTT_CLAIMS = {
  count: 40,
  total: 846_000_000,
  jkmDeaths: 12,
  jkkDeaths: [{ scholarships: [12_000_000, 3_000_000] }, { scholarships: [2_000_000, 1_500_000] }, { scholarships: [3_000_000] }],
  /** 25 injuries with medical care: what the reported total leaves after the deaths. */
  jkkInjuries: { count: 25, medical: 4_420_000 },
};
