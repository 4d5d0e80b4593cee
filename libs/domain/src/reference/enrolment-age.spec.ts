import { ageOn, checkEnrolmentAge } from './enrolment-age';

describe('enrolment age (rule 15)', () => {
  it('counts whole years, a birthday counting on the day itself', () => {
    expect(ageOn('1985-01-07', '2025-01-06')).toBe(39);
    expect(ageOn('1985-01-07', '2025-01-07')).toBe(40);
    expect(ageOn('2000-02-29', '2015-02-28')).toBe(14);
    expect(ageOn('2000-02-29', '2015-03-01')).toBe(15);
    expect(ageOn('2000-02-29', '2016-02-29')).toBe(16);
  });

  it('refuses a 10-year-old farmer', () => {
    const errors = checkEnrolmentAge('2015-03-01', '2025-07-21');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ field: 'birthDate' });
    expect(errors[0].message).toMatch(/is 10 on 2025-07-21; enrolment needs at least 15/);
  });

  it('accepts 15 on the birthday and refuses the day before', () => {
    expect(checkEnrolmentAge('2010-07-21', '2025-07-21')).toEqual([]);
    expect(checkEnrolmentAge('2010-07-22', '2025-07-21')[0].message).toMatch(/is 14/);
  });

  it('accepts 65 up to the day before the 66th birthday and refuses from it', () => {
    expect(checkEnrolmentAge('1960-07-22', '2025-07-21')).toEqual([]);
    expect(checkEnrolmentAge('1959-07-21', '2025-07-21')[0].message).toMatch(/is 66 .* at most 65/);
  });

  it('refuses a birth date after the enrolment or that is not a date', () => {
    expect(checkEnrolmentAge('2026-01-01', '2025-07-21')[0].message).toMatch(/after enrolledOn/);
    expect(checkEnrolmentAge('1985-02-30', '2025-07-21')[0].message).toMatch(/real date/);
  });
});
