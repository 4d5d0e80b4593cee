import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  allocationStream,
  ClaimCommand,
  claimsDecider,
  claimStream,
  evolveClaim,
  noClaim,
  refundedAllocations,
  streamOf,
  workerDecider,
  workerStream,
} from '@app/domain';
import { assertVisible, unknownClaim, unknownWorker } from '../access/region-scope';
import { CommandContext, idFor } from '../command-seam/command-context';
import { CommandSeam } from '../command-seam/command-seam';
import { todayIn } from '../clock';
import { DecideClaimCommand, SubmitClaimCommand } from './claims.commands';

/**
 * Claims are decided on the claim's stream together with the worker's (coverage, paid months, other
 * claims); a death's refunds also write to the allocations that paid after it.
 */
async function decideClaim(seam: CommandSeam, command: ClaimCommand, workerId: string, payers: string[], context: CommandContext) {
  const { events, position } = await seam.execute(
    {
      decider: claimsDecider,
      streams: [claimStream(command.claimId), workerStream(workerId), ...payers.map(allocationStream)],
      streamOf,
      // A claim, or a worker, outside the caller's regions answers as an unknown one, in the decider's words.
      authorize: (state) => {
        if (state.claim.status !== 'NONE') assertVisible(context.caller, state.claim.regionCode, unknownClaim(command.claimId));
        else if (state.worker.status !== 'NEW') assertVisible(context.caller, state.worker.regionCode, unknownWorker(workerId));
      },
    },
    command,
    context,
  );
  const settled = events.find((e) => e.type === 'ClaimSettled');
  return { claimId: command.claimId, ...(settled ? { amount: settled.data.amount } : {}), position };
}

@CommandHandler(SubmitClaimCommand)
export class SubmitClaimHandler implements ICommandHandler<SubmitClaimCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ input, context }: SubmitClaimCommand) {
    const claimId = idFor(context, 'claim');
    const worker = await this.seam.read(workerDecider, [workerStream(input.workerId)]);
    if (worker.status !== 'NEW') assertVisible(context.caller, worker.regionCode, unknownWorker(input.workerId));
    const today = todayIn(worker.regionCode || 'ID');
    const { position } = await decideClaim(
      this.seam,
      { type: 'SubmitClaim', ...input, claimId, submittedOn: input.submittedOn ?? today, today },
      input.workerId,
      [],
      context,
    );
    return { claimId, position };
  }
}

@CommandHandler(DecideClaimCommand)
export class DecideClaimHandler implements ICommandHandler<DecideClaimCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ command, context }: DecideClaimCommand) {
    // Outside facts: the worker the claim is about, its region's today, the allocations a death refunds.
    const claim = await this.seam.read({ initialState: () => noClaim, evolve: evolveClaim }, [claimStream(command.claimId)]);
    if (claim.status !== 'NONE') assertVisible(context.caller, claim.regionCode, unknownClaim(command.claimId));
    const worker = await this.seam.read(workerDecider, [workerStream(claim.workerId)]);
    const payers =
      command.type === 'SettleClaim' && claim.status === 'SUBMITTED' && worker.status === 'ACTIVE'
        ? refundedAllocations(worker, claim.incidentDate)
        : [];
    return decideClaim(this.seam, { ...command, today: todayIn(claim.regionCode || 'ID') }, claim.workerId, payers, context);
  }
}
