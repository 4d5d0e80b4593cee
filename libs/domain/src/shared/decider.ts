/** A domain event as the decider produces it; the command seam adds id, stream, revision and metadata. */
export interface DomainEvent<T extends string = string, D extends object = object> {
  type: T;
  data: D;
  /** The business date the event is about. */
  effectiveDate: string;
}

/**
 * The pure core of every capability: `decide` turns a command and the current state into new events
 * (or throws a DomainError); `evolve` folds one event into the state; `initialState` makes the state
 * before any event. No I/O, no clock: time, ids and outside facts come in with the command.
 *
 * A decision over several streams (a monthly batch: the allocation and its workers) is one decider
 * whose state holds each stream's part; `evolve` routes an event to its part. Its state may hold maps
 * that a fold fills in place: each fold starts from its own `initialState()`, so no state is shared.
 */
export interface Decider<C, S, E extends DomainEvent> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

export function fold<S, E extends DomainEvent>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState());
}
