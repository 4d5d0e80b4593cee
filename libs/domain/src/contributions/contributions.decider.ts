import { contains } from '../reference/regions';
import { contributionFor, eligibilityFor, TariffEligibility, tariffOn } from '../reference/tariffs';
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

/**
 * One monthly batch: the allocation's stream and every named worker's stream. A batch of many workers
 * is folded in parts (the command seam reads a few thousand streams at a time): once a part is folded,
 * `condenseBatch` decides each of its workers on its own and keeps only that (`assessed`), so the
 * states of 100,000 workers are never held at once. The whole-batch rules come after, in `decide`.
 */
export interface BatchState {
  allocation: AllocationState;
  /** Workers folded and not yet condensed. */
  workers: Map<string, WorkerState>;
  /** Workers condensed: what the batch needs of them, their states dropped. */
  assessed: Map<string, WorkerAssessment>;
  /** The decision so far, kept as parts are condensed in the command's order (so deciding is no second pass). */
  tally?: BatchTally;
}

interface BatchTally {
  /** How many of the command's workers were condensed, in its order; -1 once a part came in another order. */
  next: number;
  unknown: string[];
  outside: string[];
  duplicate: boolean;
  contributions: ContributionPaid[];
  skipped: BatchDecision['skipped'];
  doubleFunded: DoubleFundingRefused['data']['workers'];
}

/** One worker, decided on its own: what the whole-batch rules read, and whether it is paid or skipped. */
export interface WorkerAssessment {
  status: WorkerState['status'];
  regionCode: string;
  /** Absent when the batch is refused whatever the workers (the period, the date, the allocation). */
  outcome?: WorkerOutcome;
}

export type WorkerOutcome =
  | { pay: ContributionPaid }
  /** `refuse`: another allocation paid the month and this allocation has not yet recorded refusing it. */
  | { skip: SkipReason; detail?: string; refuse?: { workerId: string; paidBy: string } };

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

/** What a batch's terms allow whatever the worker (rules 2, 12, 13, 14), or the refusal of the whole batch. */
interface BatchTerms {
  flat: ReturnType<typeof contributionFor>;
  perWorker: boolean;
}

type Allocation = Extract<AllocationState, { exists: true }>;

function termsOf(command: PayContributions, allocation: Allocation): BatchTerms {
  assertNotFuture('paidOn', command.paidOn, command.today);
  assertPayable(allocation, command.period, command.paidOn);
  // A period with no tariff is refused for the whole batch (422); only the PP 49/2020 months depend on the worker.
  return { flat: contributionFor(command.period), perWorker: tariffOn(command.period)?.discountOf !== undefined };
}

/** One worker on its own (rules 4, 5, 8, 9, 12): paid, or skipped and why. */
function assessWorker(
  command: PayContributions,
  allocation: Allocation,
  terms: BatchTerms,
  workerId: string,
  worker: WorkerState,
): WorkerOutcome {
  const paid = worker.paid[command.period];
  if (paid) {
    const same = paid.allocationId === command.allocationId;
    const refuse = !same && !allocation.refused[`${command.period}:${workerId}`] ? { workerId, paidBy: paid.allocationId } : undefined;
    return { skip: same ? 'ALREADY_PAID' : 'DOUBLE_FUNDING', ...(refuse && { refuse }) };
  }
  const timeline = timelineOf(worker);
  const decision = mayPay(timeline, command.period, command.paidOn);
  if (!decision.allowed) return { skip: 'NOT_ACTIVE_IN_PERIOD', detail: decision.message };
  const tariff = terms.perWorker ? contributionFor(command.period, eligibilityOf(timeline, command.period)) : terms.flat;
  return {
    pay: {
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
    },
  };
}

/**
 * Decides, one by one, the workers of a part of the batch folded so far (their streams are folded
 * whole: the seam folds a stream within one part), and drops their states. The allocation is folded
 * before any worker (its stream leads). Pure but for filling `state` in place, as `evolve` does.
 */
