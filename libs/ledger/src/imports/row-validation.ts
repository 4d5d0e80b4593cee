import { FieldError, isDate, isKnownRegion, OCCUPATIONS } from '@app/domain';

/**
 * Checks the fields of one enrolment (a roster row with the import's allocationId and enrolledOn) as
 * the body of `POST /api/v1/workers` is checked; answers every bad field, or none. The API passes the
 * check of its own `EnrolWorkerDto` (class-validator, the very rules of a single enrolment); the CLI,
 * which may not import the API, uses `enrolmentFieldErrors` below: the same rules written with the
 * same domain functions the DTO's validators call (isDate, isKnownRegion, OCCUPATIONS). Everything
 * past the shape of the fields (the NIK against sex and birth date, age, region access, the sponsor's
 * region, dates in the future, an active NIK) is decided by the enrolment command itself.
 */
export type RowValidator = (input: Record<string, unknown>) => FieldError[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const yearOf = (v: string) => Number(v.slice(0, 4));
const isString = (v: unknown): v is string => typeof v === 'string';

export const enrolmentFieldErrors: RowValidator = (input) => {
  const errors: FieldError[] = [];
  const { nik, fullName, birthDate, sex, regionCode, occupation, allocationId, enrolledOn } = input;
  if (!isString(nik) || !/^\d{16}$/.test(nik)) errors.push({ field: 'nik', message: 'nik must be exactly 16 digits' });
  if (!isString(fullName) || fullName.length === 0) errors.push({ field: 'fullName', message: 'fullName should not be empty' });
  else if (fullName.length > 200) errors.push({ field: 'fullName', message: 'fullName must be shorter than or equal to 200 characters' });
  if (!isString(birthDate) || !isDate(birthDate) || yearOf(birthDate) < 1900 || yearOf(birthDate) > 2100)
    errors.push({ field: 'birthDate', message: 'must be a real date written YYYY-MM-DD, from 1900 to 2100' });
  if (sex !== 'M' && sex !== 'F') errors.push({ field: 'sex', message: 'sex must be one of the following values: M, F' });
  if (!isString(regionCode) || regionCode.length > 20 || !isKnownRegion(regionCode))
    errors.push({ field: 'regionCode', message: 'must be a known Kemendagri region code such as 53.03' });
  if (!isString(occupation) || !(OCCUPATIONS as readonly string[]).includes(occupation))
    errors.push({ field: 'occupation', message: `occupation must be one of the following values: ${OCCUPATIONS.join(', ')}` });
  if (!isString(allocationId) || !UUID.test(allocationId)) errors.push({ field: 'allocationId', message: 'allocationId must be a UUID' });
  if (!isString(enrolledOn) || !isDate(enrolledOn) || yearOf(enrolledOn) < 2015 || yearOf(enrolledOn) > 2100)
    errors.push({ field: 'enrolledOn', message: 'must be a real date written YYYY-MM-DD, from 2015 to 2100' });
  return errors;
};
