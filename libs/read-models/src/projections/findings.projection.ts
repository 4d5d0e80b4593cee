import type { Doc, DocChange } from '../read-store.port';
import { defineProjection, DocKey } from '../projection';

/**
 * Audit findings (api.md "Audit and oversight", finding `kind`): each one a fact the ledger recorded,
 * so the findings replay like any read model, and as of any moment.
 *
 * - `DOUBLE_FUNDING`: a `DoubleFundingRefused`, one finding per refused worker (the allocation's region);
 * - `PAID_AFTER_EXIT`: a `ContributionRefunded` (rule 10), one per refunded worker-month (the worker's
 *   region, the refunded amount); its allocation side, `FundsRefunded`, is the same fact and is not
 *   counted again;
 * - `LATE_PAYMENT`: a `ContributionPaid` whose `paidOn` lies after its `dueOn` (the worker's region, the
 *   contribution's amount; `dueOn` is there for version 1 events through upcasting);
 * - `REVISED_BELOW_TARGET`: a `FundingRevised` whose new amount is below the cost of the allocation's
 *   target workers from the month it was allocated to December (targetWorkers × Rp16,800 × months);
 *   the amount is the shortfall;
 * - `DUPLICATE_CLAIM_REFUSED`: none. A refused command appends nothing (api.md "General"), so a
 *   refused duplicate claim leaves no fact in the ledger to find; the kind stays in the totals at 0
 *   until the ledger records such refusals.
 *
 * The projection keeps what it needs of each allocation (region, fiscal year, target, allocatedOn) in
 * its own collection `findingAllocations`, so it reads nothing another projection owns.
 */
