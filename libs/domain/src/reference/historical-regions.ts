/**
 * Regency codes that no longer exist but were valid when a NIK was issued (domain.md rule 15).
 *
 * The 2022 Papua splits created four provinces out of Papua (91) and Papua Barat (92):
 * - 93 Papua Selatan (UU 14/2022), 94 Papua Tengah (UU 15/2022), 95 Papua Pegunungan (UU 16/2022),
 *   all in force 25 July 2022, out of Papua (91);
 * - 96 Papua Barat Daya (UU 29/2022, 8 December 2022) out of Papua Barat (92).
 * Their regencies kept their names and got new codes; a NIK issued before carries the old code (e.g.
 * 91.01 Merauke, now 93.01).
 *
 * Sources: the old codes are those of the Kemendagri code lists before the splits (Permendagri
 * 137/2017 and Permendagri 72/2019: 91.01-91.28 and 91.71 for Papua, 92.01-92.12 and 92.71 for Papua
 * Barat), as we know them; we checked them against a published copy of the pre-2022 list for 91.xx and
 * 92.01-92.05, and against the codes that kept their number in the current list. The new codes and
 * names are those of `data/regions-kepmendagri-2025.json` (Kepmendagri 300.2.2-2138/2025); the pairing
 * is by regency name (the spec asserts that every successor exists there with the same name). The
 * table below is ours, compiled from those two lists.
 */
import { findRegion } from './regions';

export interface HistoricalRegency {
  /** The code before the split, `PP.RR`. */
  code: string;
  name: string;
  /** The code the same regency has now. */
  successor: string;
  /** Last day the old code was current (the day before the law creating the new province took effect). */
  until: string;
  basis: string;
}

const PAPUA_2022 = {
  until: '2022-07-24',
  basis: 'UU 14/2022, 15/2022, 16/2022 (Papua Selatan, Papua Tengah, Papua Pegunungan) out of Papua (91)',
};
const PAPUA_BARAT_DAYA_2022 = { until: '2022-12-07', basis: 'UU 29/2022 (Papua Barat Daya) out of Papua Barat (92)' };

export const HISTORICAL_REGENCIES: readonly HistoricalRegency[] = [
  // Papua Selatan (93)
  { code: '91.01', name: 'Kabupaten Merauke', successor: '93.01', ...PAPUA_2022 },
  { code: '91.16', name: 'Kabupaten Boven Digoel', successor: '93.02', ...PAPUA_2022 },
  { code: '91.17', name: 'Kabupaten Mappi', successor: '93.03', ...PAPUA_2022 },
  { code: '91.18', name: 'Kabupaten Asmat', successor: '93.04', ...PAPUA_2022 },
  // Papua Tengah (94)
  { code: '91.04', name: 'Kabupaten Nabire', successor: '94.01', ...PAPUA_2022 },
  { code: '91.07', name: 'Kabupaten Puncak Jaya', successor: '94.02', ...PAPUA_2022 },
  { code: '91.08', name: 'Kabupaten Paniai', successor: '94.03', ...PAPUA_2022 },
  { code: '91.09', name: 'Kabupaten Mimika', successor: '94.04', ...PAPUA_2022 },
  { code: '91.25', name: 'Kabupaten Puncak', successor: '94.05', ...PAPUA_2022 },
  { code: '91.26', name: 'Kabupaten Dogiyai', successor: '94.06', ...PAPUA_2022 },
  { code: '91.27', name: 'Kabupaten Intan Jaya', successor: '94.07', ...PAPUA_2022 },
  { code: '91.28', name: 'Kabupaten Deiyai', successor: '94.08', ...PAPUA_2022 },
  // Papua Pegunungan (95)
  { code: '91.02', name: 'Kabupaten Jayawijaya', successor: '95.01', ...PAPUA_2022 },
  { code: '91.12', name: 'Kabupaten Pegunungan Bintang', successor: '95.02', ...PAPUA_2022 },
  { code: '91.13', name: 'Kabupaten Yahukimo', successor: '95.03', ...PAPUA_2022 },
  { code: '91.14', name: 'Kabupaten Tolikara', successor: '95.04', ...PAPUA_2022 },
  { code: '91.21', name: 'Kabupaten Mamberamo Tengah', successor: '95.05', ...PAPUA_2022 },
  { code: '91.22', name: 'Kabupaten Yalimo', successor: '95.06', ...PAPUA_2022 },
  { code: '91.23', name: 'Kabupaten Lanny Jaya', successor: '95.07', ...PAPUA_2022 },
  { code: '91.24', name: 'Kabupaten Nduga', successor: '95.08', ...PAPUA_2022 },
  // Papua Barat Daya (96)
  { code: '92.01', name: 'Kabupaten Sorong', successor: '96.01', ...PAPUA_BARAT_DAYA_2022 },
  { code: '92.04', name: 'Kabupaten Sorong Selatan', successor: '96.02', ...PAPUA_BARAT_DAYA_2022 },
  { code: '92.05', name: 'Kabupaten Raja Ampat', successor: '96.03', ...PAPUA_BARAT_DAYA_2022 },
  { code: '92.09', name: 'Kabupaten Tambrauw', successor: '96.04', ...PAPUA_BARAT_DAYA_2022 },
  { code: '92.10', name: 'Kabupaten Maybrat', successor: '96.05', ...PAPUA_BARAT_DAYA_2022 },
  { code: '92.71', name: 'Kota Sorong', successor: '96.71', ...PAPUA_BARAT_DAYA_2022 },
];

const byCode = new Map(HISTORICAL_REGENCIES.map((r) => [r.code, r]));

/** The former regency a code names, if it is one. */
export function historicalRegency(code: string): HistoricalRegency | undefined {
  return byCode.get(code);
}

/** A regency code that was valid when a NIK was issued, even if it is not in the current list. */
export function isHistoricalRegency(code: string): boolean {
  return byCode.has(code);
}

/** The current code of a regency (`91.01` → `93.01`); a current code is returned unchanged, undefined if unknown. */
export function currentRegencyCode(code: string): string | undefined {
  const old = byCode.get(code);
  if (old) return old.successor;
  return findRegion(code)?.level === 'regency' ? code : undefined;
}
