import { Command } from '@nestjs/cqrs';
import type { CorrectWorkerDetails, EnrolWorker, ExitWorker, ReactivateWorker } from '@app/domain';
import type { AuthUser } from '../auth/user';
import type { Actor } from '../infrastructure/command-shell';

type Answer = { workerId: string; position: string };

/** Carries a worker command with who gives it; the handler derives the worker id from the NIK. */
export class EnrolWorkerCommand extends Command<Answer> {
  constructor(readonly command: Omit<EnrolWorker, 'workerId'>, readonly actor: Actor) {
    super();
  }
}

export class ChangeWorkerCommand extends Command<Answer> {
  constructor(readonly command: CorrectWorkerDetails | ExitWorker | ReactivateWorker, readonly actor: Actor, readonly user: AuthUser) {
    super();
  }
}
