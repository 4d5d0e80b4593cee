import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  allocationStream,
  contributionsDecider,
  batchDecisionOf,
  BatchState,
  batchWorkerOf,
  condenseBatch,
  decodeWorker,
  encodeWorker,
  fundingDecider,
  NotFound,
  PayContributions,
  SkipReason,
  streamOf,
  workerDecider,
  workerStream,
  WORKER_SNAPSHOT_SCHEMA,
} from '@app/domain';
import { READ_STORE, ReadStore } from '@app/read-models';
import { assertVisible, canAccessRegion, unknownAllocation } from '../access/region-scope';
import { CommandContext, idFor } from '../command-seam/command-context';
import { CommandSeam, LedgerUnavailableError } from '../command-seam/command-seam';
import { ProjectionService } from '../infrastructure/projection.service';
import { todayIn } from '../clock';
import { countReasons } from '../workers/sponsorships.handlers';
import { BatchAnswer, PayContributionsCommand } from './contributions.commands';

/**
 * A monthly batch: the allocation's FundsDisbursed (the lead write, checked against its revision: rule
 * 3 under concurrency) with one ContributionPaid per worker, decided once for the whole batch.
 * Embedded: one transaction. EventStoreDB: the worker writes follow the lead; a worker that another
 * command changed meanwhile is not paid and its share is released.
 */
@CommandHandler(PayContributionsCommand)
export class PayContributionsHandler implements ICommandHandler<PayContributionsCommand> {
  constructor(
    private readonly seam: CommandSeam,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly projections: ProjectionService,
  ) {}

  async execute({ input, context }: PayContributionsCommand): Promise<BatchAnswer> {
    const lead = allocationStream(input.allocationId);
    const allocation = await this.seam.read(fundingDecider, [lead]);
    if (!allocation.exists) throw new NotFound(unknownAllocation(input.allocationId));
    assertVisible(context.caller, allocation.regionCode, unknownAllocation(input.allocationId));

    const command: PayContributions = {
      type: 'PayContributions',
      batchId: idFor(context, 'batch'),
      allocationId: input.allocationId,
      period: input.period,
      paidOn: input.paidOn,
      today: todayIn(allocation.regionCode),
      workerIds: input.workerIds ?? (await this.sponsoredWorkers(input.allocationId)),
    };
    const visible = (state: BatchState, id: string) => {
      const worker = batchWorkerOf(state, id);
      return !!worker && worker.status !== 'NEW' && canAccessRegion(context.caller, worker.regionCode);
    };
    // Who the caller may not see, noted as each part is condensed (one fold's own list: keyed by its state).
    const unseenIn = new WeakMap<BatchState['assessed'], { count: number; ids: string[] }>();
    const outcome = await this.seam.execute(
      {
        decider: contributionsDecider,
        streams: [lead, ...command.workerIds.map(workerStream)],
        streamOf,
        authorize: (state) => {
          if (!state.allocation.exists) return;
          assertVisible(context.caller, state.allocation.regionCode, unknownAllocation(input.allocationId));
          // Named workers outside the caller's regions answer as unknown ones, in the decider's words.
          const seen = unseenIn.get(state.assessed);
          const unseen = seen && seen.count === command.workerIds.length ? seen.ids : command.workerIds.filter((id) => !visible(state, id));
          if (unseen.some((id) => (batchWorkerOf(state, id)?.status ?? 'NEW') !== 'NEW')) throw new NotFound(unknownWorkers(unseen));
        },
        // 100,000 workers: folded a part at a time, each worker decided on its own and its state dropped.
        condense: (state, streams) => {
          const seen = unseenIn.get(state.assessed) ?? { count: 0, ids: [] };
          unseenIn.set(state.assessed, seen);
          for (const name of streams) {
            seen.count++;
            if (!visible(state, workerIdOf(name))) seen.ids.push(workerIdOf(name));
          }
          return condenseBatch(command, state, streams.map(workerIdOf));
        },
        // Each worker as a snapshot and the events after it: the twelfth month reads what the first did.
        snapshots: {
          schema: WORKER_SNAPSHOT_SCHEMA,
          covers: (name) => name.startsWith(WORKER_PREFIX),
          take: (state, name) => {
            const worker = state.workers.get(workerIdOf(name));
            return worker && encodeWorker(worker);
          },
          restore: (state, name, snapshot) => {
            const worker = decodeWorker(snapshot);
            if (!worker || worker.workerId !== workerIdOf(name)) return undefined;
            state.workers.set(workerIdOf(name), worker);
            return state;
          },
        },
      },
      command,
      context,
    );
    // What the events do not say (who was skipped and why), from the decision the seam had taken on this state.
    const decision = batchDecisionOf(command, outcome.state);
    const { workerCount, amount, skipped } = decision;
    const answer = { batchId: command.batchId, period: command.period, workerCount, amount, skipped, position: outcome.position };
    const unwritten = outcome.notWritten.map((w) => w.streamName);
    const final =
      unwritten.length === 0 ? answer : await this.releaseUnwritten(answer, command, unwritten, decision.contributions, context);
    return final.workerCount > 0 ? final : { ...final, detail: whyNobodyWasPaid(command, input.workerIds === undefined, final.skipped) };
  }

