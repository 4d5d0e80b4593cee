import type { BenefitKind } from '../reference/benefits';
import type { ClaimType } from './claims.events';

export interface SubmitClaim {
  type: 'SubmitClaim';
  claimId: string;
  workerId: string;
  claimType: ClaimType;
  incidentDate: string;
  description: string;
  submittedOn: string;
  /** Today in the worker's region (rule 14). */
  today: string;
}

export interface SettleClaim {
  type: 'SettleClaim';
  claimId: string;
  settledOn: string;
  benefits: Array<{ kind: BenefitKind; amount: number }>;
  paymentReference: string;
  /** Today in the worker's region (rule 14); the refunds a death causes are dated today. */
  today: string;
}

export interface RejectClaim {
  type: 'RejectClaim';
  claimId: string;
  reason: string;
  rejectedOn: string;
  today: string;
}

export type ClaimCommand = SubmitClaim | SettleClaim | RejectClaim;
