import { ForbiddenException } from '@nestjs/common';
import { contains } from '@app/domain';
import { AuthUser } from './user';

/** A user acts and reads only inside their regions (a region includes its descendants). */
export function canAccessRegion(user: Pick<AuthUser, 'regions'>, regionCode: string): boolean {
  return user.regions.some((r) => contains(r, regionCode));
}

export function assertRegionAccess(user: AuthUser, regionCode: string): void {
  if (!canAccessRegion(user, regionCode)) {
    throw new ForbiddenException(`user ${user.userId} may not act on or see region ${regionCode}`);
  }
}
