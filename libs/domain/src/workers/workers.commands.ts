import type { EraseWorkerPersonalData } from './erasure';
import type { ExitReason, Occupation, WorkerEnrolled, WorkerPersonalData } from './workers.events';

/**
 * Enrol: what the event records, its personal part flat, and an outside fact: the region of the
 * sponsoring allocation (looked up before deciding; rule 2 is decided here).
 */
export type EnrolWorker = { type: 'EnrolWorker' } & Omit<WorkerEnrolled['data'], 'personal'> &
  WorkerPersonalData & {
    sponsorRegionCode: string;
    /** Today in the worker's region (rule 14): no enrolment in the future. */
    today: string;
  };

/**
 * Name, occupation and region can be corrected. Sex and birth date are part of the NIK: a wrong one is
 * an exit as DUPLICATE and an enrolment of the right NIK.
 */
export interface CorrectWorkerDetails {
  type: 'CorrectWorkerDetails';
  workerId: string;
  fullName?: string;
  occupation?: Occupation;
  regionCode?: string;
  reason: string;
  correctedOn: string;
  /** Outside fact for a move: the region of the worker's sponsoring allocation (rule 2). */
  sponsorRegionCode?: string;
}

/** An exit on `effectiveDate`; months paid after the exit month are refunded (rule 10) on `today`. */
export interface ExitWorker {
  type: 'ExitWorker';
  workerId: string;
  reason: ExitReason;
  effectiveDate: string;
  /** Today in the worker's region (rule 14). */
  today: string;
}

export interface ReactivateWorker {
  type: 'ReactivateWorker';
  workerId: string;
  effectiveDate: string;
  today: string;
}

/** Rule 13: a new allocation sponsors the worker from `effectivePeriod` (a cohort moves to a new budget year). */
export interface TransferSponsorship {
  type: 'TransferSponsorship';
  workerId: string;
  toAllocationId: string;
  /** Outside fact: the new allocation's region (rule 2). */
  toRegionCode: string;
  effectivePeriod: string;
  transferredOn: string;
}

export type WorkerCommand =
  EnrolWorker | CorrectWorkerDetails | ExitWorker | ReactivateWorker | TransferSponsorship | EraseWorkerPersonalData;
