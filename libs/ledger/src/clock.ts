import { timeZoneOf } from '@app/domain';

/**
 * The application reads the clock (deciders never do) and passes "today" into commands. Rule 14:
 * today, the current month and the end of a day are those of the region's own time zone.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function dayIn(zone: string, now: Date): string {
  let format = formats.get(zone);
  if (!format)
    formats.set(zone, (format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(now);
}

/** Today (YYYY-MM-DD) in the region's time zone; Jakarta's for the whole country. */
export function todayIn(regionCode: string, now: Date = new Date()): string {
  return dayIn(timeZoneOf(regionCode).timeZone, now);
}

/** Today in Jakarta (WIB): for country-wide defaults. */
export function today(now: Date = new Date()): string {
  return dayIn('Asia/Jakarta', now);
}

/** The current contribution month in the region (statuses that depend on time passing: LAPSED). */
export function currentPeriod(now: Date = new Date(), regionCode = 'ID'): string {
  return todayIn(regionCode, now).slice(0, 7);
}

/** The current year in the region: the default fiscal year of queries. */
export function currentYear(now: Date = new Date(), regionCode = 'ID'): number {
  return Number(todayIn(regionCode, now).slice(0, 4));
}
