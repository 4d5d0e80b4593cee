import { DomainEvent } from '../shared/decider';

/** Where the money comes from: APBD = regional budget; Dana Desa = village fund; APBN = national budget. */
export const FUNDING_SOURCES = ['APBD_PROVINSI', 'APBD_KABUPATEN_KOTA', 'DANA_DESA', 'APBN', 'CSR', 'MANDIRI'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

/** A budget line: region, source, fiscal year, whole rupiah, legal basis (e.g. a Pergub, a governor's regulation). */
export type FundingAllocated = DomainEvent<
  'FundingAllocated',
  {
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
>;

/** Every event after the first repeats where the allocation sits, so read models need no lookups. */
export interface AllocationRef {
  allocationId: string;
  regionCode: string;
  fundingSource: FundingSource;
  fiscalYear: number;
}

/** A revision of the total, e.g. in the APBD Perubahan (the mid-year budget amendment). */
export type FundingRevised = DomainEvent<
  'FundingRevised',
  AllocationRef & { previousAmount: number; amount: number; reason: string; legalBasis: string; revisedOn: string }
>;

/** The allocation's side of a monthly contribution batch. */
export type FundsDisbursed = DomainEvent<
  'FundsDisbursed',
  AllocationRef & { batchId: string; period: string; workerCount: number; amount: number; paidOn: string }
>;

/** The unused part of a batch returned to the allocation. */
export type FundsReleased = DomainEvent<
  'FundsReleased',
  AllocationRef & { batchId: string; workerCount: number; amount: number; reason: string; releasedOn: string }
>;

/**
 * A batch offered the allocation workers another allocation had already paid for the period: refused,
 * and kept as an audit finding (each worker and period once per allocation).
 */
export type DoubleFundingRefused = DomainEvent<
  'DoubleFundingRefused',
  AllocationRef & { batchId: string; period: string; workers: Array<{ workerId: string; paidBy: string }>; refusedOn: string }
>;

/**
 * The allocation's side of ContributionRefunded (rule 10): contributions it paid for months after a
 * worker's exit come back; `disbursed` shrinks by the amount.
 */
export type FundsRefunded = DomainEvent<
  'FundsRefunded',
  AllocationRef & {
    workerId: string;
    periods: Array<{ period: string; amount: number }>;
    amount: number;
    refundedOn: string;
    reason: 'PAID_AFTER_EXIT';
  }
>;

export type FundingEvent = FundingAllocated | FundingRevised | FundsDisbursed | FundsReleased | DoubleFundingRefused | FundsRefunded;

export const allocationStream = (allocationId: string) => `allocation-${allocationId}`;