export function condenseBatch(command: PayContributions, state: BatchState, workerIds: readonly string[]): BatchState {
  const allocation = state.allocation;
  let terms: BatchTerms | undefined;
  try {
    terms = allocation.exists ? termsOf(command, allocation) : undefined;
  } catch {
    terms = undefined; // the whole batch is refused: decide says why
  }
  const tally = (state.tally ??= { next: 0, unknown: [], outside: [], duplicate: false, contributions: [], skipped: [], doubleFunded: [] });
  for (const workerId of workerIds) {
    tally.next = tally.next >= 0 && command.workerIds[tally.next] === workerId ? tally.next + 1 : -1;
    if (state.assessed.has(workerId)) {
      tally.duplicate = true;
      continue;
    }
    const worker = state.workers.get(workerId);
    if (!worker || worker.status === 'NEW') tally.unknown.push(workerId);
    if (!worker) continue;
    if (allocation.exists && worker.status !== 'NEW' && !contains(allocation.regionCode, worker.regionCode)) tally.outside.push(workerId);
    const outcome =
      terms && allocation.exists && worker.status !== 'NEW' ? assessWorker(command, allocation, terms, workerId, worker) : undefined;
    if (outcome) tallyOutcome(tally, workerId, outcome);
    state.assessed.set(workerId, { status: worker.status, regionCode: worker.regionCode, ...(outcome && { outcome }) });
    state.workers.delete(workerId);
  }
  return state;
}

function tallyOutcome(tally: Pick<BatchTally, 'contributions' | 'skipped' | 'doubleFunded'>, workerId: string, outcome: WorkerOutcome) {
  if ('pay' in outcome) {
    tally.contributions.push(outcome.pay);
    return;
  }
  tally.skipped.push(
    outcome.detail === undefined ? { workerId, reason: outcome.skip } : { workerId, reason: outcome.skip, detail: outcome.detail },
  );
  if (outcome.refuse) tally.doubleFunded.push(outcome.refuse);
}

/** A named worker's status and region as the batch knows it (folded or condensed); undefined when its stream is empty. */
export function batchWorkerOf(state: BatchState, workerId: string): { status: WorkerState['status']; regionCode: string } | undefined {
  return state.assessed.get(workerId) ?? state.workers.get(workerId);
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
  return decideBatch(command, { allocation, workers: workers as Map<string, WorkerState>, assessed: new Map() });
}

function decideBatch(command: PayContributions, state: BatchState): BatchDecision {
  const { allocation, tally } = state;
  if (!allocation.exists) throw new NotFound(`allocation ${command.allocationId} does not exist`);
  // Every worker condensed, in the command's order: the tally is the decision; else decide in one pass.
  const tallied = tally && tally.next === command.workerIds.length && state.workers.size === 0;
  const unknown = tallied ? tally.unknown : command.workerIds.filter((id) => (batchWorkerOf(state, id)?.status ?? 'NEW') === 'NEW');
  if (unknown.length)
    throw new NotFound(
      `unknown workers: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`,
    );
  const outside = tallied
    ? tally.outside
    : command.workerIds.filter((id) => !contains(allocation.regionCode, batchWorkerOf(state, id)!.regionCode));
  if (outside.length) {
    throw new RuleViolation(
      `allocation ${command.allocationId} of region ${allocation.regionCode} cannot fund workers outside it: ${outside.slice(0, 20).join(', ')}`,
    );
  }
  if (tallied ? tally.duplicate : new Set(command.workerIds).size !== command.workerIds.length)
    throw new Conflict('a worker is named twice in the batch');
  const terms = termsOf(command, allocation);

  const { skipped, contributions, doubleFunded } = tallied
    ? tally
    : { skipped: [] as BatchDecision['skipped'], contributions: [] as ContributionPaid[], doubleFunded: [] as BatchTally['doubleFunded'] };
  if (!tallied)
    for (const workerId of command.workerIds) {
      const outcome =
        state.assessed.get(workerId)?.outcome ?? assessWorker(command, allocation, terms, workerId, state.workers.get(workerId)!);
      tallyOutcome({ skipped, contributions, doubleFunded }, workerId, outcome);
    }
  let amount = 0;
  for (const c of contributions) amount += c.data.amount;
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
  return eligibilityFor(membership.enrolledOn, paidPeriodsOf(membership), period);
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
  initialState: () => ({ allocation: fundingDecider.initialState(), workers: new Map(), assessed: new Map() }),
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
  const decision = decideBatch(command, state);
  decisions.set(state, { command, decision });
  return decision;
}

export { decodeWorker, encodeWorker, WORKER_SNAPSHOT_SCHEMA } from './worker-snapshot';
export type { EncodedWorker } from './worker-snapshot';
