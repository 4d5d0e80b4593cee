import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { allocationStream, fundingDecider, NotFound, streamOf, workerStream } from '@app/domain';
import {
  decideSponsorshipTransfer,
  sponsorshipsDecider,
  SponsorshipsState,
  TransferSponsorships,
  unknownWorkers,
} from '@app/domain/workers/sponsorships.decider';
import { READ_STORE, ReadStore } from '@app/read-models';
import { assertVisible, canAccessRegion, unknownAllocation } from '../access/region-scope';
import { CommandContext, idFor } from '../command-seam/command-context';
import { CommandSeam, LedgerUnavailableError } from '../command-seam/command-seam';
import { ProjectionService } from '../infrastructure/projection.service';
import { todayIn } from '../clock';
import { SponsorshipAnswer, TransferSponsorshipCommand } from './workers.commands';

/** The answer, and why nobody moved when nobody did. */
export type SponsorshipTransferAnswer = SponsorshipAnswer & { detail?: string };

/**
 * Rule 13: a new allocation takes over a cohort (`POST /allocations/{id}/sponsorships`). One command
 * through the seam over the new allocation's stream (the lead: it must exist, lie in the caller's
 * regions and have a fiscal year that pays `effectivePeriod`) and every worker's stream, one
 * SponsorshipTransferred per worker that can move; the others are skipped with a reason.
 *
 * Named workers outside the caller's regions answer like unknown ones (404). The `fromAllocationId`
 * form takes the other allocation's active workers from the workers read model once it has caught up
 * with the ledger; the decider keeps those the ledger still shows sponsored by it. A keyed command may
 * be a retry whose first execution already moved them: it also loads the workers the new allocation
 * sponsors, so the seam finds the first execution's events and the decision is the same.
 */
@CommandHandler(TransferSponsorshipCommand)
export class TransferSponsorshipHandler implements ICommandHandler<TransferSponsorshipCommand> {
  constructor(
    private readonly seam: CommandSeam,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly projections: ProjectionService,
  ) {}

  async execute({ input, context }: TransferSponsorshipCommand): Promise<SponsorshipTransferAnswer> {
    const lead = allocationStream(input.allocationId);
    const allocation = await this.seam.read(fundingDecider, [lead]);
    if (!allocation.exists) throw new NotFound(unknownAllocation(input.allocationId));
    assertVisible(context.caller, allocation.regionCode, unknownAllocation(input.allocationId));

    let workerIds: string[];
    if (input.fromAllocationId !== undefined) {
      if (input.fromAllocationId !== input.allocationId) {
        const from = await this.seam.read(fundingDecider, [allocationStream(input.fromAllocationId)]);
        if (!from.exists) throw new NotFound(unknownAllocation(input.fromAllocationId));
        assertVisible(context.caller, from.regionCode, unknownAllocation(input.fromAllocationId));
      }
      workerIds = await this.cohortOf(input.fromAllocationId, input.allocationId, context);
    } else {
      workerIds = input.workerIds;
    }

    const command: TransferSponsorships = {
      type: 'TransferSponsorships',
      allocationId: input.allocationId,
      ...(input.fromAllocationId !== undefined ? { fromAllocationId: input.fromAllocationId } : {}),
      workerIds,
      effectivePeriod: input.effectivePeriod,
      transferredOn: todayIn(allocation.regionCode),
    };
    const outcome = await this.seam.execute(
      {
        decider: sponsorshipsDecider,
        streams: [lead, ...workerIds.map(workerStream)],
        streamOf,
        authorize: (state) => this.authorize(state, command, context),
      },
      command,
      context,
    );
    // The decision again, pure and on the same state, for what the events do not say: who was skipped and why.
    const decision = decideSponsorshipTransfer(command, outcome.state);
    const skipped = [...decision.skipped];
    const answer: SponsorshipTransferAnswer = {
      allocationId: input.allocationId,
      workerCount: decision.workerCount,
      skipped,
      position: outcome.position,
    };
    if (outcome.notWritten.length > 0)
      await this.transferUnwritten(
        answer,
        command,
        outcome.notWritten.map((w) => w.streamName),
        context,
      );
    if (answer.workerCount === 0) answer.detail = whyNobodyMoved(command, skipped);
    return answer;
  }

