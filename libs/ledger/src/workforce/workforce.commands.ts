import { Command } from '@nestjs/cqrs';
import type { EstimateWorkforce } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

/** An estimate of a region's informal workforce; dated today. */
export class EstimateWorkforceCommand extends Command<{ position: string }> {
  constructor(
    readonly input: Omit<EstimateWorkforce, 'type' | 'estimatedOn'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
