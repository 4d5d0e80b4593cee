import { contains } from '../reference/regions';
import { contributionFor, RELIEF_PAID_UP_TO, TariffEligibility, tariffOn } from '../reference/tariffs';
import { addMonths, periodOf } from '../shared/calendar';
import { Decider } from '../shared/decider';
import { PayContributions } from './contributions.commands';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { AllocationState, assertPayable, fundingDecider, refOf } from '../funding/funding.decider';
import { DoubleFundingRefused, FundingEvent, FundsDisbursed } from '../funding/funding.events';
import { ContributionPaid, WorkerEvent } from '../workers/workers.events';
import { currentMembership, mayPay, MembershipTimeline, paidPeriodsOf } from '../workers/membership';
import { assertNotFuture } from '../workers/workers.decider';
import { evolveWorker, newWorker, timelineOf, WorkerState } from '../workers/workers.state';

/** Workers per DoubleFundingRefused event (about 90 bytes each: ~450 kB, under a 1 MiB append). */
export const DOUBLE_FUNDING_CHUNK = 5_000;

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
  /** Who was not paid and why (`detail` says why a worker is not payable in the period). */
  skipped: Array<{ workerId: string; reason: SkipReason; detail?: string }>;
  workerCount: number;
  amount: number;
}

/**
 * A monthly contribution batch pays all eligible workers or, if the allocation cannot pay them all,
 * none. Rules: 2 and 13 (region, fiscal year, cash basis), 3 (never more than the allocation holds),
 * 4 (one contribution per worker per period in a membership: the same allocation again is
 * ALREADY_PAID, another is DOUBLE_FUNDING), 5, 8 and 9 (the membership timeline decides whether the
 * month may be paid: enrolled, not exited, not lapsed, at most 3 months of arrears), 12 (the tariff of
 * the worker's month).
 */
export function decideContributionBatch(
  command: PayContributions,
  allocation: AllocationState,
  workers: ReadonlyMap<string, WorkerState>,
): BatchDecision {
  if (!allocation.exists) throw new NotFound(`allocation ${command.allocationId} does not exist`);
  const unknown = command.workerIds.filter((id) => (workers.get(id)?.status ?? 'NEW') === 'NEW');
  if (unknown.length)
    throw new NotFound(
      `unknown workers: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`,
    );
  const outside = command.workerIds.filter((id) => !contains(allocation.regionCode, workers.get(id)!.regionCode));
  if (outside.length) {
    throw new RuleViolation(
      `allocation ${command.allocationId} of region ${allocation.regionCode} cannot fund workers outside it: ${outside.slice(0, 20).join(', ')}`,
    );
  }
  if (new Set(command.workerIds).size !== command.workerIds.length) throw new Conflict('a worker is named twice in the batch');
  assertNotFuture('paidOn', command.paidOn, command.today);
  assertPayable(allocation, command.period, command.paidOn);
  // A period with no tariff is refused for the whole batch (422); only the PP 49/2020 months depend on the worker.
  const flat = contributionFor(command.period);
  const perWorker = tariffOn(command.period)?.discountOf !== undefined;

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
      continue;
    }
    const timeline = timelineOf(worker);
    const decision = mayPay(timeline, command.period, command.paidOn);
    if (!decision.allowed) {
      skipped.push({ workerId, reason: 'NOT_ACTIVE_IN_PERIOD', detail: decision.message });
      continue;
    }
    const tariff = perWorker ? contributionFor(command.period, eligibilityOf(timeline, command.period)) : flat;
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
        dueOn: decision.dueDate,
        regionCode: worker.regionCode,
        sex: worker.sex,
        occupation: worker.occupation,
      },
      effectiveDate: command.paidOn,
    });
  }
  const amount = contributions.reduce((sum, c) => sum + c.data.amount, 0);
  const disbursed =
    contributions.length > 0
      ? (fundingDecider.decide(
          {
            type: 'DisburseFunds',
            allocationId: command.allocationId,
            batchId: command.batchId,
            period: command.period,
            workerCount: contributions.length,
            amount,
            paidOn: command.paidOn,
          },
          allocation,
        ) as FundsDisbursed[])
      : [];
  // One event per chunk: an event stays far below EventStoreDB's append limit whatever the batch size.
  const refusals: DoubleFundingRefused[] = [];
  for (let i = 0; i < doubleFunded.length; i += DOUBLE_FUNDING_CHUNK) {
    const workers = doubleFunded.slice(i, i + DOUBLE_FUNDING_CHUNK);
    refusals.push({
      type: 'DoubleFundingRefused',
      data: { ...refOf(allocation), batchId: command.batchId, period: command.period, workers, refusedOn: command.paidOn },
      effectiveDate: command.paidOn,
    });
  }
  return { allocationEvents: [...disbursed, ...refusals], contributions, skipped, workerCount: contributions.length, amount };
}

/** Rule 12's facts about the worker's month, from the timeline. */
function eligibilityOf(timeline: MembershipTimeline, period: string): TariffEligibility {
  const membership = currentMembership(timeline)!;
  const paid = paidPeriodsOf(membership).filter((p) => p.period < period);
  const paidSet = new Set(paid.map((p) => p.period));
  const first = periodOf(membership.enrolledOn);
  let paidUpToJuly2020 = first <= RELIEF_PAID_UP_TO;
  for (let p = first; paidUpToJuly2020 && p <= RELIEF_PAID_UP_TO; p = addMonths(p, 1)) paidUpToJuly2020 = paidSet.has(p);
  return { registeredOn: membership.enrolledOn, paidUpToJuly2020, monthsAlreadyPaid: paid.length };
}

const FUNDING_EVENTS = new Set<string>([
  'FundingAllocated',
  'FundingRevised',
  'FundsDisbursed',
  'FundsReleased',
  'DoubleFundingRefused',
  'FundsRefunded',
] satisfies FundingEvent['type'][]);
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
    const d = batchDecisionOf(command, state);
    return [...d.allocationEvents, ...d.contributions];
  },
};

const decisions = new WeakMap<BatchState, { command: PayContributions; decision: BatchDecision }>();

/**
 * The whole decision on a batch, with who was skipped and why (which the events do not say). Pure; a
 * decision taken on the same state object is remembered, so the answer does not decide twice.
 */
export function batchDecisionOf(command: PayContributions, state: BatchState): BatchDecision {
  const known = decisions.get(state);
  if (known && known.command === command) return known.decision;
  const decision = decideContributionBatch(command, state.allocation, state.workers);
  decisions.set(state, { command, decision });
  return decision;
}
