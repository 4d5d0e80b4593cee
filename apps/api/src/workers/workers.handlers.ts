import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, assertAllocationCanFund, fundingDecider, workerDecider, workerStream } from '@app/domain';
import { assertRegionAccess } from '../auth/region-scope';
import { CommandShell } from '../infrastructure/command-shell';
import { ChangeWorkerCommand, EnrolWorkerCommand } from './workers.commands';
import { WorkerIds } from './worker-ids';

@CommandHandler(EnrolWorkerCommand)
export class EnrolWorkerHandler implements ICommandHandler<EnrolWorkerCommand> {
  constructor(
    private readonly shell: CommandShell,
    private readonly ids: WorkerIds,
  ) {}

  async execute({ command, actor }: EnrolWorkerCommand) {
    // Rule 2 for the sponsor: its region must contain the worker's.
    const { state: allocation } = await this.shell.load(fundingDecider, allocationStream(command.allocationId));
    assertAllocationCanFund(allocation, command.allocationId, command.regionCode);
    const workerId = this.ids.forNik(command.nik);
    const { result } = await this.shell.execute(workerDecider, workerStream(workerId), { ...command, workerId }, actor);
    return { workerId, position: result.position };
  }
}

@CommandHandler(ChangeWorkerCommand)
export class ChangeWorkerHandler implements ICommandHandler<ChangeWorkerCommand> {
  constructor(private readonly shell: CommandShell) {}

  async execute({ command, actor, user }: ChangeWorkerCommand) {
    if (command.type === 'CorrectWorkerDetails' && command.regionCode) {
      // A move must stay inside the sponsor's region (rule 2); otherwise exit (MOVED) and enrol anew there.
      const { state: worker } = await this.shell.load(workerDecider, workerStream(command.workerId));
      if (worker.status !== 'NEW') {
        const { state: sponsor } = await this.shell.load(fundingDecider, allocationStream(worker.allocationId));
        assertAllocationCanFund(sponsor, worker.allocationId, command.regionCode);
      }
    }
    const { result } = await this.shell.execute(workerDecider, workerStream(command.workerId), command, actor, (state) => {
      if (state.status !== 'NEW') assertRegionAccess(user, state.regionCode);
      if (command.type === 'CorrectWorkerDetails' && command.regionCode) assertRegionAccess(user, command.regionCode);
    });
    return { workerId: command.workerId, position: result.position };
  }
}
