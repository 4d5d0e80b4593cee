import { contains } from '../reference/regions';
import { yearOf } from '../shared/calendar';
import { Decider } from '../shared/decider';
import { InvalidInput, NotFound, RuleViolation } from '../shared/errors';
import { AllocationState, fundingDecider } from '../funding/funding.decider';
import type { FundingEvent } from '../funding/funding.events';
import type { SponsorshipTransferred, WorkerEvent } from './workers.events';
import { workerDecider } from './workers.decider';
import { evolveWorker, newWorker, WorkerState } from './workers.state';

/** Why a worker of a transfer keeps its sponsor. */
export const SPONSORSHIP_SKIP_REASONS = ['EXITED', 'ALREADY_SPONSORED', 'OUTSIDE_REGION'] as const;
export type SponsorshipSkipReason = (typeof SPONSORSHIP_SKIP_REASONS)[number];

/**
 * Rule 13: a new allocation (a new fiscal year's budget line) takes over a cohort from `effectivePeriod`.
 * The cohort is the named workers, or, with `fromAllocationId`, those of the loaded workers that the
 * other allocation sponsors and that are active (the others loaded are not part of it).
 */
export interface TransferSponsorships {
  type: 'TransferSponsorships';
  /** The new sponsor. */
  allocationId: string;
  fromAllocationId?: string;
  /** The workers to decide on: named by the caller, or the other allocation's cohort as last projected. */
  workerIds: string[];
  effectivePeriod: string;
  /** Today in the allocation's region: the business date of the transfer. */
  transferredOn: string;
}

/** The new allocation's stream and every loaded worker's stream. */
export interface SponsorshipsState {
  allocation: AllocationState;
  workers: Map<string, WorkerState>;
}

export interface SponsorshipsDecision {
  events: SponsorshipTransferred[];
  skipped: Array<{ workerId: string; reason: SponsorshipSkipReason; detail?: string }>;
  workerCount: number;
}

/**
 * One decision for the whole cohort, worker by worker: a worker that cannot move is skipped with its
 * reason rather than failing the command (an exited worker, one the allocation already sponsors, one
 * outside its region: rule 2). A named worker the ledger does not know fails the command (404), as
 * does an allocation whose fiscal year does not cover `effectivePeriod` (422): the periods it may pay
 * are those of its year and December of the year before (rule 13).
 */
export function decideSponsorshipTransfer(command: TransferSponsorships, state: SponsorshipsState): SponsorshipsDecision {
  const allocation = state.allocation;
  if (!allocation.exists) throw new NotFound(`allocation ${command.allocationId} does not exist`);
  if (command.fromAllocationId === command.allocationId)
    throw new InvalidInput([{ field: 'fromAllocationId', message: 'must be another allocation than the one taking over' }]);
  if (yearOf(command.effectivePeriod) !== allocation.fiscalYear && command.effectivePeriod !== `${allocation.fiscalYear - 1}-12`) {
    throw new RuleViolation(
      `effectivePeriod ${command.effectivePeriod} is outside allocation ${command.allocationId}'s fiscal year ${allocation.fiscalYear}`,
      [{ field: 'effectivePeriod', message: `must be a period that fiscal year ${allocation.fiscalYear} pays` }],
    );
  }
  const named = command.fromAllocationId === undefined;
  if (named) {
    const unknown = command.workerIds.filter((id) => (state.workers.get(id)?.status ?? 'NEW') === 'NEW');
    if (unknown.length) throw new NotFound(unknownWorkers(unknown));
    if (new Set(command.workerIds).size !== command.workerIds.length)
      throw new InvalidInput([{ field: 'workerIds', message: 'must not name a worker twice' }]);
  }

  const events: SponsorshipTransferred[] = [];
  const skipped: SponsorshipsDecision['skipped'] = [];
  for (const workerId of command.workerIds) {
    const worker = state.workers.get(workerId);
    if (!worker) continue;
    // The other allocation's cohort as the ledger holds it now: a worker it no longer sponsors, or who left, is not part of it.
    if (!named && (worker.allocationId !== command.fromAllocationId || worker.status !== 'ACTIVE')) continue;
    if (worker.status === 'EXITED') {
      skipped.push({ workerId, reason: 'EXITED', detail: `exited on ${worker.exitedOn}` });
    } else if (worker.allocationId === command.allocationId) {
      skipped.push({ workerId, reason: 'ALREADY_SPONSORED', detail: `already sponsored by allocation ${command.allocationId}` });
    } else if (!contains(allocation.regionCode, worker.regionCode)) {
      skipped.push({
        workerId,
        reason: 'OUTSIDE_REGION',
        detail: `the worker's region ${worker.regionCode} is outside the allocation's region ${allocation.regionCode}`,
      });
    } else {
      const decided = workerDecider.decide(
        {
          type: 'TransferSponsorship',
          workerId,
          toAllocationId: command.allocationId,
          toRegionCode: allocation.regionCode,
          effectivePeriod: command.effectivePeriod,
          transferredOn: command.transferredOn,
        },
        worker,
      );
      events.push(...(decided as SponsorshipTransferred[]));
    }
  }
  return { events, skipped, workerCount: events.length };
}

export function unknownWorkers(ids: readonly string[]): string {
  return `unknown workers: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

const FUNDING_EVENTS = new Set<string>([
  'FundingAllocated',
  'FundingRevised',
  'FundsDisbursed',
  'FundsReleased',
  'DoubleFundingRefused',
  'FundsRefunded',
] satisfies FundingEvent['type'][]);

/**
 * The transfer as one decider over several streams: the allocation's events fold into `allocation`,
 * each worker's into its entry of `workers` (filled in place: every fold has its own map).
 */
export const sponsorshipsDecider: Decider<TransferSponsorships, SponsorshipsState, FundingEvent | WorkerEvent> = {
  initialState: () => ({ allocation: fundingDecider.initialState(), workers: new Map() }),
  evolve(state, event) {
    if (FUNDING_EVENTS.has(event.type)) return { ...state, allocation: fundingDecider.evolve(state.allocation, event as FundingEvent) };
    const id = (event as WorkerEvent).data.workerId;
    state.workers.set(id, evolveWorker(state.workers.get(id) ?? newWorker, event as WorkerEvent));
    return state;
  },
  decide: (command, state) => decideSponsorshipTransfer(command, state).events,
};
