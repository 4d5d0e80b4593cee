import { childrenOf, EnrolWorker, makeNik, Occupation, Sex } from '@app/domain';

/** A small deterministic PRNG (mulberry32): the same scale always generates the same people. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN_M = [
  'Yohanes',
  'Agustinus',
  'Fransiskus',
  'Petrus',
  'Yosef',
  'Markus',
  'Antonius',
  'Dominikus',
  'Lalu',
  'Muhammad',
  'Ahmad',
  'Rudi',
];
const GIVEN_F = ['Maria', 'Fransiska', 'Yuliana', 'Theresia', 'Agnes', 'Margareta', 'Baiq', 'Siti', 'Nur', 'Dewi', 'Rosa', 'Elisabeth'];
const FAMILY = ['Taek', 'Bana', 'Nino', 'Kefi', 'Sanam', 'Atok', 'Nahak', 'Seran', 'Hidayat', 'Saputra', 'Wulan', 'Lake'];
const OCCUPATIONS: Occupation[] = [
  'PETANI',
  'PETANI',
  'PETANI',
  'NELAYAN',
  'PETERNAK',
  'PEDAGANG',
  'OJEK',
  'BURUH_HARIAN',
  'PENGRAJIN',
  'LAINNYA',
];

export type Person = Pick<EnrolWorker, 'nik' | 'fullName' | 'birthDate' | 'sex' | 'regionCode' | 'occupation'>;

/** Villages (desa and kelurahan) below a regency. */
export function villagesOf(regency: string): string[] {
  return childrenOf(regency).flatMap((district) => childrenOf(district));
}

/** Generates valid, unique people living in the given villages. */
export class PeopleFactory {
  private readonly next = random(20250721);
  private readonly serials = new Map<string, number>();

  person(village: string, occupation?: Occupation): Person {
    const r = this.next;
    const sex: Sex = r() < 0.5 ? 'M' : 'F';
    const district = village.split('.').slice(0, 3).join('.');
    // Unique per district: the counter walks through birth dates and serials.
    const n = this.serials.get(district) ?? 0;
    this.serials.set(district, n + 1);
    const birth = new Date(Date.UTC(1965, 0, 1) + ((n * 7919) % 14_600) * 86_400_000);
    const birthDate = birth.toISOString().slice(0, 10);
    const serial = (Math.floor(n / 14_600) % 9_999) + 1;
    const given = (sex === 'M' ? GIVEN_M : GIVEN_F)[Math.floor(r() * 12)];
    return {
      nik: makeNik(district, birthDate, sex, serial),
      fullName: `${given} ${FAMILY[Math.floor(r() * FAMILY.length)]}`,
      birthDate,
      sex,
      regionCode: village,
      occupation: occupation ?? OCCUPATIONS[Math.floor(r() * OCCUPATIONS.length)],
    };
  }
}
