import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, CorrectWorkerDetails, ExitWorker, fundingDecider, NotFound, ReactivateWorker, refundedAllocations, streamOf, workerDecider, workerStream } from '@app/domain';
import { assertRegionAccess } from '../access/region-scope';
import { CommandSeam } from '../command-seam/command-seam';
import { todayIn } from '../clock';
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
      { type: 'EnrolWorker', ...input, workerId, sponsorRegionCode, today: todayIn(input.regionCode) },
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
    // Outside facts, looked up before deciding: the worker's region (its today), the sponsor of a move,
    // and the allocations an exit refunds (their streams are written too).
    const worker = await this.seam.read(workerDecider, [stream]);
    const today = todayIn(worker.regionCode || 'ID');
    let full: CorrectWorkerDetails | ExitWorker | ReactivateWorker;
    let payers: string[] = [];
    if (command.type === 'CorrectWorkerDetails') {
      if (command.regionCode) assertRegionAccess(context.caller, command.regionCode);
      full = command.regionCode && worker.status !== 'NEW' ? { ...command, sponsorRegionCode: await sponsorRegion(this.seam, worker.allocationId) } : command;
    } else {
      full = { ...command, today };
      if (command.type === 'ExitWorker' && worker.status !== 'NEW') payers = refundedAllocations(worker, command.effectiveDate);
    }
    const { position } = await this.seam.execute(
      {
        decider: workerDecider,
        streams: [stream, ...payers.map(allocationStream)],
        streamOf,
        authorize: (state) => state.status !== 'NEW' && assertRegionAccess(context.caller, state.regionCode),
      },
      full,
      context,
    );
    return { workerId: command.workerId, position };
  }
}

export async function sponsorRegion(seam: CommandSeam, allocationId: string): Promise<string> {
  const sponsor = await seam.read(fundingDecider, [allocationStream(allocationId)]);
  if (!sponsor.exists) throw new NotFound(`allocation ${allocationId} does not exist`);
  return sponsor.regionCode;
}
