export interface PayContributions {
  type: 'PayContributions';
  batchId: string;
  allocationId: string;
  period: string;
  paidOn: string;
  /** Named by the caller, or every active worker the allocation sponsors. */
  workerIds: string[];
  /** Today in the allocation's region (rule 14): no payment dated in the future. */
  today: string;
}
