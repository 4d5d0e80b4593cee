import type { DomainEvent } from '../shared/decider';
import type { Sex } from '../reference/nik';
import type { PersonalDataErased } from './erasure';

export * from './erasure';

/** Occupations of pekerja rentan: farmer, fisher, livestock, small trader, motorbike taxi, day labourer, craftsperson, village official, other. */
export const OCCUPATIONS = [
  'PETANI',
  'NELAYAN',
  'PETERNAK',
  'PEDAGANG',
  'OJEK',
  'BURUH_HARIAN',
  'PENGRAJIN',
  'PERANGKAT_DESA',
  'LAINNYA',
] as const;
export type Occupation = (typeof OCCUPATIONS)[number];

export const EXIT_REASONS = ['DECEASED', 'MOVED', 'FORMAL_EMPLOYMENT', 'DUPLICATE', 'OTHER'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * Personal data lives apart from the rest of an event's data (`personal`), so it can be encrypted at
 * rest and erased (crypto-shredding) while counts and amounts stay.
 */
export interface WorkerPersonalData {
  nik: string;
  fullName: string;
  birthDate: string;
}

export type WorkerEnrolled = DomainEvent<
  'WorkerEnrolled',
  {
    workerId: string;
    regionCode: string;
    sex: Sex;
    occupation: Occupation;
    /** The sponsoring allocation: its batches pay this worker by default. */
    allocationId: string;
    enrolledOn: string;
    personal: WorkerPersonalData;
  }
>;

export type WorkerDetailsCorrected = DomainEvent<
  'WorkerDetailsCorrected',
  {
    workerId: string;
    /** The region after the correction, and before it (a move between regions). */
    regionCode: string;
    previousRegionCode: string;
    changes: { occupation?: Occupation; regionCode?: string };
    reason: string;
    correctedOn: string;
    personal: Partial<WorkerPersonalData>;
  }
>;

/** The end of a membership; a death settled by a claim names the claim. */
export type WorkerExited = DomainEvent<
  'WorkerExited',
  { workerId: string; regionCode: string; reason: ExitReason; exitedOn: string; claimId?: string }
>;

/** A lapsed membership (3 unpaid months after a paid one) made active again. */
export type WorkerReactivated = DomainEvent<'WorkerReactivated', { workerId: string; regionCode: string; reactivatedOn: string }>;

/** One worker's premium for one period, paid by one allocation as part of a batch. */
export type ContributionPaid = DomainEvent<
  'ContributionPaid',
  {
    workerId: string;
    period: string;
    amount: number;
    jkk: number;
    jkm: number;
    allocationId: string;
    fundingSource: string;
    batchId: string;
    paidOn: string;
    /** When the month's contribution was due (schema version 2; v1 events are upcast). */
    dueOn: string;
    /** The worker's region, sex and occupation when paid, so coverage needs no lookups. */
    regionCode: string;
    sex: Sex;
    occupation: Occupation;
  }
>;

/**
 * Rule 10: a contribution for a month after the exit month (an exit or death recorded late) is
 * refunded to the allocation that paid it; the allocation's side is its FundsRefunded. A
 * `PAID_AFTER_EXIT` finding.
 */
export type ContributionRefunded = DomainEvent<
  'ContributionRefunded',
  {
    workerId: string;
    period: string;
    amount: number;
    allocationId: string;
    fundingSource: string;
    batchId: string;
    regionCode: string;
    sex: Sex;
    occupation: Occupation;
    exitedOn: string;
    refundedOn: string;
    reason: 'PAID_AFTER_EXIT';
  }
>;

/** Rule 13: from `effectivePeriod` on, another allocation (a new fiscal year's budget line) sponsors the worker. */
export type SponsorshipTransferred = DomainEvent<
  'SponsorshipTransferred',
  { workerId: string; regionCode: string; fromAllocationId: string; toAllocationId: string; effectivePeriod: string; transferredOn: string }
>;

/**
 * A claim about this worker, kept on the worker's stream too, so that one claim per incident and one
 * death per membership hold under concurrency (both claims must write here).
 */
export type WorkerClaimRecorded = DomainEvent<
  'WorkerClaimRecorded',
  {
    workerId: string;
    claimId: string;
    type: 'JKK' | 'JKM';
    incidentDate: string;
    status: 'SUBMITTED' | 'SETTLED' | 'REJECTED';
    death: boolean;
  }
>;

export type WorkerEvent =
  | WorkerEnrolled
  | WorkerDetailsCorrected
  | WorkerExited
  | WorkerReactivated
  | ContributionPaid
  | ContributionRefunded
  | SponsorshipTransferred
  | WorkerClaimRecorded
  | PersonalDataErased;

export const workerStream = (workerId: string) => `worker-${workerId}`;
