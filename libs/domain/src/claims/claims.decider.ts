import { checkBenefitLines } from '../reference/benefits';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { Decider } from '../shared/decider';
import { FundingEvent, FundsRefunded } from '../funding/funding.events';
import { coverageOn, membershipOn, paidMonthsBefore } from '../workers/membership';
import { assertNotFuture, exitEvents } from '../workers/workers.decider';
import { ContributionRefunded, WorkerClaimRecorded, WorkerEvent, WorkerExited } from '../workers/workers.events';
import { evolveWorker, newWorker, timelineOf, WorkerState } from '../workers/workers.state';
import { ClaimEvent, ClaimType } from './claims.events';
import { ClaimCommand } from './claims.commands';

/** What deciding a claim may write: on the claim, on the worker (the claim recorded, a death's exit and refunds), on the allocations refunded. */
export type ClaimsEvent = ClaimEvent | WorkerClaimRecorded | WorkerExited | ContributionRefunded | FundsRefunded;

export interface ClaimState {
  status: 'NONE' | 'SUBMITTED' | 'SETTLED' | 'REJECTED';
  claimId: string;
  workerId: string;
  type: ClaimType;
  regionCode: string;
  incidentDate: string;
}

export const noClaim: ClaimState = { status: 'NONE', claimId: '', workerId: '', type: 'JKK', regionCode: '', incidentDate: '' };

export function evolveClaim(state: ClaimState, event: ClaimEvent): ClaimState {
  switch (event.type) {
    case 'ClaimSubmitted':
      return {
        status: 'SUBMITTED',
        claimId: event.data.claimId,
        workerId: event.data.workerId,
        type: event.data.type,
        regionCode: event.data.regionCode,
        incidentDate: event.data.incidentDate,
      };
    case 'ClaimSettled':
      return { ...state, status: 'SETTLED' };
    case 'ClaimRejected':
      return { ...state, status: 'REJECTED' };
  }
}

/**
 * Rules 6, 8, 10 and 11: a claim is settled only for a worker covered on the incident date (the
 * membership timeline decides); one claim per worker and incident date; one death per membership (JKM
 * and a JKK death exclude each other); settling a death exits the worker as DECEASED on the incident
 * date and refunds the months paid after it; every benefit line is checked against the tables in force
 * on the incident date. The worker's stream records each claim too, so these hold under concurrency.
 */
