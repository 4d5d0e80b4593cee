import { currentPeriod, currentYear, today, todayIn } from './clock';

describe('the business clock (Jakarta, WIB = UTC+7)', () => {
  it('turns the year and month at midnight in Jakarta, not in UTC', () => {
    const newYearInJakarta = new Date('2025-12-31T17:30:00Z');
    expect(today(newYearInJakarta)).toBe('2026-01-01');
    expect(currentPeriod(newYearInJakarta)).toBe('2026-01');
    expect(currentYear(newYearInJakarta)).toBe(2026);
    expect(today(new Date('2025-12-31T16:59:00Z'))).toBe('2025-12-31');
  });
});

describe("whose today (rule 14): the region's own time zone", () => {
  it('at 00:30 WIT on 1 December it is already December in Jayapura, still November in Jakarta', () => {
    const now = new Date('2025-11-30T15:30:00Z');
    expect(todayIn('91.71', now)).toBe('2025-12-01');
    expect(todayIn('53.03', now)).toBe('2025-11-30');
    expect(todayIn('31', now)).toBe('2025-11-30');
  });

  it('WITA for NTT and NTB, WIB for Kalimantan Barat, WIT for Papua Selatan', () => {
    const now = new Date('2025-12-31T16:30:00Z');
    expect(todayIn('52', now)).toBe('2026-01-01');
    expect(todayIn('61', now)).toBe('2025-12-31');
    expect(todayIn('93.01', now)).toBe('2026-01-01');
  });
});
