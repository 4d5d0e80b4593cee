import { contains, COUNTRY, Forbidden, InvalidInput } from '@app/domain';
import type { Filter } from '@app/read-models';
import type { Caller } from '../command-seam/command-context';

/** A caller acts and reads only inside their regions (a region includes its descendants). */
export function canAccessRegion(caller: Pick<Caller, 'regions'>, regionCode: string): boolean {
  return caller.regions.some((r) => contains(r, regionCode));
}

export function assertRegionAccess(caller: Pick<Caller, 'userId' | 'regions'>, regionCode: string): void {
  if (!canAccessRegion(caller, regionCode)) throw new Forbidden(`user ${caller.userId} may not act on or see region ${regionCode}`);
}

/** The region a list query covers: the one asked for, or the caller's only region (or the country). */
export function scopeOfList(caller: Pick<Caller, 'userId' | 'regions'>, regionCode: string | undefined): string {
  if (regionCode) {
    assertRegionAccess(caller, regionCode);
    return regionCode;
  }
  if (caller.regions.includes(COUNTRY)) return COUNTRY;
  if (caller.regions.length === 1) return caller.regions[0];
  throw new InvalidInput([{ field: 'regionCode', message: 'is required for a user of several regions' }]);
}

/**
 * A region and its descendants as a range on the code: descendants of `53.03` are `53.03` and
 * `53.03.…`, which sort between `53.03` and `53.03~` ('~' sorts after digits and '.').
 */
export function subtreeFilter(field: string, regionCode: string): Filter {
  return regionCode === COUNTRY ? {} : { [field]: { gte: regionCode, lt: `${regionCode}~` } };
}
