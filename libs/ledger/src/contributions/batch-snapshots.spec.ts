import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  allocationStream,
  contributionsDecider,
  decideContributionBatch,
  encodeWorker,
  evolveWorker,
  newWorker,
  PayContributions,
  streamOf,
  WORKER_SNAPSHOT_SCHEMA,
  workerDecider,
  WorkerEvent,
  workerStream,
} from '@app/domain';
import { EventStore, SqliteEventStore, StreamWrite } from '@app/event-store';
import { contextOf, ledgerFixtures } from '../../../../test/support/ledger';
import { tempLedger } from '../../../../test/support/stores';
import { todayIn } from '../clock';
import { CommandContext, idFor } from '../command-seam/command-context';
import { CommandSeam, PART_STREAMS } from '../command-seam/command-seam';
import { SqliteSnapshotStore } from '../snapshots/sqlite-snapshot-store';
import { PayContributionsCommand } from './contributions.commands';
import { PayContributionsHandler } from './contributions.handlers';

/** More workers than one part of the seam's reads: the batch is folded, snapshotted and condensed in several. */
const WORKERS = PART_STREAMS + 100;

/** Enrolments written straight to the store in one transaction (a fixture: the batch is what is tested). */
async function enrolFixture(store: EventStore, allocationId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const context = { userId: 'fixture', role: 'operator', correlationId: 'fixture', causationId: 'fixture' };
  const writes: StreamWrite[] = ids.map((workerId, i) => {
    const [enrolled] = workerDecider.decide(
      {
        type: 'EnrolWorker',
        workerId,
        nik: `530301070185${String(i + 1).padStart(4, '0')}`,
        fullName: 'x',
        birthDate: '1985-01-07',
        sex: 'M',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
        sponsorRegionCode: '53.03',
        today: '2026-11-23',
      },
      workerDecider.initialState(),
    );
    const event = { id: randomUUID(), type: enrolled.type, data: enrolled.data as never, effectiveDate: enrolled.effectiveDate, context };
    return { streamName: workerStream(workerId), expectedRevision: 'no_stream', events: [event] };
  });
  const outcomes = await store.appendMany(writes);
  expect(outcomes.every((o) => o.ok)).toBe(true);
  return ids;
}

/** The batch the handler gives the seam for this context (its batch id derives from the command id). */
function commandOf(allocationId: string, period: string, workerIds: string[], context: CommandContext): PayContributions {
  const paidOn = `${period}-10`;
  return { type: 'PayContributions', batchId: idFor(context, 'batch'), allocationId, period, paidOn, workerIds, today: todayIn('53.03') };
}

/** The plain way: every stream read whole and folded, then decided at once. */
async function plainDecision(store: EventStore, command: PayContributions) {
  const streams = [allocationStream(command.allocationId), ...command.workerIds.map(workerStream)];
  const loaded = await store.readStreams(streams);
  let state = contributionsDecider.initialState();
  for (const name of streams)
    for (const e of loaded.get(name) ?? [])
      state = contributionsDecider.evolve(state, { type: e.type, data: e.data, effectiveDate: e.effectiveDate } as never);
  return decideContributionBatch(command, state.allocation, state.workers);
}

