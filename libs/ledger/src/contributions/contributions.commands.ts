import { Command } from '@nestjs/cqrs';
import type { PayContributions, SkipReason } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

export interface BatchAnswer {
  batchId: string;
  period: string;
  workerCount: number;
  amount: number;
  skipped: Array<{ workerId: string; reason: SkipReason; detail?: string }>;
  position: string;
  /** Only when the batch pays nobody: why (no sponsored worker, or how many were skipped for which reason). */
  detail?: string;
}

/** One month's contributions from an allocation: for the named workers, or every active worker it sponsors. */
export class PayContributionsCommand extends Command<BatchAnswer> {
  constructor(
    readonly input: Omit<PayContributions, 'type' | 'batchId' | 'workerIds' | 'today'> & { workerIds?: string[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}
