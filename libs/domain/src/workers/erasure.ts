import type { DomainEvent } from '../shared/decider';
import { Conflict, NotFound, RuleViolation } from '../shared/errors';

/**
 * Erasure of a worker's personal data (UU 27/2022; domain.md rule 7): the ledger keeps every event,
 * the worker's data key is destroyed, so every `personal` envelope of the worker can never be read
 * again while counts and amounts stay. The event records the request, never the person: `reason` and
 * `legalBasis` are free text that must not name them.
 */
export type PersonalDataErased = DomainEvent<
  'PersonalDataErased',
  { workerId: string; regionCode: string; reason: string; legalBasis: string; requestedOn: string }
>;

export interface EraseWorkerPersonalData {
  type: 'EraseWorkerPersonalData';
  workerId: string;
  reason: string;
  legalBasis: string;
  requestedOn: string;
  /** Today in the worker's region (rule 14): a request may not lie in the future. */
  today: string;
}

/** What the erasure decision needs of a worker's state. */
export interface ErasureState {
  status: 'NEW' | 'ACTIVE' | 'EXITED';
  workerId: string;
  regionCode: string;
  erased?: boolean;
}

/**
 * An erasure of a known worker. Erasing an erased worker again appends nothing (the key is already
 * gone; the answer is the same), so a retry after a crash between the event and the key's
 * destruction finishes the work.
 */
export function decideErasure(command: EraseWorkerPersonalData, state: ErasureState): PersonalDataErased[] {
  if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
  if (state.erased) return [];
  if (command.requestedOn > command.today) {
    throw new RuleViolation(`requestedOn ${command.requestedOn} is in the future (today is ${command.today} in the region)`, [
      { field: 'requestedOn', message: `must not be after ${command.today}` },
    ]);
  }
  return [
    {
      type: 'PersonalDataErased',
      data: {
        workerId: state.workerId,
        regionCode: state.regionCode,
        reason: command.reason,
        legalBasis: command.legalBasis,
        requestedOn: command.requestedOn,
      },
      effectiveDate: command.requestedOn,
    },
  ];
}

/** A command that would record new personal data of an erased worker is refused. */
export function assertNotErased(state: ErasureState, what: string): void {
  if (state.erased)
    throw new Conflict(`the personal data of worker ${state.workerId} was erased: ${what} cannot record personal data again`);
}
