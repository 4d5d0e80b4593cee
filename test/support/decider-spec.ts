import type { Decider, DomainEvent } from '@app/domain';

/** Given events / when command / then events (or then error): domain tests that read as specifications. */
export function specOf<C, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  return {
    given(events: E[]) {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: Array<Partial<E> & { type: E['type'] }>) {
              const events = run();
              expect(events).toHaveLength(expected.length);
              expected.forEach((e, i) => expect(events[i]).toMatchObject(e));
              return events;
            },
            thenFails(errorClass: new (...args: never[]) => Error, message?: RegExp | string) {
              expect(run).toThrow(errorClass);
              if (message) expect(run).toThrow(message);
            },
          };
        },
      };
    },
  };
}
