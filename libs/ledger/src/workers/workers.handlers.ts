import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, CorrectWorkerDetails, ExitWorker, fundingDecider, NotFound, ReactivateWorker, workerDecider, workerStream } from '@app/domain';
import { assertRegionAccess } from '../access/region-scope';
import { CommandSeam } from '../command-seam/command-seam';
import { WorkerIds } from '../infrastructure/worker-ids';
import { ChangeWorkerCommand, EnrolWorkerCommand } from './workers.commands';

@CommandHandler(EnrolWorkerCommand)
export class EnrolWorkerHandler implements ICommandHandler<EnrolWorkerCommand> {
  constructor(
    private readonly seam: CommandSeam,
    private readonly ids: WorkerIds,
  ) {}

  async execute({ input, context }: EnrolWorkerCommand) {
    assertRegionAccess(context.caller, input.regionCode);
    const sponsorRegionCode = await sponsorRegion(this.seam, input.allocationId);
    const workerId = this.ids.forNik(input.nik);
    const { position } = await this.seam.execute(
      { decider: workerDecider, streams: [workerStream(workerId)] },
      { type: 'EnrolWorker', ...input, workerId, sponsorRegionCode },
      context,
    );
    return { workerId, position };
  }
}

@CommandHandler(ChangeWorkerCommand)
export class ChangeWorkerHandler implements ICommandHandler<ChangeWorkerCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ command, context }: ChangeWorkerCommand) {
    const stream = workerStream(command.workerId);
    let full: CorrectWorkerDetails | ExitWorker | ReactivateWorker = command;
    if (command.type === 'CorrectWorkerDetails' && command.regionCode) {
      assertRegionAccess(context.caller, command.regionCode);
      // A move is decided against the region of the worker's sponsor (an outside fact for the decider).
      const worker = await this.seam.read(workerDecider, [stream]);
      if (worker.status !== 'NEW') full = { ...command, sponsorRegionCode: await sponsorRegion(this.seam, worker.allocationId) };
    }
    const { position } = await this.seam.execute(
      { decider: workerDecider, streams: [stream], authorize: (state) => state.status !== 'NEW' && assertRegionAccess(context.caller, state.regionCode) },
      full,
      context,
    );
    return { workerId: command.workerId, position };
  }
}

async function sponsorRegion(seam: CommandSeam, allocationId: string): Promise<string> {
  const sponsor = await seam.read(fundingDecider, [allocationStream(allocationId)]);
  if (!sponsor.exists) throw new NotFound(`allocation ${allocationId} does not exist`);
  return sponsor.regionCode;
}
