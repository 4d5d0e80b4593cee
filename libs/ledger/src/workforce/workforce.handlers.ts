import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { workforceDecider, workforceStream } from '@app/domain';
import { assertRegionAccess } from '../access/region-scope';
import { CommandSeam } from '../command-seam/command-seam';
import { todayIn } from '../clock';
import { EstimateWorkforceCommand } from './workforce.commands';

@CommandHandler(EstimateWorkforceCommand)
export class EstimateWorkforceHandler implements ICommandHandler<EstimateWorkforceCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ input, context }: EstimateWorkforceCommand) {
    assertRegionAccess(context.caller, input.regionCode);
    const { position } = await this.seam.execute(
      { decider: workforceDecider, streams: [workforceStream(input.regionCode)] },
      { type: 'EstimateWorkforce', ...input, estimatedOn: todayIn(input.regionCode) },
      context,
    );
    return { position };
  }
}