  /** Only on a store without multi-stream transactions: release what the workers that changed meanwhile would have cost. */
  private async releaseUnwritten(
    answer: BatchAnswer,
    command: PayContributions,
    streams: string[],
    contributions: ReadonlyArray<{ data: { workerId: string; amount: number } }>,
    context: CommandContext,
  ): Promise<BatchAnswer> {
    const failedIds = streams.map((s) => s.slice('worker-'.length));
    // What exactly those workers would have cost: tariffs differ per worker in the PP 49/2020 months.
    const failed = new Set(failedIds);
    const released = contributions.filter((c) => failed.has(c.data.workerId)).reduce((sum, c) => sum + c.data.amount, 0);
    const release = { ...context, commandId: idFor(context, 'release'), requestHash: undefined };
    const { position } = await this.seam.execute(
      { decider: fundingDecider, streams: [allocationStream(command.allocationId)] },
      {
        type: 'ReleaseFunds',
        allocationId: command.allocationId,
        batchId: command.batchId,
        workerCount: failedIds.length,
        amount: released,
        reason: 'workers changed while the batch was written',
        releasedOn: command.paidOn,
      },
      release,
    );
    const skipped = await Promise.all(
      failedIds.map(async (workerId) => {
        const paid = (await this.seam.read(workerDecider, [workerStream(workerId)])).paid[command.period];
        const reason: SkipReason = paid
          ? paid.allocationId === command.allocationId
            ? 'ALREADY_PAID'
            : 'DOUBLE_FUNDING'
          : 'NOT_ACTIVE_IN_PERIOD';
        return { workerId, reason };
      }),
    );
    const recorded = await this.seam.complete(command, context);
    return {
      ...answer,
      workerCount: answer.workerCount - failedIds.length,
      amount: answer.amount - released,
      skipped: [...answer.skipped, ...skipped],
      position: [answer.position, position, recorded ?? ''].sort().pop()!,
    };
  }

  /** Every worker the allocation sponsors, from the workers read model once it has caught up with the ledger. */
  private async sponsoredWorkers(allocationId: string): Promise<string[]> {
    const head = await this.seam.headPosition();
    if (head && !(await this.projections.waitFor(head, 30_000))) {
      throw new LedgerUnavailableError('the workers read model is behind the ledger; try again shortly');
    }
    const page = await (await this.reads.active()).find('workers', { filter: { allocationId, status: 'ACTIVE' } });
    return page.items.map((w) => w.id);
  }
}

const WORKER_PREFIX = workerStream('');
const workerIdOf = (stream: string) => stream.slice(WORKER_PREFIX.length);

/** The decider's words for unknown workers (the first 20 named). */
function unknownWorkers(ids: string[]): string {
  return `unknown workers: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

/** api.md: a batch that pays nobody says why. */
function whyNobodyWasPaid(command: PayContributions, byDefault: boolean, skipped: BatchAnswer['skipped']): string {
  if (skipped.length > 0) return `every ${byDefault ? 'sponsored' : 'named'} worker was skipped: ${countReasons(skipped)}`;
  return byDefault ? `no active worker is sponsored by allocation ${command.allocationId}` : 'no worker was named';
}
