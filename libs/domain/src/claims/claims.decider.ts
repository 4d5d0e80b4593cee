import { BenefitKind, JKK_DEATH_BENEFIT, jkmTableOn, scholarshipTableOn } from '../reference/benefits';
import { periodOf } from '../shared/calendar';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';
import { formatRupiah } from '../shared/money';
import { Decider } from '../shared/decider';
import { WorkerEvent } from '../workers/workers.events';
import { evolveWorker, newWorker, paidMonths, WorkerState } from '../workers/workers.state';
import { ClaimEvent, ClaimType } from './claims.events';
import { ClaimCommand, SettleClaim } from './claims.commands';

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
      return { status: 'SUBMITTED', claimId: event.data.claimId, workerId: event.data.workerId, type: event.data.type, regionCode: event.data.regionCode, incidentDate: event.data.incidentDate };
    case 'ClaimSettled':
      return { ...state, status: 'SETTLED' };
    case 'ClaimRejected':
      return { ...state, status: 'REJECTED' };
  }
}

/**
 * Rule 6: a claim is settled only for a worker covered (paid) in the incident month; JKM settles at
 * the benefit table in force on the incident date (plus eligible scholarships); a claim is settled or
 * rejected once. The worker's state comes in beside the claim's.
 */
export function decideClaim(command: ClaimCommand, claim: ClaimState, worker: WorkerState): ClaimEvent[] {
  if (command.type === 'SubmitClaim') {
    if (claim.status !== 'NONE') throw new Conflict(`claim ${command.claimId} already exists`);
    if (worker.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
    if (command.incidentDate > command.submittedOn) throw new RuleViolation(`the incident date ${command.incidentDate} is in the future`);
    const ref = { claimId: command.claimId, workerId: command.workerId, type: command.claimType, regionCode: worker.regionCode, incidentDate: command.incidentDate };
    return [{ type: 'ClaimSubmitted', data: { ...ref, submittedOn: command.submittedOn, personal: { description: command.description } }, effectiveDate: command.incidentDate }];
  }
  if (claim.status === 'NONE') throw new NotFound(`claim ${command.claimId} does not exist`);
  if (claim.status !== 'SUBMITTED') throw new Conflict(`claim ${command.claimId} is already ${claim.status.toLowerCase()}`);
  const ref = { claimId: claim.claimId, workerId: claim.workerId, type: claim.type, regionCode: claim.regionCode, incidentDate: claim.incidentDate };

  if (command.type === 'RejectClaim') {
    return [{ type: 'ClaimRejected', data: { ...ref, reason: command.reason, rejectedOn: command.rejectedOn }, effectiveDate: command.rejectedOn }];
  }

  if (command.settledOn < claim.incidentDate) throw new RuleViolation(`settledOn ${command.settledOn} is before the incident on ${claim.incidentDate}`);
  const incidentPeriod = periodOf(claim.incidentDate);
  if (!worker.paid[incidentPeriod]) {
    throw new RuleViolation(`worker ${claim.workerId} was not covered in the incident month ${incidentPeriod}: no contribution was paid for it`);
  }
  checkBenefits(claim, command.benefits, paidMonths(worker));
  const amount = command.benefits.reduce((sum, b) => sum + b.amount, 0);
  return [
    {
      type: 'ClaimSettled',
      data: { ...ref, settledOn: command.settledOn, amount, benefits: command.benefits, paymentReference: command.paymentReference },
      effectiveDate: command.settledOn,
    },
  ];
}

function checkBenefits(claim: ClaimState, benefits: SettleClaim['benefits'], paid: number): void {
  const problems: string[] = [];
  const foreign = benefits.filter((b) => b.kind !== 'SCHOLARSHIP' && !b.kind.startsWith(`${claim.type}_`));
  if (foreign.length) problems.push(`${foreign.map((b) => b.kind).join(', ')} cannot be paid on a ${claim.type} claim`);

  if (claim.type === 'JKM') {
    const table = jkmTableOn(claim.incidentDate);
    if (!table) throw new RuleViolation(`no JKM benefit table is in force on ${claim.incidentDate}`);
    const expected: Array<[BenefitKind, number]> = [['JKM_LUMP_SUM', table.lumpSum], ['JKM_PERIODIC', table.periodic], ['JKM_FUNERAL', table.funeral]];
    for (const [kind, amount] of expected) {
      const given = benefits.filter((b) => b.kind === kind);
      if (given.length !== 1 || given[0].amount !== amount) problems.push(`${kind} must be paid once at ${formatRupiah(amount)} (${table.basis})`);
    }
  }
  for (const b of benefits.filter((x) => x.kind === 'JKK_DEATH')) {
    if (b.amount !== JKK_DEATH_BENEFIT) problems.push(`JKK_DEATH is 48 × declared monthly income: ${formatRupiah(JKK_DEATH_BENEFIT)}`);
  }

  const scholarships = benefits.filter((b) => b.kind === 'SCHOLARSHIP');
  if (scholarships.length) {
    const table = scholarshipTableOn(claim.incidentDate);
    if (!table) problems.push(`no scholarship table is in force on ${claim.incidentDate}`);
    else {
      if (scholarships.length > table.maxChildren) problems.push(`at most ${table.maxChildren} children receive a scholarship`);
      const allowed = Object.values(table.perChildPerYear);
      if (scholarships.some((s) => !allowed.includes(s.amount))) problems.push(`a scholarship is one of ${allowed.map(formatRupiah).join(', ')} per child per year (${table.basis})`);
      if (claim.type === 'JKM' && paid < table.jkmMinimumPaidMonths) {
        problems.push(`scholarships on a JKM claim need ${table.jkmMinimumPaidMonths} paid months; the worker has ${paid}`);
      }
    }
  }
  if (problems.length) throw new RuleViolation(`the benefits do not follow the rules: ${problems.join('; ')}`);
}

/** A claim is decided on its own stream together with its worker's (coverage, paid months). */
export interface ClaimsState {
  claim: ClaimState;
  worker: WorkerState;
}

const CLAIM_EVENTS = new Set<string>(['ClaimSubmitted', 'ClaimSettled', 'ClaimRejected'] satisfies ClaimEvent['type'][]);
const isClaimEvent = (e: ClaimEvent | WorkerEvent): e is ClaimEvent => CLAIM_EVENTS.has(e.type);

export const claimsDecider: Decider<ClaimCommand, ClaimsState, ClaimEvent | WorkerEvent> = {
  initialState: () => ({ claim: noClaim, worker: newWorker }),
  evolve: (state, event) =>
    isClaimEvent(event) ? { ...state, claim: evolveClaim(state.claim, event) } : { ...state, worker: evolveWorker(state.worker, event) },
  decide: (command, state) => decideClaim(command, state.claim, state.worker),
};
