import { COUNTRY, InvalidInput } from '@app/domain';
import { assertRegionAccess } from '../auth/region-scope';
import type { AuthUser } from '../auth/user';

/** The region a list query covers: the one asked for, or the user's only region (or the country). */
export function scopeOfList(user: AuthUser, regionCode: string | undefined): string {
  if (regionCode) {
    assertRegionAccess(user, regionCode);
    return regionCode;
  }
  if (user.regions.includes(COUNTRY)) return COUNTRY;
  if (user.regions.length === 1) return user.regions[0];
  throw new InvalidInput([{ field: 'regionCode', message: 'is required for a user of several regions' }]);
}
