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
}

export interface SettleClaim {
  type: 'SettleClaim';
  claimId: string;
  settledOn: string;
  benefits: Array<{ kind: BenefitKind; amount: number }>;
  paymentReference: string;
}

export interface RejectClaim {
  type: 'RejectClaim';
  claimId: string;
  reason: string;
  rejectedOn: string;
}

export type ClaimCommand = SubmitClaim | SettleClaim | RejectClaim;
