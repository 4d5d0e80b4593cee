import { ValidateBy, ValidationOptions } from 'class-validator';
import { isDate, isKnownRegion, isPeriod } from '@app/domain';

/** A Kemendagri region code that exists (`53`, `53.03`, `53.03.01`, `53.03.01.2001`) or `ID`. */
export const IsRegionCode = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isRegionCode', validator: { validate: (v) => typeof v === 'string' && isKnownRegion(v), defaultMessage: () => 'must be a known Kemendagri region code such as 53.03' } }, options);

/** A real calendar date written YYYY-MM-DD. */
export const IsBusinessDate = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isBusinessDate', validator: { validate: (v) => typeof v === 'string' && isDate(v), defaultMessage: () => 'must be a real date written YYYY-MM-DD' } }, options);

/** A contribution month written YYYY-MM. */
export const IsPeriod = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isPeriod', validator: { validate: (v) => typeof v === 'string' && isPeriod(v), defaultMessage: () => 'must be a month written YYYY-MM' } }, options);

/** Whole rupiah: a JSON integer, not a string, not a fraction, not negative. */
export const IsRupiah = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isRupiah',
      validator: {
        validate: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
        defaultMessage: () => 'must be whole rupiah: a non-negative JSON integer',
      },
    },
    options,
  );
