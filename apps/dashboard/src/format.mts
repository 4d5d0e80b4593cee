/**
 * Numbers and money are written the Indonesian way whatever the language ("Rp 1.234.567", "12,5%");
 * dates day first with the month in words ("31 Desember 2025", or "31 December 2025" in English).
 */
import { lang } from './i18n.mjs';

const RUPIAH = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0, minimumFractionDigits: 0 });
const NUMBER = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat('id-ID', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const COMPACT = new Intl.NumberFormat('id-ID', { notation: 'compact', maximumFractionDigits: 1 });

export const rupiah = (n: number): string => RUPIAH.format(n);
export const number = (n: number): string => NUMBER.format(n);
export const percent = (ratio: number | null | undefined): string => (ratio === null || ratio === undefined ? '–' : PERCENT.format(ratio));
export const compact = (n: number): string => COMPACT.format(n);

const locale = () => (lang() === 'id' ? 'id-ID' : 'en-GB');

/** `2025-12-31` → "31 Desember 2025" (a calendar date: no time zone shift). */
export function date(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** `2025-12` → "Desember 2025". */
export function month(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** A moment in the browser's time zone: "23 November 2026 16.05". */
export function moment(at: Date): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
    at,
  );
}

/** Today's calendar date in the browser, `YYYY-MM-DD`. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "Kabupaten Timor Tengah Utara" → "Kab. Timor Tengah Utara" for chart axes. */
export function shortName(name: string): string {
  return name.replace(/^Kabupaten /, 'Kab. ').replace(/^Provinsi /, '');
}
