import { isDate } from '@app/domain';

/** Hours ahead of UTC of a region's time zone: WIB (+7), WITA (+8), WIT (+9), by province. */
export function utcOffsetHours(regionCode: string): number {
  const province = regionCode.slice(0, 2);
  if (['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76'].includes(province)) return 8;
  if (['81', '82', '91', '92', '93', '94', '95', '96'].includes(province)) return 9;
  return 7;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `asOf` as an instant: an ISO 8601 timestamp with offset, or a date meaning the end of that day in
 * the region's time zone (the last millisecond). Undefined when malformed.
 */
export function parseAsOf(value: string, regionCode: string): Date | undefined {
  if (isDate(value)) {
    const [y, m, d] = value.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + 1) - utcOffsetHours(regionCode) * 3_600_000 - 1);
  }
  if (!INSTANT.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}
