import type { DomainEvent } from '../shared/decider';
import type { BenefitKind } from '../reference/benefits';

export const CLAIM_TYPES = ['JKK', 'JKM'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

interface ClaimRef {
  claimId: string;
  workerId: string;
  type: ClaimType;
  regionCode: string;
  incidentDate: string;
}

export type ClaimSubmitted = DomainEvent<'ClaimSubmitted', ClaimRef & { submittedOn: string; personal: { description: string } }>;

export type ClaimSettled = DomainEvent<
  'ClaimSettled',
  ClaimRef & { settledOn: string; amount: number; benefits: Array<{ kind: BenefitKind; amount: number }>; paymentReference: string }
>;

export type ClaimRejected = DomainEvent<'ClaimRejected', ClaimRef & { reason: string; rejectedOn: string }>;

export type ClaimEvent = ClaimSubmitted | ClaimSettled | ClaimRejected;

export const claimStream = (claimId: string) => `claim-${claimId}`;
