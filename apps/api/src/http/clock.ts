/** The current year in Jakarta (WIB): the default fiscal year of queries. Queries may read the clock; deciders never do. */
export function currentYear(now: Date = new Date()): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Jakarta', year: 'numeric' }).format(now));
}
