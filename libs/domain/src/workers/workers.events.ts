import type { DomainEvent } from '../shared/decider';
import type { Sex } from '../reference/nik';

/** Occupations of pekerja rentan: farmer, fisher, livestock, small trader, motorbike taxi, day labourer, craftsperson, village official, other. */
export const OCCUPATIONS = ['PETANI', 'NELAYAN', 'PETERNAK', 'PEDAGANG', 'OJEK', 'BURUH_HARIAN', 'PENGRAJIN', 'PERANGKAT_DESA', 'LAINNYA'] as const;
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

export type WorkerExited = DomainEvent<'WorkerExited', { workerId: string; regionCode: string; reason: ExitReason; exitedOn: string }>;

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

export type WorkerEvent = WorkerEnrolled | WorkerDetailsCorrected | WorkerExited | WorkerReactivated | ContributionPaid;

export const workerStream = (workerId: string) => `worker-${workerId}`;
