import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  allocationStream,
  Conflict,
  contains,
  CorrectWorkerDetails,
  EnrolWorker,
  ExitWorker,
  fundingDecider,
  InvalidInput,
  NotFound,
  ReactivateWorker,
  refundedAllocations,
  streamOf,
  validateNik,
  workerDecider,
  workerStream,
} from '@app/domain';
import {
  assertRegionAccess,
  assertVisible,
  canAccessRegion,
  NikAlreadyEnrolled,
  unknownAllocation,
  unknownWorker,
} from '../access/region-scope';
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

  /**
   * Validation, then authorization, then lookups (api.md): a NIK already enrolled (anywhere) is answered
   * last, with a 409 that names neither the worker nor where, and only to a body valid in every other
   * respect, so that enrolment cannot serve to test whether a NIK is enrolled.
   */
  async execute({ input, context }: EnrolWorkerCommand) {
    const invalid = validateNik(input.nik, { sex: input.sex, birthDate: input.birthDate });
    if (input.birthDate > input.enrolledOn) invalid.push({ field: 'enrolledOn', message: 'must not be before birthDate' });
    if (invalid.length) throw new InvalidInput(invalid);
    assertRegionAccess(context.caller, input.regionCode);
    const sponsorRegionCode = await sponsorRegion(this.seam, input.allocationId);
    // An allocation that cannot fund here and that the caller may not see answers as an unknown one.
    if (!contains(sponsorRegionCode, input.regionCode) && !canAccessRegion(context.caller, sponsorRegionCode))
      throw new NotFound(unknownAllocation(input.allocationId));
    const workerId = this.ids.forNik(input.nik);
    const command: EnrolWorker = { type: 'EnrolWorker', ...input, workerId, sponsorRegionCode, today: todayIn(input.regionCode) };
    // Every rule but "already enrolled", decided for a person never seen: the same answer whoever the NIK is.
    workerDecider.decide(command, workerDecider.initialState());
    try {
      const { position } = await this.seam.execute({ decider: workerDecider, streams: [workerStream(workerId)] }, command, context);
      return { workerId, position };
    } catch (error) {
      if (error instanceof Conflict && !(error instanceof NikAlreadyEnrolled) && /already enrolled/.test(error.message))
        throw new NikAlreadyEnrolled();
      throw error;
    }
  }
}

@CommandHandler(ChangeWorkerCommand)
export class ChangeWorkerHandler implements ICommandHandler<ChangeWorkerCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ command, context }: ChangeWorkerCommand) {
    const stream = workerStream(command.workerId);
    // Authorization against what the body names, then the lookups: a worker outside the caller's regions
    // answers as an unknown one, before anything else is said about it (its region, its sponsor).
    if (command.type === 'CorrectWorkerDetails' && command.regionCode) assertRegionAccess(context.caller, command.regionCode);
    const worker = await this.seam.read(workerDecider, [stream]);
    const visible = (state: typeof worker) =>
      state.status !== 'NEW' && assertVisible(context.caller, state.regionCode, unknownWorker(command.workerId));
    visible(worker);
    // Outside facts: the worker's region (its today), the sponsor of a move, and the allocations an exit refunds (their streams are written too).
    const today = todayIn(worker.regionCode || 'ID');
    let full: CorrectWorkerDetails | ExitWorker | ReactivateWorker;
    let payers: string[] = [];
    if (command.type === 'CorrectWorkerDetails') {
      full =
        command.regionCode && worker.status !== 'NEW'
          ? { ...command, sponsorRegionCode: await sponsorRegion(this.seam, worker.allocationId) }
          : command;
    } else {
      full = { ...command, today };
      if (command.type === 'ExitWorker' && worker.status !== 'NEW') payers = refundedAllocations(worker, command.effectiveDate);
    }
    const { position } = await this.seam.execute(
      {
        decider: workerDecider,
        streams: [stream, ...payers.map(allocationStream)],
        streamOf,
        authorize: (state) => visible(state),
      },
      full,
      context,
    );
    return { workerId: command.workerId, position };
  }
}

export async function sponsorRegion(seam: CommandSeam, allocationId: string): Promise<string> {
  const sponsor = await seam.read(fundingDecider, [allocationStream(allocationId)]);
  if (!sponsor.exists) throw new NotFound(unknownAllocation(allocationId));
  return sponsor.regionCode;
}
