import { Decider } from '../shared/decider';
import { Conflict, InvalidInput, NotFound, RuleViolation } from '../shared/errors';
import { periodOf } from '../shared/calendar';
import { validateNik } from '../reference/nik';
import { assertSponsorCanFund } from '../funding/funding.rules';
import { isLapsedIn, newWorker, WorkerState, evolveWorker } from './workers.state';
import { WorkerCommand } from './workers.commands';
import { WorkerEvent } from './workers.events';

/**
 * One stream per person (the worker id is derived from the NIK), so rule 1 holds by the stream's
 * expected revision: a NIK is enrolled at most once while active; re-enrolment after exit is allowed.
 * Rule 2 for the sponsor: the command carries the sponsoring allocation's region.
 */
export const workerDecider: Decider<WorkerCommand, WorkerState, WorkerEvent> = {
  initialState: () => newWorker,
  evolve: evolveWorker,

  decide(command, state) {
    switch (command.type) {
      case 'EnrolWorker': {
        if (state.status === 'ACTIVE') throw new Conflict(`this NIK is already enrolled (worker ${state.workerId}) and active`);
        const errors = validateNik(command.nik, { sex: command.sex, birthDate: command.birthDate });
        if (errors.length) throw new InvalidInput(errors);
        if (command.birthDate > command.enrolledOn) throw new InvalidInput([{ field: 'enrolledOn', message: 'must not be before birthDate' }]);
        assertSponsorCanFund(command.allocationId, command.sponsorRegionCode, command.regionCode);
        const { nik, fullName, birthDate, type: _t, sponsorRegionCode: _s, ...rest } = command;
        return [{ type: 'WorkerEnrolled', data: { ...rest, personal: { nik, fullName, birthDate } }, effectiveDate: command.enrolledOn }];
      }
      case 'CorrectWorkerDetails': {
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        const { fullName, occupation, regionCode } = command;
        const changes = Object.fromEntries(Object.entries({ occupation, regionCode }).filter(([, v]) => v !== undefined));
        if (Object.keys(changes).length === 0 && fullName === undefined) throw new InvalidInput([{ field: 'body', message: 'nothing to correct' }]);
        // A move must stay inside the sponsor's region (rule 2); otherwise exit (MOVED) and enrol anew there.
        if (regionCode !== undefined && command.sponsorRegionCode !== undefined) assertSponsorCanFund(state.allocationId, command.sponsorRegionCode, regionCode);
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
        if (command.effectiveDate < state.enrolledOn) throw new RuleViolation(`the exit date ${command.effectiveDate} is before the enrolment on ${state.enrolledOn}`);
        return [{ type: 'WorkerExited', data: { workerId: state.workerId, regionCode: state.regionCode, reason: command.reason, exitedOn: command.effectiveDate }, effectiveDate: command.effectiveDate }];
      case 'ReactivateWorker':
        if (state.status === 'NEW') throw new NotFound(`worker ${command.workerId} does not exist`);
        if (state.status === 'EXITED') throw new RuleViolation(`worker ${command.workerId} has exited: enrol again instead`);
        if (!isLapsedIn(state, periodOf(command.effectiveDate))) throw new Conflict(`worker ${command.workerId} has not lapsed in ${periodOf(command.effectiveDate)}`);
        return [{ type: 'WorkerReactivated', data: { workerId: state.workerId, regionCode: state.regionCode, reactivatedOn: command.effectiveDate }, effectiveDate: command.effectiveDate }];
    }
  },
};
