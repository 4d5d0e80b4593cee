export interface PayContributions {
  type: 'PayContributions';
  batchId: string;
  allocationId: string;
  period: string;
  paidOn: string;
  /** Named by the caller, or every active worker the allocation sponsors. */
  workerIds: string[];
}
