import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, fundingDecider } from '@app/domain';
import { assertRegionAccess, assertVisible, unknownAllocation } from '../access/region-scope';
import { idFor } from '../command-seam/command-context';
import { CommandSeam } from '../command-seam/command-seam';
import { AllocateFundingCommand, ReviseFundingCommand } from './funding.commands';

@CommandHandler(AllocateFundingCommand)
export class AllocateFundingHandler implements ICommandHandler<AllocateFundingCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ input, context }: AllocateFundingCommand) {
    assertRegionAccess(context.caller, input.regionCode);
    const allocationId = idFor(context, 'allocation');
    const { position } = await this.seam.execute(
      { decider: fundingDecider, streams: [allocationStream(allocationId)] },
      { type: 'AllocateFunding', allocationId, ...input },
      context,
    );
    return { allocationId, position };
  }
}

@CommandHandler(ReviseFundingCommand)
export class ReviseFundingHandler implements ICommandHandler<ReviseFundingCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ input, context }: ReviseFundingCommand) {
    const { position } = await this.seam.execute(
      {
        decider: fundingDecider,
        streams: [allocationStream(input.allocationId)],
        // An allocation outside the caller's regions answers as an unknown one (404).
        authorize: (state) => state.exists && assertVisible(context.caller, state.regionCode, unknownAllocation(input.allocationId)),
      },
      { type: 'ReviseFunding', ...input },
      context,
    );
    return { allocationId: input.allocationId, amount: input.amount, position };
  }
}
