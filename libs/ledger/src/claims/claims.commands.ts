import { Command } from '@nestjs/cqrs';
import type { RejectClaim, SettleClaim, SubmitClaim } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

type Answer = { claimId: string; amount?: number; position: string };

/** Submit: the claim id derives from the command; `submittedOn` defaults to today. */
export class SubmitClaimCommand extends Command<Answer> {
  constructor(
    readonly input: Omit<SubmitClaim, 'type' | 'claimId' | 'submittedOn' | 'today'> & { submittedOn?: string },
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A settlement or a rejection of a submitted claim. */
export class DecideClaimCommand extends Command<Answer> {
  constructor(
    readonly command: Omit<SettleClaim, 'today'> | Omit<RejectClaim, 'today'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
