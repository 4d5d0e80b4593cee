import {
  ClaimEvent,
  currentMembership,
  maskNik,
  MembershipFact,
  membershipTimeline,
  periodOf,
  SponsorshipSpan,
  WorkerEvent,
} from '@app/domain';
import type { Doc } from '../read-store.port';
import { defineProjection, Recorded } from '../projection';

/**
 * A worker as the workers queries show it: never a full NIK, nor any clear personal data. Personal
 * data is kept only as the ledger stores it, encrypted under the worker's data key (`sealed`: the
 * envelopes of the enrolments and name corrections, in ledger order); the queries open them (the
 * masked NIK for every reader, name and birth date for operators and auditors). An erasure drops
 * them. `nikMasked` is set only for events written before personal data was encrypted.
 */
export interface WorkerView extends Doc {
  workerId: string;
  nikMasked: string | null;
  /** The `data.personal` envelopes of the worker's events ({ enc, kid, iv, ct, tag }), in ledger order. */
  sealed?: unknown[];
  /** The worker's personal data was erased (PersonalDataErased): nothing personal can be shown again. */
  erased?: boolean;
  regionCode: string;
  occupation: string;
  sex: string;
  /** ACTIVE or EXITED; LAPSED is derived at query time from the membership timeline (`facts`). */
  status: 'ACTIVE' | 'EXITED';
  enrolledOn: string;
  exitedOn: string | null;
  exitReason: string | null;
  /** The sponsoring allocation, whose batches pay the worker by default. */
  allocationId: string;
  sponsors: string[];
  /** Which allocation sponsored the worker from which month (enrolments, sponsorship transfers), in ledger order. */
  sponsorship?: SponsorshipSpan[];
  paidPeriods: string[];
  lastPaidPeriod: string | null;
  /**
   * First period in which the current membership counts as lapsed if nothing more is paid; '9999-12'
   * when it cannot lapse. From the same timeline function as the decider's (membership.ts).
   */
  lapsesFrom: string;
  /** The membership timeline's facts (every membership), so a month's status is the decider's. */
  facts: MembershipFact[];
  reactivatedOn: string | null;
  claims: Array<{ claimId: string; type: string; status: string; incidentDate: string; amount: number }>;
}

export const NEVER = '9999-12';

export const workersProjection = defineProjection({
  name: 'workers',
  version: 4,
  handles: [
    'WorkerEnrolled',
    'WorkerDetailsCorrected',
    'WorkerExited',
    'WorkerReactivated',
    'ContributionPaid',
    'ContributionRefunded',
    'SponsorshipTransferred',
    'ClaimSubmitted',
    'ClaimSettled',
    'ClaimRejected',
    'PersonalDataErased',
  ],
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
        // `lapsesFrom` is worked out by `settle`, once per worker and batch.
        next = applyWorker(current, e);
    }
    return next ? [{ collection: 'workers', id: workerId, doc: next }] : [];
  },

  settle: (_collection, doc) => withTimeline(doc as WorkerView),
});

function applyWorker(w: WorkerView | undefined, e: Recorded<WorkerEvent>): WorkerView | undefined {
  switch (e.type) {
    case 'WorkerEnrolled': {
      const sealed = isSealed(e.data.personal);
      return {
        id: e.data.workerId,
        workerId: e.data.workerId,
        nikMasked: sealed || w?.erased ? null : maskNik(e.data.personal.nik),
        sealed: sealed && !w?.erased ? [...(w?.sealed ?? []), e.data.personal] : (w?.sealed ?? []),
        ...(w?.erased ? { erased: true } : {}),
        regionCode: e.data.regionCode,
        occupation: e.data.occupation,
        sex: e.data.sex,
        status: 'ACTIVE',
        enrolledOn: e.data.enrolledOn,
        exitedOn: null,
        exitReason: null,
        allocationId: e.data.allocationId,
        sponsors: w?.sponsors ?? [],
        sponsorship: [...(w?.sponsorship ?? []), { allocationId: e.data.allocationId, fromPeriod: periodOf(e.data.enrolledOn) }],
        paidPeriods: w?.paidPeriods ?? [],
        lastPaidPeriod: w?.lastPaidPeriod ?? null,
        lapsesFrom: NEVER,
        facts: [...(w?.facts ?? []), { kind: 'ENROLLED', on: e.data.enrolledOn }],
        reactivatedOn: null,
        claims: w?.claims ?? [],
      };
    }
    case 'WorkerDetailsCorrected':
      return (
        w && {
          ...w,
          ...e.data.changes,
          ...(isSealed(e.data.personal) && !w.erased ? { sealed: [...(w.sealed ?? []), e.data.personal] } : {}),
        }
      );
    case 'PersonalDataErased':
      return w && { ...w, nikMasked: null, sealed: [], erased: true };
    case 'WorkerExited':
      return (
        w && {
          ...w,
          status: 'EXITED',
          exitedOn: e.data.exitedOn,
          exitReason: e.data.reason,
          facts: [...w.facts, { kind: 'EXITED', on: e.data.exitedOn, reason: e.data.reason }],
        }
      );
    case 'WorkerReactivated':
      return w && { ...w, reactivatedOn: e.data.reactivatedOn, facts: [...w.facts, { kind: 'REACTIVATED', on: e.data.reactivatedOn }] };
    case 'ContributionPaid': {
      if (!w) return undefined;
      const paidPeriods = withPeriod(w.paidPeriods, e.data.period);
      const sponsors = w.sponsors.includes(e.data.allocationId) ? w.sponsors : [...w.sponsors, e.data.allocationId];
      const fact: MembershipFact = { kind: 'PAID', period: e.data.period, paidOn: e.data.paidOn, allocationId: e.data.allocationId };
      const facts = [...w.facts, fact];
      const lastPaidPeriod = paidPeriods[paidPeriods.length - 1];
      if (!isEnrolledShape(w)) return { ...w, paidPeriods, lastPaidPeriod, sponsors, facts };
      // A fresh copy of `w`: its fields are set in place, where they already are.
      const next = enrolledFields(w);
      next.paidPeriods = paidPeriods;
      next.lastPaidPeriod = lastPaidPeriod;
      next.sponsors = sponsors;
      next.facts = facts;
      return next;
    }
    case 'ContributionRefunded': {
      if (!w) return undefined;
      const paidPeriods = w.paidPeriods.filter((p) => p !== e.data.period);
      return {
        ...w,
        paidPeriods,
        lastPaidPeriod: paidPeriods[paidPeriods.length - 1] ?? null,
        facts: [...w.facts, { kind: 'REFUNDED', period: e.data.period }],
      };
    }
    case 'SponsorshipTransferred':
      return (
        w && {
          ...w,
          allocationId: e.data.toAllocationId,
          sponsorship: [...(w.sponsorship ?? []), { allocationId: e.data.toAllocationId, fromPeriod: e.data.effectivePeriod }],
        }
      );
    default:
      return w;
  }
}

