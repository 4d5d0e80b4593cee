import { addMonths, monthsBetween, periodOf } from '../shared/calendar';
import type { WorkerEnrolled, WorkerEvent } from './workers.events';

/** What the rules need of a worker: the enrolment's facts (no personal data), exit, payments, re-activations. */
export interface WorkerState extends Omit<WorkerEnrolled['data'], 'personal'> {
  status: 'NEW' | 'ACTIVE' | 'EXITED';
  exitedOn?: string;
  /** Contributions by period: which allocation paid. */
  paid: Record<string, { allocationId: string; batchId: string }>;
  reactivations: string[];
}

export const newWorker: WorkerState = {
  status: 'NEW',
  workerId: '',
  regionCode: '',
  sex: 'M',
  occupation: 'LAINNYA',
  allocationId: '',
  enrolledOn: '',
  paid: {},
  reactivations: [],
};

export function evolveWorker(state: WorkerState, event: WorkerEvent): WorkerState {
  switch (event.type) {
    case 'WorkerEnrolled': {
      const { workerId, regionCode, sex, occupation, allocationId, enrolledOn } = event.data;
      return { ...state, status: 'ACTIVE', workerId, regionCode, sex, occupation, allocationId, enrolledOn, exitedOn: undefined };
    }
    case 'WorkerDetailsCorrected':
      return { ...state, ...event.data.changes };
    case 'WorkerExited':
      return { ...state, status: 'EXITED', exitedOn: event.data.exitedOn };
    case 'WorkerReactivated':
      return { ...state, reactivations: [...state.reactivations, event.data.reactivatedOn] };
    case 'ContributionPaid':
      return { ...state, paid: { ...state.paid, [event.data.period]: { allocationId: event.data.allocationId, batchId: event.data.batchId } } };
  }
}

/** Months after the last paid month before membership lapses (domain rule: 3 unpaid months). */
export const LAPSE_AFTER_UNPAID_MONTHS = 3;

/** The last paid period strictly before `period`. */
function lastPaidBefore(state: WorkerState, period: string): string | undefined {
  let last: string | undefined;
  for (const p of Object.keys(state.paid)) if (p < period && (last === undefined || p > last)) last = p;
  return last;
}

/** Lapsed in `period`: 3 consecutive unpaid months followed the last paid one, and no re-activation since. */
export function isLapsedIn(state: WorkerState, period: string): boolean {
  const last = lastPaidBefore(state, period);
  if (last === undefined || monthsBetween(last, period) <= LAPSE_AFTER_UNPAID_MONTHS) return false;
  return !state.reactivations.some((d) => periodOf(d) > last && periodOf(d) <= period);
}

/** A contribution for `period` is allowed: enrolled by then, not exited before it, not lapsed. */
export function isActiveIn(state: WorkerState, period: string): boolean {
  if (state.status === 'NEW') return false;
  if (period < periodOf(state.enrolledOn)) return false;
  if (state.status === 'EXITED' && state.exitedOn && period > periodOf(state.exitedOn)) return false;
  return !isLapsedIn(state, period);
}

export function paidMonths(state: WorkerState): number {
  return Object.keys(state.paid).length;
}

/** The first period in which a worker whose last paid period is `lastPaid` counts as lapsed. */
export function lapsesFrom(lastPaid: string): string {
  return addMonths(lastPaid, LAPSE_AFTER_UNPAID_MONTHS + 1);
}
