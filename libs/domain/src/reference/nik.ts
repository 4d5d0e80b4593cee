/**
 * NIK (Nomor Induk Kependudukan), the 16-digit national identity number: `PPRRSS DDMMYY NNNN` =
 * region of issue (province, regency, district), birth date with 40 added to the day for women, a
 * 2-digit year, and a serial. There is no checksum. The region of issue need not be where the worker
 * lives now, and it may be a regency code that existed when the NIK was issued but is gone now (rule
 * 15: the 2022 Papua splits, e.g. 91.01 Merauke, now 93.01; see historical-regions.ts).
 */
import type { FieldError } from '../shared/errors';
import { isRealDate } from '../shared/calendar';
import { isKnownRegion } from './regions';
import { isHistoricalRegency } from './historical-regions';

export type Sex = 'M' | 'F';

export interface DeclaredIdentity {
  sex?: Sex;
  /** YYYY-MM-DD */
  birthDate?: string;
}

/** Every way the NIK is wrong, each with its own message; empty when it is valid. */
export function validateNik(nik: unknown, declared: DeclaredIdentity = {}, field = 'nik'): FieldError[] {
  if (typeof nik !== 'string' || !/^\d{16}$/.test(nik)) return [{ field, message: 'must be exactly 16 digits' }];
  const errors: FieldError[] = [];
  const regency = `${nik.slice(0, 2)}.${nik.slice(2, 4)}`;
  if (!isKnownRegion(regency) && !isHistoricalRegency(regency)) {
    errors.push({
      field,
      message: `digits 1-4 (${nik.slice(0, 4)}) are not a known province and regency: ${regency} is not in the Kemendagri list, now or before the 2022 Papua splits`,
    });
  }
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  // Any year works for the calendar check except 29 February: try both centuries.
  if (!isRealDate(2000 + yy, month, day) && !isRealDate(1900 + yy, month, day)) {
    errors.push({
      field,
      message: `digits 7-12 (${nik.slice(6, 12)}) are not a real birth date, even after taking 40 off the day for women`,
    });
  }
  if (nik.slice(12) === '0000') errors.push({ field, message: 'the serial (digits 13-16) must not be 0000' });
  if (declared.sex && (declared.sex === 'F') !== female) {
    errors.push({ field, message: `the NIK is that of a ${female ? 'woman (day + 40)' : 'man'}, but sex is ${declared.sex}` });
  }
  if (declared.birthDate && errors.length === 0) {
    const [y, m, d] = declared.birthDate.split('-');
    if (!(Number(d) === day && Number(m) === month && Number(y.slice(2)) === yy)) {
      errors.push({ field, message: `the NIK's birth date (${nik.slice(6, 12)}) does not match birthDate ${declared.birthDate}` });
    }
  }
  return errors;
}

/** What the API shows instead of a NIK: region of issue and serial, the birth date hidden (`530301******0001`). */
export function maskNik(nik: string): string {
  return `${nik.slice(0, 6)}******${nik.slice(12)}`;
}

/** Builds a valid NIK (for demonstrations and tests): district code `530301`, birth date, sex, serial. */
export function makeNik(district: string, birthDate: string, sex: Sex, serial: number): string {
  const [y, m, d] = birthDate.split('-');
  const day = String(Number(d) + (sex === 'F' ? 40 : 0)).padStart(2, '0');
  return `${district.replace(/\./g, '')}${day}${m}${y.slice(2)}${String(serial).padStart(4, '0')}`;
}
