import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  allocationStream,
  decideContributionBatch,
  fold,
  fundingDecider,
  NotFound,
  SkipReason,
  WorkerEvent,
  workerDecider,
  WorkerState,
  workerStream,
} from '@app/domain';
import { isConcurrencyConflict, StreamWrite } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import { assertRegionAccess } from '../auth/region-scope';
import type { AuthUser } from '../auth/user';
import { Actor, asDomainEvent, CommandShell } from '../infrastructure/command-shell';
import { ProjectionService } from '../infrastructure/projection.service';
import { PayContributionsDto } from './contributions.dto';

export interface BatchAnswer {
  batchId: string;
  period: string;
  workerCount: number;
  amount: number;
  skipped: Array<{ workerId: string; reason: SkipReason }>;
  position: string;
}

export class PayContributionsCommand extends Command<BatchAnswer> {
  constructor(readonly body: PayContributionsDto, readonly actor: Actor, readonly user: AuthUser) {
    super();
  }
}

const MAX_ATTEMPTS = 5;

/**
 * A monthly batch: load the allocation and every worker, decide once for the whole batch, append the
 * allocation's FundsDisbursed (the lead write, checked against its revision: rule 3 under concurrency)
 * with one ContributionPaid per worker. Embedded: one transaction. EventStoreDB: worker appends are
 * issued concurrently after the lead; a worker changed meanwhile is re-decided and its share released.
 */
@CommandHandler(PayContributionsCommand)
export class PayContributionsHandler implements ICommandHandler<PayContributionsCommand> {
  constructor(
    private readonly shell: CommandShell,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly projections: ProjectionService,
  ) {}

  async execute({ body, actor, user }: PayContributionsCommand): Promise<BatchAnswer> {
    const batchId = randomUUID();
    const commandId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const { state: allocation, revision, recorded } = await this.shell.load(fundingDecider, allocationStream(body.allocationId));
      if (!allocation.exists) throw new NotFound(`allocation ${body.allocationId} does not exist`);
      assertRegionAccess(user, allocation.regionCode);
      const workerIds = body.workerIds ?? (await this.sponsoredWorkers(body.allocationId));
      const workers = await this.loadWorkers(workerIds);
      const decision = decideContributionBatch(
        { type: 'PayContributions', batchId, allocationId: body.allocationId, period: body.period, paidOn: body.paidOn, workerIds },
        allocation,
        new Map([...workers].map(([id, w]) => [id, w.state])),
      );
      const answer = { batchId, period: body.period, workerCount: decision.workerCount, amount: decision.amount, skipped: decision.skipped };
      if (decision.allocationEvents.length === 0) {
        // Nothing to pay and nothing to report (e.g. the same batch repeated): nothing is appended.
        return { ...answer, position: recorded[recorded.length - 1].position };
      }
      const writes: StreamWrite[] = [
        { streamName: allocationStream(body.allocationId), expectedRevision: revision, events: this.shell.toNewEvents(decision.allocationEvents, actor, commandId) },
        ...decision.contributions.map((c) => ({
          streamName: workerStream(c.data.workerId),
          expectedRevision: workers.get(c.data.workerId)!.revision,
          events: this.shell.toNewEvents([c], actor, commandId),
        })),
      ];
      const outcomes = await this.shell.store.appendMany(writes);
      const lead = outcomes[0];
      if (!lead.ok) {
        if (isConcurrencyConflict(lead.error) && attempt < MAX_ATTEMPTS) continue;
        throw lead.error;
      }
      const failed = decision.contributions.filter((_, i) => !outcomes[i + 1].ok);
      if (failed.length === 0) {
        return { ...answer, position: outcomes.reduce((p, o) => (o.ok && o.result.position > p ? o.result.position : p), lead.result.position) };
      }
      return this.compensate(answer, failed.map((c) => c.data.workerId), body, actor, outcomes.map((o) => (o.ok ? o.result.position : '')));
    }
  }

  /** Only on a store without multi-stream transactions: release what the workers that changed meanwhile would have cost. */
  private async compensate(answer: Omit<BatchAnswer, 'position'>, failedIds: string[], body: PayContributionsDto, actor: Actor, positions: string[]): Promise<BatchAnswer> {
    const released = (answer.amount / answer.workerCount) * failedIds.length;
    const { result } = await this.shell.execute(
      fundingDecider,
      allocationStream(body.allocationId),
      { type: 'ReleaseFunds', allocationId: body.allocationId, batchId: answer.batchId, workerCount: failedIds.length, amount: released, reason: 'workers changed while the batch was written', releasedOn: body.paidOn },
      actor,
    );
    const reloaded = await this.loadWorkers(failedIds);
    const skipped = failedIds.map((workerId) => {
      const paid = reloaded.get(workerId)?.state.paid[body.period];
      const reason: SkipReason = paid ? (paid.allocationId === body.allocationId ? 'ALREADY_PAID' : 'DOUBLE_FUNDING') : 'NOT_ACTIVE_IN_PERIOD';
      return { workerId, reason };
    });
    return {
      ...answer,
      workerCount: answer.workerCount - failedIds.length,
      amount: answer.amount - released,
      skipped: [...answer.skipped, ...skipped],
      position: [...positions, result.position].sort().pop()!,
    };
  }

  private async loadWorkers(workerIds: readonly string[]): Promise<Map<string, { state: WorkerState; revision: number }>> {
    const streams = await this.shell.store.readStreams(workerIds.map(workerStream));
    return new Map(
      workerIds.map((id) => {
        const events = streams.get(workerStream(id)) ?? [];
        return [id, { state: fold(workerDecider, events.map(asDomainEvent<WorkerEvent>)), revision: events.length - 1 }];
      }),
    );
  }

  /** Every worker the allocation sponsors, from the workers read model once it has caught up with the ledger. */
  private async sponsoredWorkers(allocationId: string): Promise<string[]> {
    const head = await this.shell.store.headPosition();
    if (head && !(await this.projections.waitFor(head, 30_000))) {
      throw new ServiceUnavailableException('the workers read model is behind the ledger; try again shortly');
    }
    const page = await (await this.reads.active()).find('workers', { filter: { allocationId, status: 'ACTIVE' } });
    return page.items.map((w) => w.id);
  }
}
