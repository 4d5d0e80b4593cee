import { Command } from '@nestjs/cqrs';
import type { CorrectWorkerDetails, EnrolWorker, ExitWorker, ReactivateWorker, TransferSponsorship } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

type Answer = { workerId: string; position: string };

/** Enrol: the handler derives the worker id from the NIK and looks up the sponsor's region. */
export class EnrolWorkerCommand extends Command<Answer> {
  constructor(
    readonly input: Omit<EnrolWorker, 'type' | 'workerId' | 'sponsorRegionCode' | 'today'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A correction, an exit or a re-activation of an enrolled worker. */
export class ChangeWorkerCommand extends Command<Answer> {
  constructor(
    readonly command: Omit<CorrectWorkerDetails, 'sponsorRegionCode'> | Omit<ExitWorker, 'today'> | Omit<ReactivateWorker, 'today'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export interface SponsorshipAnswer {
  allocationId: string;
  workerCount: number;
  skipped: Array<{ workerId: string; reason: 'NOT_ENROLLED' | 'EXITED' | 'ALREADY_SPONSORED' | 'OUTSIDE_REGION'; detail?: string }>;
  position: string;
}

/**
 * Rule 13: a new allocation takes over a cohort from `effectivePeriod`: every active worker another
 * allocation sponsors, or the named ones. One command, one write per worker.
 */
export class TransferSponsorshipCommand extends Command<SponsorshipAnswer> {
  constructor(
    readonly input: { allocationId: string; effectivePeriod: string } & (
      { fromAllocationId: string; workerIds?: undefined } | { workerIds: string[]; fromAllocationId?: undefined }
    ),
    readonly context: CommandContext,
  ) {
    super();
  }
}

export type { TransferSponsorship };