  /**
   * Only on a store without multi-stream transactions: a worker whose stream changed between the
   * decision and its write (paid, exited meanwhile) was not moved. Decide those workers again (at most
   * 3 times), then mark the command as carried out.
   */
  private async transferUnwritten(
    answer: SponsorshipTransferAnswer,
    command: TransferSponsorships,
    streams: string[],
    context: CommandContext,
  ): Promise<void> {
    let pending = streams.map((s) => s.slice('worker-'.length));
    answer.workerCount -= pending.length;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 3)
        throw new LedgerUnavailableError(
          'the workers kept changing while the transfer was written; retry the request with the same Idempotency-Key',
        );
      const again: TransferSponsorships = { ...command, fromAllocationId: undefined, workerIds: pending };
      const retry = { ...context, commandId: idFor(context, `unwritten-${attempt}`), requestHash: undefined };
      const outcome = await this.seam.execute(
        { decider: sponsorshipsDecider, streams: [allocationStream(command.allocationId), ...pending.map(workerStream)], streamOf },
        again,
        retry,
      );
      const decision = decideSponsorshipTransfer(again, outcome.state);
      answer.workerCount += decision.workerCount - outcome.notWritten.length;
      answer.skipped.push(...decision.skipped);
      if (outcome.position > answer.position) answer.position = outcome.position;
      pending = outcome.notWritten.map((w) => w.streamName.slice('worker-'.length));
    }
    const recorded = await this.seam.complete(command, context);
    if (recorded && recorded > answer.position) answer.position = recorded;
  }

  /** The new allocation in the caller's regions; named workers outside them are answered as unknown. */
  private authorize(state: SponsorshipsState, command: TransferSponsorships, context: CommandContext): void {
    if (!state.allocation.exists) return;
    assertVisible(context.caller, state.allocation.regionCode, unknownAllocation(command.allocationId));
    if (command.fromAllocationId !== undefined) return;
    const hidden = command.workerIds.filter((id) => {
      const worker = state.workers.get(id);
      return !worker || worker.status === 'NEW' || !canAccessRegion(context.caller, worker.regionCode);
    });
    if (hidden.length) throw new NotFound(unknownWorkers(hidden));
  }

  /** The other allocation's active workers, from the workers read model once it has caught up with the ledger (sorted: the same list on a retry). */
  private async cohortOf(fromAllocationId: string, allocationId: string, context: CommandContext): Promise<string[]> {
    const head = await this.seam.headPosition();
    if (head && !(await this.projections.waitFor(head, 30_000))) {
      throw new LedgerUnavailableError('the workers read model is behind the ledger; try again shortly');
    }
    const reads = await this.reads.active();
    const ids = new Set(
      (await reads.find('workers', { filter: { allocationId: fromAllocationId, status: 'ACTIVE' } })).items.map((w) => w.id),
    );
    if (context.requestHash !== undefined && fromAllocationId !== allocationId) {
      for (const w of (await reads.find('workers', { filter: { allocationId } })).items) ids.add(w.id);
    }
    return [...ids].sort();
  }
}

function whyNobodyMoved(command: TransferSponsorships, skipped: SponsorshipTransferAnswer['skipped']): string {
  if (skipped.length === 0) {
    return command.fromAllocationId !== undefined
      ? `no active worker is sponsored by allocation ${command.fromAllocationId}`
      : 'no worker was named';
  }
  return `every ${command.fromAllocationId !== undefined ? 'worker of the cohort' : 'named worker'} was skipped: ${countReasons(skipped)}`;
}

/** "3 ALREADY_PAID, 2 NOT_ACTIVE_IN_PERIOD": how many of each reason, most first. */
export function countReasons(skipped: ReadonlyArray<{ reason: string }>): string {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
}