describe('monthly batches read from snapshots, a part at a time (issue 10 items 5 and 6)', () => {
  let ledger: ReturnType<typeof tempLedger>;
  let store: SqliteEventStore;
  let snapshots: SqliteSnapshotStore;
  let seam: CommandSeam;
  let handler: PayContributionsHandler;
  let allocationId: string;
  let workers: string[];

  beforeEach(async () => {
    ledger = tempLedger('ledger-snapshots-');
    store = ledger.store;
    snapshots = new SqliteSnapshotStore(join(ledger.dir, 'snapshots.sqlite'));
    seam = new CommandSeam(store, undefined, snapshots);
    handler = new PayContributionsHandler(seam, undefined as never, undefined as never);
    allocationId = await ledgerFixtures(seam).allocate('53.03', 'APBD_KABUPATEN_KOTA', WORKERS * 12);
    workers = await enrolFixture(store, allocationId, WORKERS);
  });
  afterEach(async () => {
    await snapshots.close();
    await ledger.dispose();
  });

  const pay = async (period: string, context = contextOf('operator')) => {
    const plain = await plainDecision(store, commandOf(allocationId, period, workers, context));
    const answer = await handler.execute(
      new PayContributionsCommand({ allocationId, period, paidOn: `${period}-10`, workerIds: workers }, context),
    );
    return { plain, answer };
  };

  it('decides each month as the plain fold of every stream did, with workers exited on the way', async () => {
    // Given July paid, and 40 workers who exit on 20 August
    await pay('2025-07');
    const leavers = workers.slice(500, 540);
    for (const workerId of leavers)
      await seam.execute(
        { decider: workerDecider, streams: [workerStream(workerId)], streamOf },
        { type: 'ExitWorker', workerId, reason: 'MOVED', effectiveDate: '2025-08-20', today: '2026-11-23' },
        contextOf('operator'),
      );
    for (const period of ['2025-08', '2025-09', '2025-10']) {
      // When the month is paid from snapshots and the events after them
      const { plain, answer } = await pay(period);
      // Then it decides what the plain fold decides: who is paid, how much, who is skipped and why
      expect({ workerCount: answer.workerCount, amount: answer.amount, skipped: answer.skipped }).toEqual({
        workerCount: plain.workerCount,
        amount: plain.amount,
        skipped: plain.skipped,
      });
      const paid = await store.readStreams(workers.map(workerStream));
      const written = [...paid.values()].flatMap((events) =>
        events.filter((e) => e.type === 'ContributionPaid' && e.data.period === period),
      );
      expect(written.map((e) => e.data).sort(byWorker)).toEqual(plain.contributions.map((c) => c.data).sort(byWorker));
    }
    expect(leavers.length).toBe(40);
    // And each worker's snapshot is its state at a revision before the last month's payment, exactly
    for (const someone of [workers[0], leavers[0]]) {
      const stream = await store.readStream(workerStream(someone));
      const kept = (await snapshots.load([workerStream(someone)], WORKER_SNAPSHOT_SCHEMA)).get(workerStream(someone))!;
      expect(kept.revision).toBeLessThan(stream.length - 1);
      expect(kept.eventId).toBe(stream[kept.revision].id);
      const before = stream.slice(0, kept.revision + 1).reduce((s, e) => evolveWorker(s, e as unknown as WorkerEvent), newWorker);
      expect(kept.state).toEqual(JSON.parse(JSON.stringify(encodeWorker(before))));
    }
  }, 120_000);

  it('ignores a snapshot of another ledger, of another schema, or one it cannot read', async () => {
    // Given July paid (each worker now has a snapshot), then forged snapshots that say August is already paid
    await pay('2025-07');
    const [a, b, c] = workers.map(workerStream);
    const forged = (name: string) => {
      const worker = evolveWorker(evolveWorker(newWorker, enrolment(name)), augustPaidElsewhere(name));
      return encodeWorker(worker);
    };
    const revisionOf = async (name: string) => (await store.readStream(name)).at(-1)!;
    await snapshots.save([
      // another ledger's: its last event is not this stream's
      { streamName: a, revision: (await revisionOf(a)).revision, eventId: randomUUID(), schema: WORKER_SNAPSHOT_SCHEMA, state: forged(a) },
      // another schema's
      {
        streamName: b,
        revision: (await revisionOf(b)).revision,
        eventId: (await revisionOf(b)).id,
        schema: 'worker-state/0',
        state: forged(b),
      },
      // unreadable
      {
        streamName: c,
        revision: (await revisionOf(c)).revision,
        eventId: (await revisionOf(c)).id,
        schema: WORKER_SNAPSHOT_SCHEMA,
        state: { x: 1 },
      },
    ]);
    // When August is paid
    const { plain, answer } = await pay('2025-08');
    // Then every worker is paid, as the plain fold says
    expect(answer.workerCount).toBe(WORKERS);
    expect(answer.skipped).toEqual([]);
    expect(plain.workerCount).toBe(WORKERS);
  }, 120_000);

  it('answers a replayed keyed batch as the first, after later months wrote newer snapshots', async () => {
    const july = contextOf('operator', { key: 'batch-2025-07' });
    const first = await handler.execute(
      new PayContributionsCommand({ allocationId, period: '2025-07', paidOn: '2025-07-10', workerIds: workers }, july),
    );
    await pay('2025-08');
    await pay('2025-09');
    const again = await handler.execute(
      new PayContributionsCommand(
        { allocationId, period: '2025-07', paidOn: '2025-07-10', workerIds: workers },
        contextOf('operator', { key: 'batch-2025-07' }),
      ),
    );
    expect(again).toEqual(first);
    expect(first.workerCount).toBe(WORKERS);
    const disbursed = (await store.readStream(allocationStream(allocationId))).filter((e) => e.type === 'FundsDisbursed');
    expect(disbursed.map((e) => e.data.period)).toEqual(['2025-07', '2025-08', '2025-09']);
  }, 120_000);

  it('lets other work run between the parts of a batch', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      await pay('2025-07');
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
  }, 120_000);

  /** A worker's enrolment as its stream holds it (for forged snapshots). */
  function enrolment(name: string): WorkerEvent {
    const workerId = name.slice('worker-'.length);
    return {
      type: 'WorkerEnrolled',
      data: {
        workerId,
        regionCode: '53.03.01.2005',
        sex: 'M',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
        personal: {} as never,
      },
      effectiveDate: '2025-07-07',
    } as WorkerEvent;
  }

  function augustPaidElsewhere(name: string): WorkerEvent {
    return {
      type: 'ContributionPaid',
      data: {
        workerId: name.slice('worker-'.length),
        period: '2025-08',
        amount: 16_800,
        allocationId,
        batchId: 'forged',
        paidOn: '2025-07-30',
      },
      effectiveDate: '2025-07-30',
    } as unknown as WorkerEvent;
  }
});

const byWorker = (x: Record<string, unknown>, y: Record<string, unknown>) => (String(x.workerId) < String(y.workerId) ? -1 : 1);