export const FINDING_KINDS = [
  'DOUBLE_FUNDING',
  'PAID_AFTER_EXIT',
  'LATE_PAYMENT',
  'REVISED_BELOW_TARGET',
  'DUPLICATE_CLAIM_REFUSED',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The monthly premium (JKK + JKM) the target cost of an allocation is reckoned with. */
export const TARGET_MONTHLY_PREMIUM = 16_800;

/** One finding. Id: the position of the event recording it and the finding's index within the event. */
export interface FindingView extends Doc {
  kind: FindingKind;
  /** The region the finding belongs to: the allocation's, or for a worker's finding the worker's. */
  regionCode: string;
  fiscalYear: number;
  allocationId: string;
  workerId?: string;
  period?: string;
  amount?: number;
  position: string;
  recordedAt: string;
  detail: string;
  /** DOUBLE_FUNDING: the allocation that had already paid, and its region (shown only to callers who may see it). */
  paidBy?: string;
  paidByRegionCode?: string;
}

/** What the findings need to know of an allocation. Id: the allocation id. */
export interface FindingAllocationView extends Doc {
  allocationId: string;
  regionCode: string;
  fiscalYear: number;
  targetWorkers: number | null;
  allocatedOn: string;
  amount: number;
}

export const findingId = (position: string, index: number) => `${position}:${String(index).padStart(4, '0')}`;

/** Months of the fiscal year from the month of `allocatedOn` to December (all twelve when allocated before the year). */
export function monthsFromAllocation(allocatedOn: string, fiscalYear: number): number {
  const year = Number(allocatedOn.slice(0, 4));
  const month = Number(allocatedOn.slice(5, 7));
  if (year < fiscalYear) return 12;
  if (year > fiscalYear) return 0;
  return 13 - month;
}

/** The cost of an allocation's target workers from its month to December; null without a target. */
export function targetCost(a: Pick<FindingAllocationView, 'targetWorkers' | 'allocatedOn' | 'fiscalYear'>): number | null {
  if (a.targetWorkers === null || a.targetWorkers === undefined) return null;
  return a.targetWorkers * TARGET_MONTHLY_PREMIUM * monthsFromAllocation(a.allocatedOn, a.fiscalYear);
}

/** Whole rupiah with thousands separators, the same on every machine (no locale data). */
const rupiah = (n: number) => `Rp${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;

export const findingsProjection = defineProjection({
  name: 'findings',
  version: 1,
  handles: ['FundingAllocated', 'FundingRevised', 'DoubleFundingRefused', 'ContributionPaid', 'ContributionRefunded'],
  collections: ['findings', 'findingAllocations'],

  keys(e): DocKey[] {
    const own: DocKey = { collection: 'findingAllocations', id: e.data.allocationId };
    if (e.type === 'DoubleFundingRefused') return [own, ...e.data.workers.map((w) => ({ collection: 'findingAllocations', id: w.paidBy }))];
    return [own];
  },

  apply(e, docs): DocChange[] {
    const allocation = docs.get('findingAllocations', e.data.allocationId) as FindingAllocationView | undefined;
    const base = { position: e.position, recordedAt: e.recordedAt, allocationId: e.data.allocationId };
    const finding = (index: number, f: Omit<FindingView, 'id' | 'position' | 'recordedAt' | 'allocationId'>): DocChange => {
      const id = findingId(e.position, index);
      return { collection: 'findings', id, doc: { id, ...base, ...f } };
    };
    switch (e.type) {
      case 'FundingAllocated': {
        if (allocation) return [];
        const doc: FindingAllocationView = {
          id: e.data.allocationId,
          allocationId: e.data.allocationId,
          regionCode: e.data.regionCode,
          fiscalYear: e.data.fiscalYear,
          targetWorkers: e.data.targetWorkers ?? null,
          allocatedOn: e.data.allocatedOn,
          amount: e.data.amount,
        };
        return [{ collection: 'findingAllocations', id: doc.id, doc }];
      }
      case 'FundingRevised': {
        const changes: DocChange[] = [];
        if (!allocation) return changes;
        changes.push({ collection: 'findingAllocations', id: allocation.id, doc: { ...allocation, amount: e.data.amount } });
        const cost = targetCost(allocation);
        if (cost !== null && e.data.amount < cost) {
          const months = monthsFromAllocation(allocation.allocatedOn, allocation.fiscalYear);
          changes.push(
            finding(0, {
              kind: 'REVISED_BELOW_TARGET',
              regionCode: e.data.regionCode,
              fiscalYear: e.data.fiscalYear,
              amount: cost - e.data.amount,
              detail:
                `revised from ${rupiah(e.data.previousAmount)} to ${rupiah(e.data.amount)} on ${e.data.revisedOn}, below the cost of its ` +
                `${allocation.targetWorkers} target workers for ${months} months (${rupiah(cost)}); short by ${rupiah(cost - e.data.amount)}`,
            }),
          );
        }
        return changes;
      }
      case 'DoubleFundingRefused':
        return e.data.workers.map((w, i) => {
          const payer = docs.get('findingAllocations', w.paidBy) as FindingAllocationView | undefined;
          return finding(i, {
            kind: 'DOUBLE_FUNDING',
            regionCode: e.data.regionCode,
            fiscalYear: e.data.fiscalYear,
            workerId: w.workerId,
            period: e.data.period,
            paidBy: w.paidBy,
            ...(payer && { paidByRegionCode: payer.regionCode }),
            detail: `batch of ${e.data.refusedOn} offered ${e.data.period} for a worker another allocation had already paid; refused`,
          });
        });
      case 'ContributionPaid': {
        if (!(e.data.dueOn && e.data.paidOn > e.data.dueOn)) return [];
        const days = Math.round((Date.parse(e.data.paidOn) - Date.parse(e.data.dueOn)) / 86_400_000);
        return [
          finding(0, {
            kind: 'LATE_PAYMENT',
            regionCode: e.data.regionCode,
            fiscalYear: allocation?.fiscalYear ?? Number(e.data.period.slice(0, 4)),
            workerId: e.data.workerId,
            period: e.data.period,
            amount: e.data.amount,
            detail: `contribution for ${e.data.period} paid on ${e.data.paidOn}, due on ${e.data.dueOn} (${days} days late)`,
          }),
        ];
      }
      case 'ContributionRefunded':
        return [
          finding(0, {
            kind: 'PAID_AFTER_EXIT',
            regionCode: e.data.regionCode,
            fiscalYear: allocation?.fiscalYear ?? Number(e.data.period.slice(0, 4)),
            workerId: e.data.workerId,
            period: e.data.period,
            amount: e.data.amount,
            detail: `contribution for ${e.data.period} paid for a worker who exited on ${e.data.exitedOn}; refunded on ${e.data.refundedOn}`,
          }),
        ];
    }
  },
});
