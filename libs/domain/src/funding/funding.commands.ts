import type { FundingAllocated } from './funding.events';

/** Allocate a budget line: the command carries exactly what the event will record. */
export type AllocateFunding = { type: 'AllocateFunding' } & FundingAllocated['data'];

export interface ReviseFunding {
  type: 'ReviseFunding';
  allocationId: string;
  amount: number;
  reason: string;
  legalBasis: string;
  revisedOn: string;
}

export interface DisburseFunds {
  type: 'DisburseFunds';
  allocationId: string;
  batchId: string;
  period: string;
  workerCount: number;
  amount: number;
  paidOn: string;
}

export interface ReleaseFunds {
  type: 'ReleaseFunds';
  allocationId: string;
  batchId: string;
  workerCount: number;
  amount: number;
  reason: string;
  releasedOn: string;
}

export type FundingCommand = AllocateFunding | ReviseFunding | DisburseFunds | ReleaseFunds;
