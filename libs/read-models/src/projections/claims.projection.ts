import type { RecordedEvent } from '@app/event-store';
import { ClaimEvent } from '@app/domain';
import type { Doc, DocChange } from '../read-store.port';
import type { DocKey, DocReader, Projection } from '../projection';

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

const HANDLED = new Set(['ClaimSubmitted', 'ClaimSettled', 'ClaimRejected']);

export const claimsProjection: Projection = {
  name: 'claims',

  keys(event: RecordedEvent): DocKey[] {
    return HANDLED.has(event.type) ? [{ collection: 'claims', id: (event.data as { claimId: string }).claimId }] : [];
  },

  apply(event: RecordedEvent, docs: DocReader): DocChange[] {
    if (!HANDLED.has(event.type)) return [];
    const e = event as unknown as ClaimEvent;
    const current = docs.get('claims', e.data.claimId) as ClaimView | undefined;
    let next: ClaimView | undefined;
    switch (e.type) {
      case 'ClaimSubmitted': {
        const { personal: _personal, ...ref } = e.data;
        next = { id: e.data.claimId, ...ref, status: 'SUBMITTED', settledOn: null, rejectedOn: null, amount: 0, benefits: [], paymentReference: null, rejectionReason: null };
        break;
      }
      case 'ClaimSettled':
        next = current && { ...current, status: 'SETTLED', settledOn: e.data.settledOn, amount: e.data.amount, benefits: e.data.benefits, paymentReference: e.data.paymentReference };
        break;
      case 'ClaimRejected':
        next = current && { ...current, status: 'REJECTED', rejectedOn: e.data.rejectedOn, rejectionReason: e.data.reason };
        break;
    }
    return next ? [{ collection: 'claims', id: next.id, doc: next }] : [];
  },
};
