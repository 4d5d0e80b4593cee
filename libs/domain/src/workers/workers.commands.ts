import type { ExitReason, Occupation, WorkerEnrolled, WorkerPersonalData } from './workers.events';

/**
 * Enrol: what the event records, its personal part flat, and an outside fact: the region of the
 * sponsoring allocation (looked up before deciding; rule 2 is decided here).
 */
export type EnrolWorker = { type: 'EnrolWorker' } & Omit<WorkerEnrolled['data'], 'personal'> & WorkerPersonalData & { sponsorRegionCode: string };

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

export interface ExitWorker {
  type: 'ExitWorker';
  workerId: string;
  reason: ExitReason;
  effectiveDate: string;
}

export interface ReactivateWorker {
  type: 'ReactivateWorker';
  workerId: string;
  effectiveDate: string;
}

export type WorkerCommand = EnrolWorker | CorrectWorkerDetails | ExitWorker | ReactivateWorker;
