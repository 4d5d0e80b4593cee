import { Command } from '@nestjs/cqrs';
import type { AllocateFunding, ReviseFunding } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

/** A new budget line; its id derives from the command, so a retry names the same allocation. */
export class AllocateFundingCommand extends Command<{ allocationId: string; position: string }> {
  constructor(
    readonly input: Omit<AllocateFunding, 'type' | 'allocationId'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class ReviseFundingCommand extends Command<{ allocationId: string; amount: number; position: string }> {
  constructor(
    readonly input: Omit<ReviseFunding, 'type'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
