import { dueDateOf, dueDateRuleFor, isLatePayment } from './due-dates';

describe('contribution due dates', () => {
  it('are the 15th of the next month ordinarily', () => {
    expect(dueDateOf('2025-07')).toBe('2025-08-15');
    expect(dueDateOf('2025-12')).toBe('2026-01-15');
    expect(dueDateOf('2020-07')).toBe('2020-08-15');
    expect(dueDateOf('2021-02')).toBe('2021-03-15');
  });

  it('are the 30th of the next month for the PP 49/2020 relief months (August 2020 to January 2021)', () => {
    expect(dueDateOf('2020-08')).toBe('2020-09-30');
    expect(dueDateOf('2020-12')).toBe('2021-01-30');
    expect(dueDateRuleFor('2020-10').basis).toMatch(/PP 49\/2020/);
  });

  it('take the last day of a month without a 30th (January 2021 is due in February)', () => {
    expect(dueDateOf('2021-01')).toBe('2021-02-28');
  });

  it('tell late payments from payments on the due date', () => {
    expect(isLatePayment('2025-07', '2025-08-15')).toBe(false);
    expect(isLatePayment('2025-07', '2025-08-16')).toBe(true);
    expect(isLatePayment('2020-08', '2020-09-30')).toBe(false);
  });

  it('refuse what is not a period', () => {
    expect(() => dueDateOf('2025-13')).toThrow(RangeError);
  });
});
