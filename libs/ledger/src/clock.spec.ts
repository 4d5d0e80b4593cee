import { currentPeriod, currentYear, today } from './clock';

describe('the business clock (Jakarta, WIB = UTC+7)', () => {
  it('turns the year and month at midnight in Jakarta, not in UTC', () => {
    const newYearInJakarta = new Date('2025-12-31T17:30:00Z');
    expect(today(newYearInJakarta)).toBe('2026-01-01');
    expect(currentPeriod(newYearInJakarta)).toBe('2026-01');
    expect(currentYear(newYearInJakarta)).toBe(2026);
    expect(today(new Date('2025-12-31T16:59:00Z'))).toBe('2025-12-31');
  });
});
