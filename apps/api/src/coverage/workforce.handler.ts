import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { decideWorkforceEstimate, workforceStream } from '@app/domain';
import { today } from '../http/clock';
import { Actor, CommandShell } from '../infrastructure/command-shell';
import { WorkforceEstimateDto } from './coverage.dto';

export class EstimateWorkforceCommand extends Command<{ position: string }> {
  constructor(readonly regionCode: string, readonly body: WorkforceEstimateDto, readonly actor: Actor) {
    super();
  }
}

@CommandHandler(EstimateWorkforceCommand)
export class EstimateWorkforceHandler implements ICommandHandler<EstimateWorkforceCommand> {
  constructor(private readonly shell: CommandShell) {}

  async execute({ regionCode, body, actor }: EstimateWorkforceCommand) {
    const events = decideWorkforceEstimate({ regionCode, ...body, estimatedOn: today() });
    const result = await this.shell.store.append(workforceStream(regionCode), this.shell.toNewEvents(events, actor, randomUUID()), 'any');
    return { position: result.position };
  }
}
