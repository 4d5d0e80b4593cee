import type { Role } from './user';

/** Who may read the views: every role, each inside their own regions. */
export const READERS: Role[] = ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'];
