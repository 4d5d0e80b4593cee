import type { AllocationRef, FundingEvent } from '../funding/funding.events';
import { MembershipFact, MembershipTimeline, membershipTimeline, statusIn, WorkerMonthStatus } from './membership';
import type { WorkerEnrolled, WorkerEvent } from './workers.events';

/**
 * What the rules need of a worker: the enrolment's facts (no personal data), the membership timeline's
 * facts (every membership, in ledger order), what the current membership has paid, and its claims.
 */
export interface WorkerState extends Omit<WorkerEnrolled['data'], 'personal'> {
  status: 'NEW' | 'ACTIVE' | 'EXITED';
  exitedOn?: string;
  exitReason?: string;
  /** The first enrolment ever (rule 12 looks at when a worker was registered). */
  firstEnrolledOn?: string;
  /** Every fact of every membership, for the one timeline function (membership.ts). */
  facts: MembershipFact[];
  /** Contributions of the current membership by period, not refunded: which allocation and batch paid. */
  paid: Record<string, { allocationId: string; batchId: string; amount: number; paidOn: string }>;
  /** Claims about the worker, by claim id. */
  claims: Record<string, { type: 'JKK' | 'JKM'; incidentDate: string; status: 'SUBMITTED' | 'SETTLED' | 'REJECTED'; death: boolean }>;
  /** Allocations whose streams were loaded with the worker's (a refund goes back to them). */
  payers: Record<string, AllocationRef>;
  /** The worker's personal data was erased (its data key destroyed): none can be recorded again. */
  erased?: boolean;
}

export const newWorker: WorkerState = {
  status: 'NEW',
  workerId: '',
  regionCode: '',
  sex: 'M',
  occupation: 'LAINNYA',
  allocationId: '',
  enrolledOn: '',
  facts: [],
  paid: {},
  claims: {},
  payers: {},
};

export function evolveWorker(state: WorkerState, event: WorkerEvent | FundingEvent): WorkerState {
  switch (event.type) {
    case 'WorkerEnrolled': {
      const { workerId, regionCode, sex, occupation, allocationId, enrolledOn } = event.data;
      return {
        ...state,
        status: 'ACTIVE',
        workerId,
        regionCode,
        sex,
        occupation,
        allocationId,
        enrolledOn,
        exitedOn: undefined,
        exitReason: undefined,
        firstEnrolledOn: state.firstEnrolledOn ?? enrolledOn,
        facts: [...state.facts, { kind: 'ENROLLED', on: enrolledOn }],
        // A new membership: nothing paid in an earlier one carries over (rule 8).
        paid: {},
      };
    }
    case 'WorkerDetailsCorrected':
      return { ...state, ...event.data.changes };
    case 'WorkerExited':
      return {
        ...state,
        status: 'EXITED',
        exitedOn: event.data.exitedOn,
        exitReason: event.data.reason,
        facts: [...state.facts, { kind: 'EXITED', on: event.data.exitedOn, reason: event.data.reason }],
      };
    case 'WorkerReactivated':
      return { ...state, facts: [...state.facts, { kind: 'REACTIVATED', on: event.data.reactivatedOn }] };
    case 'ContributionPaid': {
      const { period, allocationId, batchId, amount, paidOn } = event.data;
      return {
        ...state,
        facts: [...state.facts, { kind: 'PAID', period, paidOn, allocationId }],
        paid: { ...state.paid, [period]: { allocationId, batchId, amount, paidOn } },
      };
    }
    case 'ContributionRefunded': {
      const { [event.data.period]: _refunded, ...paid } = state.paid;
      return { ...state, facts: [...state.facts, { kind: 'REFUNDED', period: event.data.period }], paid };
    }
    case 'SponsorshipTransferred':
      return { ...state, allocationId: event.data.toAllocationId };
    case 'WorkerClaimRecorded': {
      const { claimId, type, incidentDate, status, death } = event.data;
      return { ...state, claims: { ...state.claims, [claimId]: { type, incidentDate, status, death } } };
    }
    case 'PersonalDataErased':
      return { ...state, erased: true };
    case 'FundingAllocated': {
      const { allocationId, regionCode, fundingSource, fiscalYear } = event.data;
      return { ...state, payers: { ...state.payers, [allocationId]: { allocationId, regionCode, fundingSource, fiscalYear } } };
    }
    default:
      return state;
  }
}

/** The worker's membership timeline: the one function behind status, payments, coverage and refunds. */
export function timelineOf(state: WorkerState): MembershipTimeline {
  return membershipTimeline(state.facts);
}

/** The worker's status in a month, as the decider and the read models both answer it. */
export function workerStatusIn(state: WorkerState, period: string): WorkerMonthStatus {
  return statusIn(timelineOf(state), period);
}
