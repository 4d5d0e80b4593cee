/**
 * Roles: operator (workers, contributions, claims), finance (allocations), analyst (queries),
 * auditor (audit and verification, read-only), oversight (reports), admin (rebuilds, reference data).
 */
export const ROLES = ['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  userId: string;
  roles: Role[];
  /** Region codes the user may act on or see; `ID` is the whole country. */
  regions: string[];
  /** The role under which the current request acts (recorded in the events' metadata). */
  actingRole: Role;
}

export interface TokenClaims {
  sub: string;
  roles: Role[];
  regions: string[];
}
