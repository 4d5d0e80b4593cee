import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Decider, DomainEvent, fold } from '@app/domain';
import { AppendResult, EVENT_STORE, EventContext, EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '@app/event-store';

/** Who is acting, for the events' metadata. */
export interface Actor {
  userId: string;
  role: string;
  /** The request id. */
  correlationId: string;
}

const MAX_ATTEMPTS = 5;

/**
 * The thin shell around the deciders: load the stream, decide, append with the expected revision.
 * A concurrent writer makes the append fail; then the command is decided again on the new state, so
 * rules such as "never disburse more than the allocation" hold under concurrency.
 */
@Injectable()
export class CommandShell {
  constructor(@Inject(EVENT_STORE) readonly store: EventStore) {}

  async execute<C, S, E extends DomainEvent>(
    decider: Decider<C, S, E>,
    streamName: string,
    command: C,
    actor: Actor,
    /** Runs on the loaded state before deciding: region scoping of commands on existing streams. */
    authorize?: (state: S) => void,
  ): Promise<{ events: E[]; state: S; result: AppendResult }> {
    const commandId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(decider, streamName);
      authorize?.(state);
      const events = decider.decide(command, state);
      try {
        const result = await this.store.append(streamName, this.toNewEvents(events, actor, commandId), revision < 0 ? 'no_stream' : revision);
        return { events, state, result };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async load<S, E extends DomainEvent>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, streamName: string) {
    const recorded = await this.store.readStream(streamName);
    return { state: fold(decider, recorded.map(asDomainEvent<E>)), revision: recorded.length - 1, recorded };
  }

  toNewEvents(events: readonly DomainEvent[], actor: Actor, commandId: string): NewEvent[] {
    const context: EventContext = { userId: actor.userId, role: actor.role, correlationId: actor.correlationId, causationId: commandId };
    return events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data as Record<string, unknown>, effectiveDate: e.effectiveDate, context }));
  }
}

export function asDomainEvent<E extends DomainEvent>(e: RecordedEvent): E {
  return { type: e.type, data: e.data, effectiveDate: e.effectiveDate } as unknown as E;
}
