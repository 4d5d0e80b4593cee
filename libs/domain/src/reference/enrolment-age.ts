/**
 * Who can be enrolled by age (domain.md rule 15): at least 15 and at most 65 years old on `enrolledOn`.
 * The limits are ours (reference data), not a regulation's: 15 is the minimum working age for light
 * work in UU 13/2003 and the age BPS counts the working-age population from; 65 bounds the programme
 * for informal workers in this system. Dates are YYYY-MM-DD.
 */
import type { FieldError } from '../shared/errors';
import { isDate } from '../shared/calendar';

export interface EnrolmentAgeRule {
  /** First `enrolledOn` the rule applies to. */
  from: string;
  minAge: number;
  maxAge: number;
  basis: string;
}

export const ENROLMENT_AGE_RULES: readonly EnrolmentAgeRule[] = [
  { from: '0001-01-01', minAge: 15, maxAge: 65, basis: 'ours (domain.md rule 15): aged 15 to 65 inclusive on enrolledOn' },
];

export function enrolmentAgeRuleOn(date: string): EnrolmentAgeRule {
  return ENROLMENT_AGE_RULES.find((r) => date >= r.from)!;
}

/**
 * Age in whole years on `date`. Someone born on 29 February turns a year older on 1 March in a year
 * without 29 February. Negative when `date` is before the birth date's anniversary in year 0.
 */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  const beforeBirthday = m < bm || (m === bm && d < bd);
  return y - by - (beforeBirthday ? 1 : 0);
}

/** Every reason the worker's age refuses the enrolment (rule 15), as field errors; empty when fine. */
export function checkEnrolmentAge(birthDate: string, enrolledOn: string, field = 'birthDate'): FieldError[] {
  if (!isDate(birthDate)) return [{ field, message: 'must be a real date YYYY-MM-DD' }];
  if (!isDate(enrolledOn)) return [{ field: 'enrolledOn', message: 'must be a real date YYYY-MM-DD' }];
  if (birthDate > enrolledOn) return [{ field, message: `is after enrolledOn ${enrolledOn}` }];
  const rule = enrolmentAgeRuleOn(enrolledOn);
  const age = ageOn(birthDate, enrolledOn);
  if (age < rule.minAge)
    return [{ field, message: `the worker is ${age} on ${enrolledOn}; enrolment needs at least ${rule.minAge} years (${rule.basis})` }];
  if (age > rule.maxAge)
    return [{ field, message: `the worker is ${age} on ${enrolledOn}; enrolment allows at most ${rule.maxAge} years (${rule.basis})` }];
  return [];
}
