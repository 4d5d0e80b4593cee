import { ValidateBy, ValidationOptions } from 'class-validator';
import { isDate, isKnownRegion, isPeriod } from '@app/domain';

/** api.md "Bounds and hostile input": amounts 0 to Rp100 trillion, counts 0 to 1,000,000,000 (exact integers). */
export const MAX_AMOUNT = 100_000_000_000_000;
export const MAX_COUNT = 1_000_000_000;
/** Years: from 1900 for birth dates, from 2015 for anything about money (the first tariff is July 2015), up to 2100. */
export const FIRST_BIRTH_YEAR = 1900;
export const FIRST_MONEY_YEAR = 2015;
export const LAST_YEAR = 2100;

const yearOf = (v: string) => Number(v.slice(0, 4));

/** A Kemendagri region code that exists (`53`, `53.03`, `53.03.01`, `53.03.01.2001`) or `ID`. */
export const IsRegionCode = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isRegionCode',
      validator: {
        validate: (v) => typeof v === 'string' && v.length <= 20 && isKnownRegion(v),
        defaultMessage: () => 'must be a known Kemendagri region code such as 53.03',
      },
    },
    options,
  );

/** A real calendar date written YYYY-MM-DD, from 2015 to 2100 (a business date: anything about money). */
export const IsBusinessDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isBusinessDate',
      validator: {
        validate: (v) => typeof v === 'string' && isDate(v) && yearOf(v) >= FIRST_MONEY_YEAR && yearOf(v) <= LAST_YEAR,
        defaultMessage: () => `must be a real date written YYYY-MM-DD, from ${FIRST_MONEY_YEAR} to ${LAST_YEAR}`,
      },
    },
    options,
  );

/** A birth date: a real calendar date written YYYY-MM-DD, from 1900 to 2100. */
export const IsBirthDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isBirthDate',
      validator: {
        validate: (v) => typeof v === 'string' && isDate(v) && yearOf(v) >= FIRST_BIRTH_YEAR && yearOf(v) <= LAST_YEAR,
        defaultMessage: () => `must be a real date written YYYY-MM-DD, from ${FIRST_BIRTH_YEAR} to ${LAST_YEAR}`,
      },
    },
    options,
  );

/** A contribution month written YYYY-MM, from 2015 to 2100. */
export const IsPeriod = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isPeriod',
      validator: {
        validate: (v) => typeof v === 'string' && isPeriod(v) && yearOf(v) >= FIRST_MONEY_YEAR && yearOf(v) <= LAST_YEAR,
        defaultMessage: () => `must be a month written YYYY-MM, from ${FIRST_MONEY_YEAR} to ${LAST_YEAR}`,
      },
    },
    options,
  );

/** Whole rupiah: a JSON integer, not a string, not a fraction, not negative, at most Rp100 trillion. */
export const IsRupiah = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isRupiah',
      validator: {
        validate: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_AMOUNT,
        defaultMessage: () => `must be whole rupiah: a JSON integer from 0 to ${MAX_AMOUNT.toLocaleString('en')}`,
      },
    },
    options,
  );

/** A count (workers): a JSON integer from 0 to 1,000,000,000. */
export const IsCount = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCount',
      validator: {
        validate: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_COUNT,
        defaultMessage: () => `must be a JSON integer from 0 to ${MAX_COUNT.toLocaleString('en')}`,
      },
    },
    options,
  );
