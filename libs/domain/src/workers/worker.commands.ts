import type { Sex } from '../reference/nik';
import type { ExitReason, Occupation } from './worker.events';

export interface EnrolWorker {
  type: 'EnrolWorker';
  workerId: string;
  nik: string;
  fullName: string;
  birthDate: string;
  sex: Sex;
  regionCode: string;
  occupation: Occupation;
  allocationId: string;
  enrolledOn: string;
}

export interface CorrectWorkerDetails {
  type: 'CorrectWorkerDetails';
  workerId: string;
  fullName?: string;
  birthDate?: string;
  sex?: Sex;
  occupation?: Occupation;
  regionCode?: string;
  reason: string;
  correctedOn: string;
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
