/** A domain event as the decider produces it; the shell adds id, stream, revision and metadata. */
export interface DomainEvent<T extends string = string, D extends object = object> {
  type: T;
  data: D;
  /** The business date the event is about. */
  effectiveDate: string;
}

/**
 * The pure core of a capability: `decide` turns a command and the current state into new events (or
 * throws a DomainError); `evolve` folds an event into the state. No I/O, no clock.
 */
export interface Decider<C, S, E extends DomainEvent> {
  initialState: S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

export function fold<S, E extends DomainEvent>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState);
}
