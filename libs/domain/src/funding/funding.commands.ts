import { FundingSource } from './funding.events';

export interface AllocateFunding {
  type: 'AllocateFunding';
  allocationId: string;
  regionCode: string;
  fundingSource: FundingSource;
  fiscalYear: number;
  amount: number;
  programName: string;
  legalBasis: string;
  targetWorkers?: number;
  allocatedOn: string;
}

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
