import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from "rxjs";
import { Conflict, InvalidInput } from '@app/domain';
import { canonicalJson, sha256 } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import type { AuthUser } from '../auth/user';

/** The status is not kept: every command route answers one success status, which Nest sets again. */
type StoredAnswer = {
  requestHash: string;
  body: unknown;
};

const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on commands: the same key with the same body answers the first answer again and
 * appends nothing; the same key with another body is a 409. Keys are scoped to the user.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const key = request.header('idempotency-key');
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY.test(key)) throw new InvalidInput([{ field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }]);
    const response = context.switchToHttp().getResponse<Response>();
    const scope = `${request.user?.userId ?? 'anonymous'}:${key}`;
    const requestHash = sha256(canonicalJson({ method: request.method, path: request.path, body: request.body ?? null }));

    // Requests with the same key are answered one after the other.
    const previous = this.inFlight.get(scope) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const stored = (await this.reads.getRecord('idempotency', scope)) as StoredAnswer | undefined;
        if (stored) {
          if (stored.requestHash !== requestHash) throw new Conflict(`Idempotency-Key ${key} was already used with another request`);
          response.setHeader('Idempotent-Replayed', 'true');
          return stored.body;
        }
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.reads.putRecord('idempotency', scope, { requestHash, body } satisfies StoredAnswer);
        return body;
      });
    this.inFlight.set(scope, run);
    run.finally(() => this.inFlight.get(scope) === run && this.inFlight.delete(scope)).catch(() => undefined);
    return from(run);
  }
}

