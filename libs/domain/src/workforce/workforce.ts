import type { DomainEvent } from '../shared/decider';

/** The informal workforce of a region for a year, with its source: the denominator of coverage ratios. */
export type WorkforceEstimated = DomainEvent<'WorkforceEstimated', { regionCode: string; year: number; informalWorkers: number; source: string }>;

export const workforceStream = (regionCode: string) => `workforce-${regionCode}`;

export interface EstimateWorkforce {
  regionCode: string;
  year: number;
  informalWorkers: number;
  source: string;
  /** The business date of the estimate: the command's day. */
  estimatedOn: string;
}

/** A newer estimate for the same region and year supersedes the older one; all stay in the ledger. */
export function decideWorkforceEstimate(command: EstimateWorkforce): WorkforceEstimated[] {
  const { estimatedOn, ...data } = command;
  return [{ type: 'WorkforceEstimated', data, effectiveDate: estimatedOn }];
}
