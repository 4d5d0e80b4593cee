import { Decider } from '../shared/decider';
import { Conflict, InvalidInput, NotFound, RuleViolation } from '../shared/errors';
import { validateNik } from '../reference/nik';
import { checkEnrolmentAge } from '../reference/enrolment-age';
import { assertSponsorCanFund } from '../funding/funding.rules';
import { FundingEvent, FundsRefunded } from '../funding/funding.events';
import { assertNotErased, decideErasure } from './erasure';
import { mayReactivate, refundsOnExit } from './membership';
import { newWorker, WorkerState, evolveWorker, timelineOf } from './workers.state';
import { WorkerCommand } from './workers.commands';
import { ContributionRefunded, ExitReason, WorkerEvent, WorkerExited } from './workers.events';

/**
 * One stream per person (the worker id is derived from the NIK), so rule 1 holds by the stream's
 * expected revision: a NIK is enrolled at most once while active; re-enrolment after exit is allowed.
 * Rule 2 for the sponsor: the command carries the sponsoring allocation's region. An exit refunds the
 * months paid after it to the allocations that paid them, whose streams are loaded with the worker's.
 */
export const workerDecider: Decider<WorkerCommand, WorkerState, WorkerEvent | FundingEvent> = {
  initialState: () => newWorker,
  evolve: evolveWorker,

  decide(command, state) {
    switch (command.type) {
      case 'EnrolWorker': {
        if (state.status === 'ACTIVE') throw new Conflict('this NIK is already enrolled and active');
        assertNotErased(state, 'an enrolment');
        const errors = validateNik(command.nik, { sex: command.sex, birthDate: command.birthDate });
        if (errors.length) throw new InvalidInput(errors);
        if (command.birthDate > command.enrolledOn)
          throw new InvalidInput([{ field: 'enrolledOn', message: 'must not be before birthDate' }]);
        assertNotFuture('enrolledOn', command.enrolledOn, command.today);
        const age = checkEnrolmentAge(command.birthDate, command.enrolledOn);
        if (age.length) throw new RuleViolation(age.map((e) => e.message).join('; '), age);
        assertSponsorCanFund(command.allocationId, command.sponsorRegionCode, command.regionCode);
        const { nik, fullName, birthDate, type: _t, sponsorRegionCode: _s, today: _today, ...rest } = command;
        return [{ type: 'WorkerEnrolled', data: { ...rest, personal: { nik, fullName, birthDate } }, effectiveDate: command.enrolledOn }];
      }
      case 'CorrectWorkerDetails': {
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        const { fullName, occupation, regionCode } = command;
        const changes = Object.fromEntries(Object.entries({ occupation, regionCode }).filter(([, v]) => v !== undefined));
        if (Object.keys(changes).length === 0 && fullName === undefined)
          throw new InvalidInput([{ field: 'body', message: 'nothing to correct' }]);
        if (fullName !== undefined) assertNotErased(state, 'a correction of the name');
        // A move must stay inside the sponsor's region (rule 2); otherwise exit (MOVED) and enrol anew there.
        if (regionCode !== undefined && command.sponsorRegionCode !== undefined)
          assertSponsorCanFund(state.allocationId, command.sponsorRegionCode, regionCode);
        return [
          {
            type: 'WorkerDetailsCorrected',
            data: {
              workerId: state.workerId,
              regionCode: regionCode ?? state.regionCode,
              previousRegionCode: state.regionCode,
              changes,
              reason: command.reason,
              correctedOn: command.correctedOn,
              personal: fullName !== undefined ? { fullName } : {},
            },
            effectiveDate: command.correctedOn,
          },
        ];
      }
      case 'ExitWorker':
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        if (state.status === 'EXITED') throw new Conflict(`worker ${command.workerId} already exited on ${state.exitedOn}`);
        if (command.effectiveDate < state.enrolledOn)
          throw new RuleViolation(`the exit date ${command.effectiveDate} is before the enrolment on ${state.enrolledOn}`);
        assertNotFuture('effectiveDate', command.effectiveDate, command.today);
        return exitEvents(state, command.reason, command.effectiveDate, command.today);
      case 'ReactivateWorker':
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        if (state.status === 'EXITED') throw new RuleViolation(`worker ${command.workerId} has exited: enrol again instead`);
        assertNotFuture('effectiveDate', command.effectiveDate, command.today);
        if (!mayReactivate(timelineOf(state), command.effectiveDate))
          throw new Conflict(`worker ${command.workerId} has not lapsed on ${command.effectiveDate}`);
        return [
          {
            type: 'WorkerReactivated',
            data: { workerId: state.workerId, regionCode: state.regionCode, reactivatedOn: command.effectiveDate },
            effectiveDate: command.effectiveDate,
          },
        ];
      case 'EraseWorkerPersonalData':
        return decideErasure(command, state);
      case 'TransferSponsorship':
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        assertSponsorCanFund(command.toAllocationId, command.toRegionCode, state.regionCode);
        return [
          {
            type: 'SponsorshipTransferred',
            data: {
              workerId: state.workerId,
              regionCode: state.regionCode,
              fromAllocationId: state.allocationId,
              toAllocationId: command.toAllocationId,
              effectivePeriod: command.effectivePeriod,
              transferredOn: command.transferredOn,
            },
            effectiveDate: command.transferredOn,
          },
        ];
    }
  },
};

