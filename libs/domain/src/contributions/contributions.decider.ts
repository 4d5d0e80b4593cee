import { contains } from '../reference/regions';
import { contributionFor } from '../reference/tariffs';
import { dueDateOf } from '../reference/due-dates';
import { Decider } from '../shared/decider';
import { PayContributions } from './contributions.commands';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { AllocationState, fundingDecider, refOf } from '../funding/funding.decider';
import { DoubleFundingRefused, FundingEvent, FundsDisbursed } from '../funding/funding.events';
import { ContributionPaid, WorkerEvent } from '../workers/workers.events';
import { evolveWorker, isActiveIn, newWorker, WorkerState } from '../workers/workers.state';

export const SKIP_REASONS = ['ALREADY_PAID', 'DOUBLE_FUNDING', 'NOT_ACTIVE_IN_PERIOD'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One monthly batch: the allocation's stream and every named worker's stream. */
export interface BatchState {
  allocation: AllocationState;
  workers: Map<string, WorkerState>;
}

export type BatchEvent = FundingEvent | WorkerEvent;

export interface BatchDecision {
  /** For the allocation's stream: the disbursement, and double funding refused for the first time. */
  allocationEvents: Array<FundsDisbursed | DoubleFundingRefused>;
  contributions: ContributionPaid[];
  skipped: Array<{ workerId: string; reason: SkipReason }>;
  workerCount: number;
  amount: number;
}

/**
 * A monthly contribution batch pays all eligible workers or, if the allocation cannot pay them all,
 * none. Rules: 2 (region and fiscal year), 3 (never more than the allocation holds), 4 (one
 * contribution per worker per period: the same allocation again is ALREADY_PAID, another is
 * DOUBLE_FUNDING), 5 (not before the enrolment month, not after exit; nor while lapsed).
 */
export function decideContributionBatch(command: PayContributions, allocation: AllocationState, workers: ReadonlyMap<string, WorkerState>): BatchDecision {
  if (!allocation.exists) throw new NotFound(`allocation ${command.allocationId} does not exist`);
  const unknown = command.workerIds.filter((id) => (workers.get(id)?.status ?? 'NEW') === 'NEW');
  if (unknown.length) throw new NotFound(`unknown workers: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`);
  const outside = command.workerIds.filter((id) => !contains(allocation.regionCode, workers.get(id)!.regionCode));
  if (outside.length) {
    throw new RuleViolation(`allocation ${command.allocationId} of region ${allocation.regionCode} cannot fund workers outside it: ${outside.slice(0, 20).join(', ')}`);
  }
  if (new Set(command.workerIds).size !== command.workerIds.length) throw new Conflict('a worker is named twice in the batch');

  const tariff = contributionFor(command.period);
  const skipped: BatchDecision['skipped'] = [];
  const contributions: ContributionPaid[] = [];
  const doubleFunded: DoubleFundingRefused['data']['workers'] = [];
  for (const workerId of command.workerIds) {
    const worker = workers.get(workerId)!;
    const paid = worker.paid[command.period];
    if (paid) {
      const same = paid.allocationId === command.allocationId;
      skipped.push({ workerId, reason: same ? 'ALREADY_PAID' : 'DOUBLE_FUNDING' });
      if (!same && !allocation.refused[`${command.period}:${workerId}`]) doubleFunded.push({ workerId, paidBy: paid.allocationId });
    } else if (!isActiveIn(worker, command.period)) {
      skipped.push({ workerId, reason: 'NOT_ACTIVE_IN_PERIOD' });
    } else {
      contributions.push({
        type: 'ContributionPaid',
        data: {
          workerId,
          period: command.period,
          amount: tariff.total,
          jkk: tariff.jkk,
          jkm: tariff.jkm,
          allocationId: command.allocationId,
          fundingSource: allocation.fundingSource,
          batchId: command.batchId,
          paidOn: command.paidOn,
          dueOn: dueDateOf(command.period),
          regionCode: worker.regionCode,
          sex: worker.sex,
          occupation: worker.occupation,
        },
        effectiveDate: command.paidOn,
      });
    }
  }
  if (allocation.fiscalYear !== Number(command.period.slice(0, 4))) {
    throw new RuleViolation(`period ${command.period} is outside the allocation's fiscal year ${allocation.fiscalYear}`);
  }
  const amount = contributions.length * tariff.total;
  const disbursed =
    contributions.length > 0
      ? (fundingDecider.decide(
          { type: 'DisburseFunds', allocationId: command.allocationId, batchId: command.batchId, period: command.period, workerCount: contributions.length, amount, paidOn: command.paidOn },
          allocation,
        ) as FundsDisbursed[])
      : [];
  const refusals: DoubleFundingRefused[] = doubleFunded.length
    ? [{ type: 'DoubleFundingRefused', data: { ...refOf(allocation), batchId: command.batchId, period: command.period, workers: doubleFunded, refusedOn: command.paidOn }, effectiveDate: command.paidOn }]
    : [];
  return { allocationEvents: [...disbursed, ...refusals], contributions, skipped, workerCount: contributions.length, amount };
}


const FUNDING_EVENTS = new Set<string>(['FundingAllocated', 'FundingRevised', 'FundsDisbursed', 'FundsReleased', 'DoubleFundingRefused'] satisfies FundingEvent['type'][]);
const isFundingEvent = (e: BatchEvent): e is FundingEvent => FUNDING_EVENTS.has(e.type);

/**
 * The batch as one decider over several streams: the allocation's events fold into `allocation`, each
 * worker's into its entry of `workers` (filled in place: every fold has its own map).
 */
export const contributionsDecider: Decider<PayContributions, BatchState, BatchEvent> = {
  initialState: () => ({ allocation: fundingDecider.initialState(), workers: new Map() }),
  evolve(state, event) {
    if (isFundingEvent(event)) return { ...state, allocation: fundingDecider.evolve(state.allocation, event) };
    const id = event.data.workerId;
    state.workers.set(id, evolveWorker(state.workers.get(id) ?? newWorker, event));
    return state;
  },
  decide(command, state) {
    const d = decideContributionBatch(command, state.allocation, state.workers);
    return [...d.allocationEvents, ...d.contributions];
  },
};
