import { Command } from '@nestjs/cqrs';
import type { AllocateFunding, ReviseFunding } from '@app/domain';
import type { Actor } from '../infrastructure/command-shell';
import type { AuthUser } from '../auth/user';

export class AllocateFundingCommand extends Command<{ allocationId: string; position: string }> {
  constructor(readonly command: AllocateFunding, readonly actor: Actor) {
    super();
  }
}

export class ReviseFundingCommand extends Command<{ allocationId: string; amount: number; position: string }> {
  constructor(readonly command: ReviseFunding, readonly actor: Actor, readonly user: AuthUser) {
    super();
  }
}