export function decideClaim(command: ClaimCommand, claim: ClaimState, worker: WorkerState): ClaimsEvent[] {
  if (command.type === 'SubmitClaim') {
    if (claim.status !== 'NONE') throw new Conflict(`claim ${command.claimId} already exists`);
    if (worker.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
    assertNotFuture('submittedOn', command.submittedOn, command.today);
    if (command.incidentDate > command.submittedOn)
      throw new RuleViolation(`the incident date ${command.incidentDate} is after the submission on ${command.submittedOn}`, [
        { field: 'incidentDate', message: 'must not be in the future' },
      ]);
    const same = Object.entries(worker.claims).find(([, c]) => c.incidentDate === command.incidentDate && c.status !== 'REJECTED');
    if (same) throw new Conflict(`a claim for this worker and incident date ${command.incidentDate} already exists (${same[0]})`);
    if (command.claimType === 'JKM') assertNoOtherDeath(worker, command.incidentDate, command.claimId);
    const ref = {
      claimId: command.claimId,
      workerId: command.workerId,
      type: command.claimType,
      regionCode: worker.regionCode,
      incidentDate: command.incidentDate,
    };
    return [
      {
        type: 'ClaimSubmitted',
        data: { ...ref, submittedOn: command.submittedOn, personal: { description: command.description } },
        effectiveDate: command.incidentDate,
      },
      recorded(ref, 'SUBMITTED', command.claimType === 'JKM', command.submittedOn),
    ];
  }
  if (claim.status === 'NONE') throw new NotFound(`claim ${command.claimId} does not exist`);
  if (claim.status !== 'SUBMITTED') throw new Conflict(`claim ${command.claimId} is already ${claim.status.toLowerCase()}`);
  const ref = {
    claimId: claim.claimId,
    workerId: claim.workerId,
    type: claim.type,
    regionCode: claim.regionCode,
    incidentDate: claim.incidentDate,
  };

  if (command.type === 'RejectClaim') {
    assertNotFuture('rejectedOn', command.rejectedOn, command.today);
    return [
      {
        type: 'ClaimRejected',
        data: { ...ref, reason: command.reason, rejectedOn: command.rejectedOn },
        effectiveDate: command.rejectedOn,
      },
      recorded(ref, 'REJECTED', false, command.rejectedOn),
    ];
  }

  if (command.settledOn < claim.incidentDate)
    throw new RuleViolation(`settledOn ${command.settledOn} is before the incident on ${claim.incidentDate}`);
  assertNotFuture('settledOn', command.settledOn, command.today);
  const timeline = timelineOf(worker);
  const coverage = coverageOn(timeline, claim.incidentDate);
  if (!coverage.covered) throw new RuleViolation(`worker ${claim.workerId} was not covered on ${claim.incidentDate}: ${coverage.message}`);
  const death = claim.type === 'JKM' || command.benefits.some((b) => b.kind === 'JKK_DEATH');
  if (death) assertNoOtherDeath(worker, claim.incidentDate, claim.claimId);
  const problems = checkBenefitLines({
    claimType: claim.type,
    incidentDate: claim.incidentDate,
    isDeath: death,
    isTotalPermanentDisability: false,
    paidMonthsBeforeIncident: paidMonthsBefore(timeline, claim.incidentDate),
    lines: command.benefits,
    settledOn: command.settledOn,
  });
  if (problems.length) {
    throw new RuleViolation(
      `the benefits do not follow the rules: ${problems.map((p) => (p.index === null ? `${p.kind}: ${p.problem}` : `line ${p.index} (${p.kind}): ${p.problem}`)).join('; ')}`,
      problems.map((p) => ({ field: p.index === null ? 'benefits' : `benefits[${p.index}]`, message: p.problem })),
    );
  }
  const amount = command.benefits.reduce((sum, b) => sum + b.amount, 0);
  const exit = death && worker.status !== 'EXITED' ? exitEvents(worker, 'DECEASED', claim.incidentDate, command.today, claim.claimId) : [];
  return [
    {
      type: 'ClaimSettled',
      data: { ...ref, settledOn: command.settledOn, amount, benefits: command.benefits, paymentReference: command.paymentReference },
      effectiveDate: command.settledOn,
    },
    recorded(ref, 'SETTLED', death, command.settledOn),
    ...exit,
  ];
}

/** A worker dies once: no second death claim in the membership of the incident. */
function assertNoOtherDeath(worker: WorkerState, incidentDate: string, claimId: string): void {
  const other = Object.entries(worker.claims).find(
    ([id, c]) => id !== claimId && c.death && c.status !== 'REJECTED' && sameMembership(worker, c.incidentDate, incidentDate),
  );
  if (other)
    throw new Conflict(
      `a death of this worker is already claimed in this membership (claim ${other[0]}, ${other[1].type}, ${other[1].incidentDate})`,
    );
  if (worker.exitReason === 'DECEASED' && worker.exitedOn && worker.exitedOn < incidentDate) {
    throw new Conflict(`the worker died on ${worker.exitedOn}`);
  }
}

function sameMembership(worker: WorkerState, a: string, b: string): boolean {
  const timeline = timelineOf(worker);
  return membershipOn(timeline, a) === membershipOn(timeline, b);
}

function recorded(
  ref: { claimId: string; workerId: string; type: ClaimType; incidentDate: string },
  status: 'SUBMITTED' | 'SETTLED' | 'REJECTED',
  death: boolean,
  on: string,
): WorkerClaimRecorded {
  return {
    type: 'WorkerClaimRecorded',
    data: { workerId: ref.workerId, claimId: ref.claimId, type: ref.type, incidentDate: ref.incidentDate, status, death },
    effectiveDate: on,
  };
}

/** A claim is decided on its own stream together with its worker's (coverage, paid months). */
export interface ClaimsState {
  claim: ClaimState;
  worker: WorkerState;
}

const CLAIM_EVENTS = new Set<string>(['ClaimSubmitted', 'ClaimSettled', 'ClaimRejected'] satisfies ClaimEvent['type'][]);
const isClaimEvent = (e: ClaimEvent | WorkerEvent | FundingEvent): e is ClaimEvent => CLAIM_EVENTS.has(e.type);

export const claimsDecider: Decider<ClaimCommand, ClaimsState, ClaimEvent | WorkerEvent | FundingEvent> = {
  initialState: () => ({ claim: noClaim, worker: newWorker }),
  evolve: (state, event) =>
    isClaimEvent(event) ? { ...state, claim: evolveClaim(state.claim, event) } : { ...state, worker: evolveWorker(state.worker, event) },
  decide: (command, state) => decideClaim(command, state.claim, state.worker),
};
