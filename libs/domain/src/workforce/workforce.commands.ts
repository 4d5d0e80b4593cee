export interface EstimateWorkforce {
  type: 'EstimateWorkforce';
  regionCode: string;
  year: number;
  informalWorkers: number;
  source: string;
  /** The business date of the estimate: the command's day. */
  estimatedOn: string;
}
