import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFound, workerDecider, workerStream } from '@app/domain';
import { canAccessRegion } from '../access/region-scope';
import { todayIn } from '../clock';
import type { CommandContext } from '../command-seam/command-context';
import { CommandSeam } from '../command-seam/command-seam';
import { PersonalDataService } from '../privacy/personal-data';

export interface EraseWorkerInput {
  workerId: string;
  reason: string;
  legalBasis: string;
  requestedOn: string;
}

/** Erasure of a worker's personal data (admin): PersonalDataErased, then the worker's data key destroyed. */
export class EraseWorkerCommand extends Command<{ workerId: string; position: string }> {
  constructor(
    readonly input: EraseWorkerInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Appends `PersonalDataErased` on the worker's stream, then destroys the worker's data key: every
 * envelope of the worker in the ledger, the read models and any export is unreadable from then on,
 * while every event, count and amount stays (and every hash: they cover the envelopes). Erasing an
 * erased worker appends nothing and destroys the key again (a crash between the two steps is
 * finished by repeating the request). A worker outside the caller's regions answers as unknown.
 */
@CommandHandler(EraseWorkerCommand)
export class EraseWorkerHandler implements ICommandHandler<EraseWorkerCommand> {
  constructor(
    private readonly seam: CommandSeam,
    private readonly personal: PersonalDataService,
  ) {}

  async execute({ input, context }: EraseWorkerCommand) {
    const stream = workerStream(input.workerId);
    const unknown = `worker ${input.workerId} does not exist`;
    const worker = await this.seam.read(workerDecider, [stream]);
    if (worker.status === 'NEW' || !canAccessRegion(context.caller, worker.regionCode)) throw new NotFound(unknown);
    const { position } = await this.seam.execute(
      {
        decider: workerDecider,
        streams: [stream],
        authorize: (state) => {
          if (state.status === 'NEW' || !canAccessRegion(context.caller, state.regionCode)) throw new NotFound(unknown);
        },
      },
      { type: 'EraseWorkerPersonalData', ...input, today: todayIn(worker.regionCode) },
      context,
    );
    await this.personal.erase(input.workerId);
    return { workerId: input.workerId, position };
  }
}
