import { allocationStream } from './funding/funding.events';
import { workerStream } from './workers/workers.events';
import { claimStream } from './claims/claims.events';
import { workforceStream } from './workforce/workforce.events';
import type { DomainEvent } from './shared/decider';

const FUNDING = new Set(['FundingAllocated', 'FundingRevised', 'FundsDisbursed', 'FundsReleased', 'DoubleFundingRefused', 'FundsRefunded']);
const CLAIM = new Set(['ClaimSubmitted', 'ClaimSettled', 'ClaimRejected']);

/**
 * The stream every event of the ledger belongs to: an allocation's events on its allocation, a
 * claim's on its claim, a region's workforce estimates on the region, everything about a worker
 * (payments and refunds included) on the worker.
 */
export function streamOf(event: DomainEvent): string {
  const data = event.data as { allocationId?: string; claimId?: string; workerId?: string; regionCode?: string };
  if (FUNDING.has(event.type)) return allocationStream(data.allocationId!);
  if (CLAIM.has(event.type)) return claimStream(data.claimId!);
  if (event.type === 'WorkforceEstimated') return workforceStream(data.regionCode!);
  return workerStream(data.workerId!);
}
