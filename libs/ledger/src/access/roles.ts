/**
 * Roles: operator (workers, contributions, claims), finance (allocations), analyst (queries),
 * auditor (audit and verification, read-only), oversight (reports), admin (rebuilds, reference data).
 */
export const ROLES = ['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The claims of a bearer token: who, with which roles, in which regions (`ID` is the whole country). */
export interface TokenClaims {
  sub: string;
  roles: Role[];
  regions: string[];
}
