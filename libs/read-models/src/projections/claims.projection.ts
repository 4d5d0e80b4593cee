import type { Doc } from '../read-store.port';
import { defineProjection } from '../projection';

export interface ClaimView extends Doc {
  claimId: string;
  workerId: string;
  regionCode: string;
  type: string;
  status: 'SUBMITTED' | 'SETTLED' | 'REJECTED';
  incidentDate: string;
  submittedOn: string;
  settledOn: string | null;
  rejectedOn: string | null;
  amount: number;
  benefits: Array<{ kind: string; amount: number }>;
  paymentReference: string | null;
  rejectionReason: string | null;
}

export const claimsProjection = defineProjection({
  name: 'claims',
  version: 1,
  handles: ['ClaimSubmitted', 'ClaimSettled', 'ClaimRejected'],
  collections: ['claims'],

  keys: (e) => [{ collection: 'claims', id: e.data.claimId }],

  apply(e, docs) {
    const current = docs.get('claims', e.data.claimId) as ClaimView | undefined;
    let next: ClaimView | undefined;
    switch (e.type) {
      case 'ClaimSubmitted': {
        const { personal: _personal, ...ref } = e.data;
        next = {
          id: e.data.claimId,
          ...ref,
          status: 'SUBMITTED',
          settledOn: null,
          rejectedOn: null,
          amount: 0,
          benefits: [],
          paymentReference: null,
          rejectionReason: null,
        };
        break;
      }
      case 'ClaimSettled':
        next = current && {
          ...current,
          status: 'SETTLED',
          settledOn: e.data.settledOn,
          amount: e.data.amount,
          benefits: e.data.benefits,
          paymentReference: e.data.paymentReference,
        };
        break;
      case 'ClaimRejected':
        next = current && { ...current, status: 'REJECTED', rejectedOn: e.data.rejectedOn, rejectionReason: e.data.reason };
        break;
    }
    return next ? [{ collection: 'claims', id: next.id, doc: next }] : [];
  },
});
