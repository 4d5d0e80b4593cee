import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, fundingDecider } from '@app/domain';
import { assertRegionAccess } from '../auth/region-scope';
import { CommandShell } from '../infrastructure/command-shell';
import { AllocateFundingCommand, ReviseFundingCommand } from './funding.commands';

@CommandHandler(AllocateFundingCommand)
export class AllocateFundingHandler implements ICommandHandler<AllocateFundingCommand> {
  constructor(private readonly shell: CommandShell) {}

  async execute({ command, actor }: AllocateFundingCommand) {
    const { result } = await this.shell.execute(fundingDecider, allocationStream(command.allocationId), command, actor);
    return { allocationId: command.allocationId, position: result.position };
  }
}

@CommandHandler(ReviseFundingCommand)
export class ReviseFundingHandler implements ICommandHandler<ReviseFundingCommand> {
  constructor(private readonly shell: CommandShell) {}

  async execute({ command, actor, user }: ReviseFundingCommand) {
    const { result } = await this.shell.execute(fundingDecider, allocationStream(command.allocationId), command, actor, (state) => {
      if (state.exists) assertRegionAccess(user, state.regionCode);
    });
    return { allocationId: command.allocationId, amount: command.amount, position: result.position };
  }
}