function applyClaim(w: WorkerView, e: Recorded<ClaimEvent>): WorkerView {
  const others = w.claims.filter((c) => c.claimId !== e.data.claimId);
  const previous = w.claims.find((c) => c.claimId === e.data.claimId);
  const status = e.type === 'ClaimSubmitted' ? 'SUBMITTED' : e.type === 'ClaimSettled' ? 'SETTLED' : 'REJECTED';
  const amount = e.type === 'ClaimSettled' ? e.data.amount : (previous?.amount ?? 0);
  return { ...w, claims: [...others, { claimId: e.data.claimId, type: e.data.type, status, incidentDate: e.data.incidentDate, amount }] };
}

/** An encrypted `personal` part as the ledger stores it ({ enc, kid, iv, ct, tag }); never opened here. */
function isSealed(personal: unknown): boolean {
  return (
    typeof personal === 'object' &&
    personal !== null &&
    typeof (personal as { enc?: unknown }).enc === 'string' &&
    typeof (personal as { ct?: unknown }).ct === 'string'
  );
}

/**
 * The paid periods with `period` added: sorted, each once (`[...new Set([...paid, period])].sort()`),
 * without the set and the sort when `paid` is sorted and `period` comes after it (a month paid after
 * the ones before it, the usual case).
 */
function withPeriod(paid: readonly string[], period: string): string[] {
  const n = paid.length;
  if (n === 0) return [period];
  if (paid[n - 1] < period) {
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = paid[i - 1] < paid[i];
    if (sorted) return [...paid, period];
  }
  return [...new Set([...paid, period])].sort();
}

/**
 * The worker with the lapse month of the current membership's last run, from the one timeline
 * function (the worker itself when it already has it).
 */
function withTimeline(w: WorkerView): WorkerView {
  const runs = currentMembership(membershipTimeline(w.facts))?.runs ?? [];
  const lapsedOn = runs[runs.length - 1]?.lapsedOn;
  const lapsesFrom = lapsedOn ? lapsedOn.slice(0, 7) : NEVER;
  if (lapsesFrom === w.lapsesFrom) return w;
  const next = isEnrolledShape(w) ? enrolledFields(w) : { ...w };
  next.lapsesFrom = lapsesFrom;
  return next;
}

/** The fields of a worker as `WorkerEnrolled` writes them (never erased), in that order. */
const ENROLLED_SHAPE = [
  'id',
  'workerId',
  'nikMasked',
  'sealed',
  'regionCode',
  'occupation',
  'sex',
  'status',
  'enrolledOn',
  'exitedOn',
  'exitReason',
  'allocationId',
  'sponsors',
  'sponsorship',
  'paidPeriods',
  'lastPaidPeriod',
  'lapsesFrom',
  'facts',
  'reactivatedOn',
  'claims',
] as const;

/** Whether `w` has exactly the fields of `ENROLLED_SHAPE`, in that order (then `enrolledFields(w)` is `{ ...w }`). */
function isEnrolledShape(w: WorkerView): boolean {
  let i = 0;
  for (const key in w) if (key !== ENROLLED_SHAPE[i++]) return false;
  return i === ENROLLED_SHAPE.length;
}

/**
 * `{ ...w }` for a worker of `ENROLLED_SHAPE`, written out field by field: the same object, built far
 * cheaper than by a spread (the copy a payment makes of the worker, the projection's hottest path).
 */
function enrolledFields(w: WorkerView): WorkerView {
  return {
    id: w.id,
    workerId: w.workerId,
    nikMasked: w.nikMasked,
    sealed: w.sealed,
    regionCode: w.regionCode,
    occupation: w.occupation,
    sex: w.sex,
    status: w.status,
    enrolledOn: w.enrolledOn,
    exitedOn: w.exitedOn,
    exitReason: w.exitReason,
    allocationId: w.allocationId,
    sponsors: w.sponsors,
    sponsorship: w.sponsorship,
    paidPeriods: w.paidPeriods,
    lastPaidPeriod: w.lastPaidPeriod,
    lapsesFrom: w.lapsesFrom,
    facts: w.facts,
    reactivatedOn: w.reactivatedOn,
    claims: w.claims,
  };
}
