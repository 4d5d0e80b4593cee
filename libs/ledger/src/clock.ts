/** Queries and the HTTP shell may read the clock (deciders never do); the business day is Jakarta's (WIB). */
const JAKARTA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today in Jakarta, YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  return JAKARTA_DAY.format(now);
}

/** The current contribution month, for statuses that depend on time passing (LAPSED). */
export function currentPeriod(now: Date = new Date()): string {
  return today(now).slice(0, 7);
}

/** The current year: the default fiscal year of queries. */
export function currentYear(now: Date = new Date()): number {
  return Number(today(now).slice(0, 4));
}