/** Rule 14: a business date may not lie after today in the region's own time zone. */
export function assertNotFuture(field: string, date: string, today: string): void {
  if (date > today)
    throw new RuleViolation(`${field} ${date} is in the future (today is ${today} in the region)`, [
      { field, message: `must not be after ${today}` },
    ]);
}

/**
 * The end of a membership (rule 10): the exit, then every contribution for a month after the exit
 * month refunded to the allocation that paid it (the worker's ContributionRefunded, the allocation's
 * FundsRefunded), also when the exit is recorded late with an earlier date.
 */
export function exitEvents(
  state: WorkerState,
  reason: ExitReason,
  exitedOn: string,
  today: string,
  claimId?: string,
): Array<WorkerExited | ContributionRefunded | FundsRefunded> {
  const exited: WorkerExited = {
    type: 'WorkerExited',
    data: { workerId: state.workerId, regionCode: state.regionCode, reason, exitedOn, ...(claimId ? { claimId } : {}) },
    effectiveDate: exitedOn,
  };
  const refunds = refundsOnExit(timelineOf(state), exitedOn);
  const worker: ContributionRefunded[] = refunds.map((r) => ({
    type: 'ContributionRefunded',
    data: {
      workerId: state.workerId,
      period: r.period,
      amount: state.paid[r.period]?.amount ?? 0,
      allocationId: r.allocationId,
      fundingSource: state.payers[r.allocationId]?.fundingSource ?? '',
      batchId: state.paid[r.period]?.batchId ?? '',
      regionCode: state.regionCode,
      sex: state.sex,
      occupation: state.occupation,
      exitedOn,
      refundedOn: today,
      reason: 'PAID_AFTER_EXIT',
    },
    effectiveDate: today,
  }));
  const allocations = new Map<string, ContributionRefunded[]>();
  for (const r of worker) allocations.set(r.data.allocationId, [...(allocations.get(r.data.allocationId) ?? []), r]);
  const funding: FundsRefunded[] = [...allocations].map(([allocationId, lines]) => {
    const ref = state.payers[allocationId];
    if (!ref) throw new Conflict(`allocation ${allocationId} paid worker ${state.workerId} after the exit but was not loaded; try again`);
    const periods = lines.map((l) => ({ period: l.data.period, amount: l.data.amount }));
    return {
      type: 'FundsRefunded',
      data: {
        ...ref,
        workerId: state.workerId,
        periods,
        amount: periods.reduce((s, p) => s + p.amount, 0),
        refundedOn: today,
        reason: 'PAID_AFTER_EXIT',
      },
      effectiveDate: today,
    };
  });
  return [exited, ...worker, ...funding];
}

/** The allocations a worker's exit on `exitedOn` refunds: their streams are loaded with the worker's. */
export function refundedAllocations(state: WorkerState, exitedOn: string): string[] {
  return [...new Set(refundsOnExit(timelineOf(state), exitedOn).map((r) => r.allocationId))];
}
