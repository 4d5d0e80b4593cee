import type { DomainEvent } from '../shared/decider';

/** The informal workforce of a region for a year, with its source: the denominator of coverage ratios. */
export type WorkforceEstimated = DomainEvent<
  'WorkforceEstimated',
  { regionCode: string; year: number; informalWorkers: number; source: string }
>;
export type WorkforceEvent = WorkforceEstimated;

export const workforceStream = (regionCode: string) => `workforce-${regionCode}`;
