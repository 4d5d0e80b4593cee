import { Command } from '@nestjs/cqrs';
import type { CorrectWorkerDetails, EnrolWorker, ExitWorker, ReactivateWorker } from '@app/domain';
import type { CommandContext } from '../command-seam/command-context';

type Answer = { workerId: string; position: string };

/** Enrol: the handler derives the worker id from the NIK and looks up the sponsor's region. */
export class EnrolWorkerCommand extends Command<Answer> {
  constructor(readonly input: Omit<EnrolWorker, 'type' | 'workerId' | 'sponsorRegionCode'>, readonly context: CommandContext) {
    super();
  }
}

/** A correction, an exit or a re-activation of an enrolled worker. */
export class ChangeWorkerCommand extends Command<Answer> {
  constructor(readonly command: Omit<CorrectWorkerDetails, 'sponsorRegionCode'> | ExitWorker | ReactivateWorker, readonly context: CommandContext) {
    super();
  }
}
