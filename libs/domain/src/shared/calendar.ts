/** Business dates (YYYY-MM-DD) and contribution periods (YYYY-MM), as strings: no time zones involved. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d);
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** The contribution period a date falls in. */
export function periodOf(date: string): string {
  return date.slice(0, 7);
}

export function yearOf(dateOrPeriod: string): number {
  return Number(dateOrPeriod.slice(0, 4));
}

/** Periods shifted by a few months, remembered: batches of a national cohort ask the same ones millions of times. */
const shifted = new Map<string, string>();

export function addMonths(period: string, months: number): string {
  const key = `${period}|${months}`;
  let answer = shifted.get(key);
  if (answer === undefined) {
    const [y, m] = period.split('-').map(Number);
    const index = y * 12 + (m - 1) + months;
    answer = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    if (shifted.size < 100_000) shifted.set(key, answer);
  }
  return answer;
}

/** Whole months from `from` to `to` (negative when `to` is earlier). */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return ty * 12 + tm - (fy * 12 + fm);
}
