import type { Decider } from '../shared/decider';
import type { EstimateWorkforce } from './workforce.commands';
import type { WorkforceEvent } from './workforce.events';

export interface WorkforceState {
  /** The latest estimate per year. */
  estimates: Record<number, number>;
}

/** A newer estimate for the same region and year supersedes the older one; all stay in the ledger. */
export const workforceDecider: Decider<EstimateWorkforce, WorkforceState, WorkforceEvent> = {
  initialState: () => ({ estimates: {} }),
  evolve: (state, event) => ({ estimates: { ...state.estimates, [event.data.year]: event.data.informalWorkers } }),
  decide(command) {
    const { type: _type, estimatedOn, ...data } = command;
    return [{ type: 'WorkforceEstimated', data, effectiveDate: estimatedOn }];
  },
};
