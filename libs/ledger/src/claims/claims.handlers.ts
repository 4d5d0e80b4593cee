import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClaimCommand, claimsDecider, claimStream, evolveClaim, noClaim, workerStream } from '@app/domain';
import { assertRegionAccess } from '../access/region-scope';
import { CommandContext, idFor } from '../command-seam/command-context';
import { CommandSeam } from '../command-seam/command-seam';
import { today } from '../clock';
import { DecideClaimCommand, SubmitClaimCommand } from './claims.commands';

/** Claims are decided on the claim's stream together with the worker's (coverage, paid months). */
async function decideClaim(seam: CommandSeam, command: ClaimCommand, workerId: string, context: CommandContext) {
  const { events, position } = await seam.execute(
    {
      decider: claimsDecider,
      streams: [claimStream(command.claimId), workerStream(workerId)],
      streamOf: (e) => ('claimId' in e.data ? claimStream(command.claimId) : workerStream(workerId)),
      authorize: (state) => {
        const regionCode = state.claim.status === 'NONE' ? state.worker.regionCode : state.claim.regionCode;
        if (regionCode) assertRegionAccess(context.caller, regionCode);
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
    const { claimId: _id, position } = await decideClaim(this.seam, { type: 'SubmitClaim', ...input, claimId, submittedOn: input.submittedOn ?? today() }, input.workerId, context);
    return { claimId, position };
  }
}

@CommandHandler(DecideClaimCommand)
export class DecideClaimHandler implements ICommandHandler<DecideClaimCommand> {
  constructor(private readonly seam: CommandSeam) {}

  async execute({ command, context }: DecideClaimCommand) {
    // The worker a settlement or rejection is about is named by the claim itself.
    const claim = await this.seam.read({ initialState: () => noClaim, evolve: evolveClaim }, [claimStream(command.claimId)]);
    return decideClaim(this.seam, command, claim.workerId, context);
  }
}
