import { Decider } from '../shared/decider';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { yearOf } from '../shared/calendar';
import { formatRupiah } from '../shared/money';
import { assertSourceFitsRegion } from './funding.rules';
import { FundingCommand } from './funding.commands';
import { AllocationRef, FundingEvent, FundingSource } from './funding.events';

export type AllocationState =
  | { exists: false }
  | {
      exists: true;
      allocationId: string;
      regionCode: string;
      fundingSource: FundingSource;
      fiscalYear: number;
      allocatedOn: string;
      amount: number;
      disbursed: number;
      /** Refunded contributions of months after an exit (rule 10), net of `disbursed` already. */
      refunded: number;
      /** Batches paid from this allocation, so a release can never exceed what its batch took. */
      batches: Record<string, { amount: number; released: number }>;
      /** Double funding already refused, by `period:workerId`. */
      refused: Record<string, true>;
    };

/**
 * An allocation never disburses more than its current amount (rule 3) and is never revised below what
 * it has disbursed. Concurrency is the shell's: appends carry the expected revision.
 */
export const fundingDecider: Decider<FundingCommand, AllocationState, FundingEvent> = {
  initialState: () => ({ exists: false }),

  decide(command, state) {
    if (command.type === 'AllocateFunding') {
      if (state.exists) throw new Conflict(`allocation ${command.allocationId} already exists`);
      assertSourceFitsRegion(command.fundingSource, command.regionCode);
      const { type: _type, ...data } = command;
      return [{ type: 'FundingAllocated', data, effectiveDate: command.allocatedOn }];
    }
    if (!state.exists) throw new NotFound(`allocation ${command.allocationId} does not exist`);

    switch (command.type) {
      case 'ReviseFunding':
        assertInsideYear(state, 'revisedOn', command.revisedOn);
        if (command.amount < state.disbursed) {
          throw new RuleViolation(
            `the new amount ${formatRupiah(command.amount)} is below what is already disbursed (${formatRupiah(state.disbursed)})`,
          );
        }
        return [
          {
            type: 'FundingRevised',
            data: {
              ...refOf(state),
              previousAmount: state.amount,
              amount: command.amount,
              reason: command.reason,
              legalBasis: command.legalBasis,
              revisedOn: command.revisedOn,
            },
            effectiveDate: command.revisedOn,
          },
        ];

      case 'DisburseFunds': {
        assertPayable(state, command.period, command.paidOn);
        if (state.batches[command.batchId]) throw new Conflict(`batch ${command.batchId} was already disbursed`);
        const remaining = state.amount - state.disbursed;
        if (command.amount > remaining) {
          throw new RuleViolation(
            `insufficient funds: the batch needs ${formatRupiah(command.amount)} but the allocation has ${formatRupiah(remaining)} left (shortfall ${formatRupiah(command.amount - remaining)})`,
          );
        }
        const { type: _type, ...data } = command;
        return [{ type: 'FundsDisbursed', data: { ...data, ...refOf(state) }, effectiveDate: command.paidOn }];
      }

      case 'ReleaseFunds': {
        const batch = state.batches[command.batchId];
        if (!batch) throw new NotFound(`batch ${command.batchId} was not paid from allocation ${state.allocationId}`);
        if (command.amount > batch.amount - batch.released) throw new RuleViolation('cannot release more than the batch took');
        const { type: _type, ...data } = command;
        return [{ type: 'FundsReleased', data: { ...data, ...refOf(state) }, effectiveDate: command.releasedOn }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'FundingAllocated':
        return {
          exists: true,
          allocationId: event.data.allocationId,
          regionCode: event.data.regionCode,
          fundingSource: event.data.fundingSource,
          fiscalYear: event.data.fiscalYear,
          allocatedOn: event.data.allocatedOn,
          amount: event.data.amount,
          disbursed: 0,
          refunded: 0,
          batches: {},
          refused: {},
        };
      case 'FundingRevised':
        return state.exists ? { ...state, amount: event.data.amount } : state;
      case 'FundsDisbursed':
        return state.exists
          ? {
              ...state,
              disbursed: state.disbursed + event.data.amount,
              batches: { ...state.batches, [event.data.batchId]: { amount: event.data.amount, released: 0 } },
            }
          : state;
      case 'FundsRefunded':
        return state.exists
          ? { ...state, disbursed: state.disbursed - event.data.amount, refunded: state.refunded + event.data.amount }
          : state;
      case 'DoubleFundingRefused': {
        if (!state.exists) return state;
        const refused = { ...state.refused };
        for (const w of event.data.workers) refused[`${event.data.period}:${w.workerId}`] = true;
        return { ...state, refused };
      }
      case 'FundsReleased': {
        if (!state.exists) return state;
        // A release follows its batch; a replay that leaves the batch out (a retried command) keeps the release's own figures.
        const batch = state.batches[event.data.batchId] ?? { amount: 0, released: 0 };
        return {
          ...state,
          disbursed: state.disbursed - event.data.amount,
          batches: { ...state.batches, [event.data.batchId]: { ...batch, released: batch.released + event.data.amount } },
        };
      }
    }
  },
};

export function refOf(state: Extract<AllocationState, { exists: true }>): AllocationRef {
  return {
    allocationId: state.allocationId,
    regionCode: state.regionCode,
    fundingSource: state.fundingSource,
    fiscalYear: state.fiscalYear,
  };
}

type Existing = Extract<AllocationState, { exists: true }>;

/** Rule 13: a budget of year Y acts on business dates from its allocation to 31 December Y. */
function assertInsideYear(state: Existing, field: string, date: string): void {
  if (date < state.allocatedOn || date > `${state.fiscalYear}-12-31`) {
    throw new RuleViolation(
      `${field} ${date} is outside allocation ${state.allocationId}'s budget year: from ${state.allocatedOn} to ${state.fiscalYear}-12-31`,
    );
  }
}

/**
 * Rules 2 and 13: an allocation of year Y pays periods of Y (and December of Y-1, as Y's spending:
 * December is paid in January), with `paidOn` inside its budget year (cash basis).
 */
export function assertPayable(state: Existing, period: string, paidOn: string): void {
  const year = yearOf(period);
  if (year !== state.fiscalYear && period !== `${state.fiscalYear - 1}-12`) {
    throw new RuleViolation(`period ${period} is outside the allocation's fiscal year ${state.fiscalYear}`);
  }
  assertInsideYear(state, 'paidOn', paidOn);
}
