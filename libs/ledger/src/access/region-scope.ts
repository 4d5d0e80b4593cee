import { Conflict, contains, COUNTRY, Forbidden, InvalidInput, NotFound } from '@app/domain';
import type { Filter } from '@app/read-models';
import type { Caller } from '../command-seam/command-context';

/** A caller acts and reads only inside their regions (a region includes its descendants). */
export function canAccessRegion(caller: Pick<Caller, 'regions'>, regionCode: string): boolean {
  return caller.regions.some((r) => contains(r, regionCode));
}

/**
 * For a region the request itself names (in its body, path or query string): outside the caller's
 * regions is a 403. The answer names only what the caller sent.
 */
export function assertRegionAccess(caller: Pick<Caller, 'userId' | 'regions'>, regionCode: string): void {
  if (!canAccessRegion(caller, regionCode)) throw new Forbidden(`user ${caller.userId} may not act on or see region ${regionCode}`);
}

/**
 * For a resource the request names by id (a worker, an allocation, a claim) and that was looked up:
 * one outside the caller's regions answers exactly as an unknown one (404, the same detail), so that
 * no answer says that it exists, where it is, or anything else about it (api.md, "Bounds and hostile input").
 */
export function assertVisible(caller: Pick<Caller, 'regions'>, regionCode: string | undefined, unknown: string): void {
  if (regionCode === undefined || regionCode === '' || !canAccessRegion(caller, regionCode)) throw new NotFound(unknown);
}

/** The detail of an unknown (or hidden) resource, the same wherever it is answered. */
export const unknownWorker = (workerId: string) => `worker ${workerId} does not exist`;
export const unknownAllocation = (allocationId: string) => `allocation ${allocationId} does not exist`;
export const unknownClaim = (claimId: string) => `claim ${claimId} does not exist`;

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

/**
 * A NIK that is already enrolled and active, wherever: a 409 that says neither which worker nor where
 * (api.md). The API counts these per user (rate-limited and logged: enrolment is no oracle).
 */
export class NikAlreadyEnrolled extends Conflict {
  constructor() {
    super('a worker with this NIK is already enrolled and active');
  }
}
