import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidInput } from '@app/domain';
import { canonicalJson, sha256 } from '@app/event-store';
import { Caller, commandContext, CommandContext } from '@app/ledger';
import type { AuthUser } from '../auth/user';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The caller as the application layer knows them: who, under which role, in which regions. */
export function callerOf(user: AuthUser): Caller {
  return { userId: user.userId, role: user.actingRole, regions: user.regions };
}

/**
 * The context of a command from its request: the caller, the request id and, with an
 * `Idempotency-Key`, the hash of the request. The ledger turns the key into the command's id, so the
 * same key with the same request is answered from the first execution, in any process, after a crash.
 */
export const CommandCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => {
  const request = ctx.switchToHttp().getRequest<Request & { user: AuthUser }>();
  const key = request.header('idempotency-key');
  if (key !== undefined && !KEY.test(key))
    throw new InvalidInput([{ field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }]);
  const idempotency =
    key === undefined
      ? undefined
      : { key, requestHash: sha256(canonicalJson({ method: request.method, path: request.path, body: request.body ?? null })) };
  return commandContext({ caller: callerOf(request.user), correlationId: String(request.id ?? 'unknown'), idempotency });
});
