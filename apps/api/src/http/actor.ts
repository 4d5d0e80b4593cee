import type { Request } from 'express';
import type { AuthUser } from '../auth/user';
import type { Actor } from '../infrastructure/command-shell';

/** The acting user and the request id, recorded in every event's metadata. */
export function actorOf(user: AuthUser, req: Request): Actor {
  return { userId: user.userId, role: user.actingRole, correlationId: String(req.id ?? 'unknown') };
}
