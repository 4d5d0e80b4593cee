import { ClaimEvent, lapsesFrom, maskNik, WorkerEvent } from '@app/domain';
import type { Doc } from '../read-store.port';
import { defineProjection, Recorded } from '../projection';

/** A worker as the workers queries show it: never a full NIK. */
export interface WorkerView extends Doc {
  workerId: string;
  nikMasked: string | null;
  regionCode: string;
  occupation: string;
  sex: string;
  /** ACTIVE or EXITED; LAPSED is derived at query time from `lapsesFrom`. */
  status: 'ACTIVE' | 'EXITED';
  enrolledOn: string;
  exitedOn: string | null;
  exitReason: string | null;
  /** The sponsoring allocation, whose batches pay the worker by default. */
  allocationId: string;
  sponsors: string[];
  paidPeriods: string[];
  lastPaidPeriod: string | null;
  /** First period in which the worker counts as lapsed; '9999-12' while nothing was paid. */
  lapsesFrom: string;
  reactivatedOn: string | null;
  claims: Array<{ claimId: string; type: string; status: string; incidentDate: string; amount: number }>;
}

export const NEVER = '9999-12';

export const workersProjection = defineProjection({
  name: 'workers',
  version: 1,
  handles: ['WorkerEnrolled', 'WorkerDetailsCorrected', 'WorkerExited', 'WorkerReactivated', 'ContributionPaid', 'ClaimSubmitted', 'ClaimSettled', 'ClaimRejected'],
  collections: ['workers'],

  keys: (e) => [{ collection: 'workers', id: e.data.workerId }],

  apply(e, docs) {
    const workerId = e.data.workerId;
    const current = docs.get('workers', workerId) as WorkerView | undefined;
    let next: WorkerView | undefined;
    switch (e.type) {
      case 'ClaimSubmitted':
      case 'ClaimSettled':
      case 'ClaimRejected':
        next = current && applyClaim(current, e);
        break;
      default:
        next = applyWorker(current, e);
    }
    return next ? [{ collection: 'workers', id: workerId, doc: next }] : [];
  },
});

function applyWorker(w: WorkerView | undefined, e: Recorded<WorkerEvent>): WorkerView | undefined {
  switch (e.type) {
    case 'WorkerEnrolled':
      return {
        id: e.data.workerId,
        workerId: e.data.workerId,
        nikMasked: maskNik(e.data.personal.nik),
        regionCode: e.data.regionCode,
        occupation: e.data.occupation,
        sex: e.data.sex,
        status: 'ACTIVE',
        enrolledOn: e.data.enrolledOn,
        exitedOn: null,
        exitReason: null,
        allocationId: e.data.allocationId,
        sponsors: w?.sponsors ?? [],
        paidPeriods: w?.paidPeriods ?? [],
        lastPaidPeriod: w?.lastPaidPeriod ?? null,
        lapsesFrom: w?.lapsesFrom ?? NEVER,
        reactivatedOn: null,
        claims: w?.claims ?? [],
      };
    case 'WorkerDetailsCorrected':
      return w && { ...w, ...e.data.changes };
    case 'WorkerExited':
      return w && { ...w, status: 'EXITED', exitedOn: e.data.exitedOn, exitReason: e.data.reason };
    case 'WorkerReactivated':
      // Re-activation restarts the clock: the worker counts as lapsed again 3 unpaid months after it.
      return w && { ...w, reactivatedOn: e.data.reactivatedOn, lapsesFrom: lapsesFrom(e.data.reactivatedOn.slice(0, 7)) };
    case 'ContributionPaid': {
      if (!w) return undefined;
      const paidPeriods = [...new Set([...w.paidPeriods, e.data.period])].sort();
      const lastPaidPeriod = paidPeriods[paidPeriods.length - 1];
      const sponsors = w.sponsors.includes(e.data.allocationId) ? w.sponsors : [...w.sponsors, e.data.allocationId];
      return { ...w, paidPeriods, lastPaidPeriod, sponsors, lapsesFrom: lapsesFrom(lastPaidPeriod) };
    }
  }
}

function applyClaim(w: WorkerView, e: Recorded<ClaimEvent>): WorkerView {
  const others = w.claims.filter((c) => c.claimId !== e.data.claimId);
  const previous = w.claims.find((c) => c.claimId === e.data.claimId);
  const status = e.type === 'ClaimSubmitted' ? 'SUBMITTED' : e.type === 'ClaimSettled' ? 'SETTLED' : 'REJECTED';
  const amount = e.type === 'ClaimSettled' ? e.data.amount : (previous?.amount ?? 0);
  return { ...w, claims: [...others, { claimId: e.data.claimId, type: e.data.type, status, incidentDate: e.data.incidentDate, amount }] };
}
