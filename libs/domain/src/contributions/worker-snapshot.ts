import type { MembershipFact } from '../workers/membership';
import type { WorkerState } from '../workers/workers.state';

/**
 * A worker's state kept as a snapshot (a cache beside its stream, never a source of truth), so that a
 * monthly batch reads the snapshot and the few events after it rather than the whole stream. The
 * encoding is exact (`decodeWorker(encodeWorker(s))` is `s`) and compact: the membership facts and the
 * paid months as arrays, the allocation and batch ids they repeat written once.
 *
 * The schema names the state's shape AND the fold that built it: change it whenever WorkerState,
 * evolveWorker, or an upcaster of a worker event changes, and every older snapshot is ignored.
 */
export const WORKER_SNAPSHOT_SCHEMA = 'worker-state/1';

type EncodedFact = ['E', string] | ['X', string, string?] | ['P', string, string, number] | ['R', string] | ['F', string];
/** period, allocation (index), batch (index), amount, paidOn */
type EncodedPaid = [string, number, number, number, string];

export interface EncodedWorker {
  /** The strings the facts and payments repeat (allocation and batch ids). */
  s: string[];
  /** Every other field of the state, as it is. */
  w: Omit<WorkerState, 'facts' | 'paid'>;
  f: EncodedFact[];
  p: EncodedPaid[];
}

export function encodeWorker(state: WorkerState): EncodedWorker {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (value: string) => {
    let i = index.get(value);
    if (i === undefined) {
      i = strings.push(value) - 1;
      index.set(value, i);
    }
    return i;
  };
  const { facts, paid, ...rest } = state;
  const f = facts.map((fact): EncodedFact => {
    switch (fact.kind) {
      case 'ENROLLED':
        return ['E', fact.on];
      case 'EXITED':
        return fact.reason === undefined ? ['X', fact.on] : ['X', fact.on, fact.reason];
      case 'PAID':
        return ['P', fact.period, fact.paidOn, ref(fact.allocationId)];
      case 'REACTIVATED':
        return ['R', fact.on];
      case 'REFUNDED':
        return ['F', fact.period];
    }
  });
  const p = Object.entries(paid).map(([period, v]): EncodedPaid => [period, ref(v.allocationId), ref(v.batchId), v.amount, v.paidOn]);
  return { s: strings, w: rest, f, p };
}

/** The state a snapshot holds, or undefined when it is not one this code wrote (then it is ignored). */
export function decodeWorker(value: unknown): WorkerState | undefined {
  const e = value as EncodedWorker;
  if (!e || typeof e !== 'object' || !Array.isArray(e.s) || !Array.isArray(e.f) || !Array.isArray(e.p) || !e.w || typeof e.w !== 'object')
    return undefined;
  const str = (i: number) => {
    const s = e.s[i];
    if (typeof s !== 'string') throw new TypeError('snapshot: unknown string');
    return s;
  };
  try {
    const facts = e.f.map((f): MembershipFact => {
      switch (f[0]) {
        case 'E':
          return { kind: 'ENROLLED', on: f[1] };
        case 'X':
          return f.length > 2 ? { kind: 'EXITED', on: f[1], reason: f[2] } : { kind: 'EXITED', on: f[1] };
        case 'P':
          return { kind: 'PAID', period: f[1], paidOn: f[2], allocationId: str(f[3]) };
        case 'R':
          return { kind: 'REACTIVATED', on: f[1] };
        case 'F':
          return { kind: 'REFUNDED', period: f[1] };
        default:
          throw new TypeError('snapshot: unknown fact');
      }
    });
    const paid: WorkerState['paid'] = {};
    for (const [period, allocation, batch, amount, paidOn] of e.p)
      paid[period] = { allocationId: str(allocation), batchId: str(batch), amount, paidOn };
    return { ...e.w, facts, paid };
  } catch {
    return undefined;
  }
}
