import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { InvalidInput } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ProjectionService } from '@app/ledger';
import { NotCaughtUpException } from './problem';

const WAIT_MS = 5000;

/** `?consistentWith=<position>` on a query: wait (up to 5 s) until the read models have caught up. */
@Injectable()
export class ConsistencyInterceptor implements NestInterceptor {
  constructor(
    private readonly projections: ProjectionService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const position = request.query?.consistentWith;
    if (request.method !== 'GET' || position === undefined) return next.handle();
    if (typeof position !== 'string' || !this.events.isPosition(position)) {
      throw new InvalidInput([{ field: 'consistentWith', message: 'must be a position returned by a command' }]);
    }
    return from(this.projections.waitFor(position, WAIT_MS)).pipe(
      switchMap((caughtUp) => {
        if (!caughtUp) throw new NotCaughtUpException(1, position);
        return next.handle();
      }),
    );
  }
}
