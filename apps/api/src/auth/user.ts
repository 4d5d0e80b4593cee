import type { Role } from '@app/ledger';

export { ROLES } from '@app/ledger';
export type { Role, TokenClaims } from '@app/ledger';

export interface AuthUser {
  userId: string;
  roles: Role[];
  /** Region codes the user may act on or see; `ID` is the whole country. */
  regions: string[];
  /** The role under which the current request acts (recorded in the events' metadata). */
  actingRole: Role;
}
