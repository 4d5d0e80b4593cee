import { selfAndAncestors } from '@app/domain';
import type { Doc, DocChange } from '../read-store.port';
import { defineProjection } from '../projection';

/** One allocation as the funding views show it. */
export interface AllocationView extends Doc {
  allocationId: string;
  regionCode: string;
  fundingSource: string;
  fiscalYear: number;
  amount: number;
  disbursed: number;
  remaining: number;
  workerMonths: number;
  programName: string;
  legalBasis: string;
  targetWorkers: number | null;
  allocatedOn: string;
  revisions: Array<{ previousAmount: number; amount: number; reason: string; legalBasis: string; revisedOn: string }>;
  /** Worker-months this allocation was offered but another allocation had already paid (audit findings). */
  doubleFundingRefused: number;
  /** Contributions refunded for months after an exit (rule 10); `disbursed` is net of them. */
  refunded: number;
}

/** A region's funding in a fiscal year, its descendants' allocations included. Id: `53:2026`. */
export interface FundingTotalsView extends Doc {
  regionCode: string;
  fiscalYear: number;
  allocated: number;
  disbursed: number;
  remaining: number;
  workerMonths: number;
  allocationCount: number;
  doubleFundingRefused: number;
  refunded: number;
  bySource: Record<string, { allocated: number; disbursed: number }>;
}

export const fundingTotalsId = (regionCode: string, fiscalYear: number) => `${regionCode}:${fiscalYear}`;

export const fundingProjection = defineProjection({
  name: 'funding',
  version: 2,
  handles: ['FundingAllocated', 'FundingRevised', 'FundsDisbursed', 'FundsReleased', 'DoubleFundingRefused', 'FundsRefunded'],
  collections: ['allocations', 'fundingTotals'],

  keys: (e) => [
    { collection: 'allocations', id: e.data.allocationId },
    ...selfAndAncestors(e.data.regionCode).map((r) => ({ collection: 'fundingTotals', id: fundingTotalsId(r, e.data.fiscalYear) })),
  ],

  apply(e, docs) {
    const allocation = docs.get('allocations', e.data.allocationId) as AllocationView | undefined;
    // Deltas of one event: what it adds to the allocation and to every region above it.
    let delta = { allocated: 0, disbursed: 0, workerMonths: 0, allocations: 0, refused: 0, refunded: 0 };
    let next: AllocationView;
    switch (e.type) {
      case 'FundingAllocated':
        if (allocation) return [];
        next = {
          id: e.data.allocationId,
          ...e.data,
          targetWorkers: e.data.targetWorkers ?? null,
          disbursed: 0,
          remaining: e.data.amount,
          workerMonths: 0,
          revisions: [],
          doubleFundingRefused: 0,
          refunded: 0,
        };
        delta = { ...delta, allocated: e.data.amount, allocations: 1 };
        break;
      case 'FundingRevised':
        if (!allocation) return [];
        next = {
          ...allocation,
          amount: e.data.amount,
          revisions: [
            ...allocation.revisions,
            {
              previousAmount: e.data.previousAmount,
              amount: e.data.amount,
              reason: e.data.reason,
              legalBasis: e.data.legalBasis,
              revisedOn: e.data.revisedOn,
            },
          ],
        };
        delta.allocated = e.data.amount - allocation.amount;
        break;
      case 'DoubleFundingRefused':
        if (!allocation) return [];
        delta.refused = e.data.workers.length;
        next = { ...allocation, doubleFundingRefused: allocation.doubleFundingRefused + delta.refused };
        break;
      case 'FundsRefunded':
        if (!allocation) return [];
        // Contributions for months after an exit come back (rule 10): disbursed is net of refunds.
        delta = { ...delta, disbursed: -e.data.amount, workerMonths: -e.data.periods.length, refunded: e.data.amount };
        next = {
          ...allocation,
          disbursed: allocation.disbursed + delta.disbursed,
          workerMonths: allocation.workerMonths + delta.workerMonths,
          refunded: (allocation.refunded ?? 0) + e.data.amount,
        };
        break;
      case 'FundsDisbursed':
      case 'FundsReleased': {
        if (!allocation) return [];
        const sign = e.type === 'FundsDisbursed' ? 1 : -1;
        delta.disbursed = sign * e.data.amount;
        delta.workerMonths = sign * e.data.workerCount;
        next = {
          ...allocation,
          disbursed: allocation.disbursed + delta.disbursed,
          workerMonths: allocation.workerMonths + delta.workerMonths,
        };
        break;
      }
    }
    next.remaining = next.amount - next.disbursed;

    const changes: DocChange[] = [{ collection: 'allocations', id: next.id, doc: next }];
    for (const regionCode of selfAndAncestors(e.data.regionCode)) {
      const id = fundingTotalsId(regionCode, e.data.fiscalYear);
      const totals = (docs.get('fundingTotals', id) as FundingTotalsView | undefined) ?? emptyTotals(id, regionCode, e.data.fiscalYear);
      const source = totals.bySource[e.data.fundingSource] ?? { allocated: 0, disbursed: 0 };
      const allocated = totals.allocated + delta.allocated;
      const disbursed = totals.disbursed + delta.disbursed;
      changes.push({
        collection: 'fundingTotals',
        id,
        doc: {
          ...totals,
          allocated,
          disbursed,
          remaining: allocated - disbursed,
          workerMonths: totals.workerMonths + delta.workerMonths,
          allocationCount: totals.allocationCount + delta.allocations,
          doubleFundingRefused: totals.doubleFundingRefused + delta.refused,
          refunded: (totals.refunded ?? 0) + delta.refunded,
          bySource: {
            ...totals.bySource,
            [e.data.fundingSource]: { allocated: source.allocated + delta.allocated, disbursed: source.disbursed + delta.disbursed },
          },
        },
      });
    }
    return changes;
  },
});

function emptyTotals(id: string, regionCode: string, fiscalYear: number): FundingTotalsView {
  return {
    id,
    regionCode,
    fiscalYear,
    allocated: 0,
    disbursed: 0,
    remaining: 0,
    workerMonths: 0,
    allocationCount: 0,
    doubleFundingRefused: 0,
    refunded: 0,
    bySource: {},
  };
}
