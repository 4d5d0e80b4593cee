/**
 * Issue 10 items 5 and 6: a monthly batch reads each worker as a snapshot and the events after it, and
 * decides each part of the batch's workers on its own (condensed) before the whole-batch rules. On
 * random timelines (test/support/timeline-generator.ts, driven through the real deciders) this path
 * must decide exactly as the plain fold of every event did: the snapshot encoding is exact, a fold
 * resumed from a snapshot at any revision ends in the same state, and the condensed decision equals
 * the plain one (or the same refusal) for months and payment dates all over each timeline.
 * A failure names the seed: `generateTimeline(seed)` replays it exactly.
 */
import {
  addMonths,
  monthsBetween,
  BatchState,
  batchDecisionOf,
  condenseBatch,
  contributionsDecider,
  decideContributionBatch,
  decodeWorker,
  encodeWorker,
  evolveWorker,
  newWorker,
  PayContributions,
  WorkerState,
} from '@app/domain';
import { generateTimeline, prng, WORKER_ID } from '../support/timeline-generator';

const TIMELINES = 200;
const FIRST_SEED = 20_261_201;
const PROBES = 12;
const seeds = Array.from({ length: TIMELINES }, (_, i) => FIRST_SEED + i);
const timelines = seeds.map((seed) => generateTimeline(seed));

/** A snapshot as stored: encoded, written as JSON text, read back. */
const throughStore = (state: WorkerState) => decodeWorker(JSON.parse(JSON.stringify(encodeWorker(state))));

const outcome = (decide: () => unknown) => {
  try {
    return { decision: decide() };
  } catch (error) {
    return { refused: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

describe('a worker kept as a snapshot', () => {
  it.each(seeds.map((seed, i) => [seed, i]))('seed %i: every prefix of the stream survives the snapshot store exactly', (_seed, i) => {
    let state = newWorker;
    for (const event of timelines[i].workerEvents) {
      state = evolveWorker(state, event);
      expect(throughStore(state)).toEqual(state);
    }
  });

  it.each(seeds.map((seed, i) => [seed, i]))(
    'seed %i: a fold resumed from a snapshot at any revision ends where the whole fold ends',
    (_seed, i) => {
      const events = timelines[i].workerEvents;
      const whole = events.reduce(evolveWorker, newWorker);
      let prefix = newWorker;
      events.forEach((event, k) => {
        prefix = evolveWorker(prefix, event);
        const resumed = events.slice(k + 1).reduce(evolveWorker, throughStore(prefix)!);
        expect(resumed).toEqual(whole);
      });
    },
  );
});

describe('a monthly batch decided from snapshots, a part at a time', () => {
  it.each(seeds.map((seed, i) => [seed, i]))('seed %i: decides as the plain fold of every event, or refuses alike', (seed, i) => {
    const t = timelines[i];
    if (t.workerEvents.length === 0) return;
    const random = prng(seed ^ 0x5eed);
    const first = t.workerEvents[0].effectiveDate;
    const whole = t.workerEvents.reduce(evolveWorker, newWorker);
    const last = t.workerEvents[t.workerEvents.length - 1].effectiveDate;
    const span = monthsBetween(first.slice(0, 7), last.slice(0, 7));
    for (let probe = 0; probe < PROBES; probe++) {
      const period = addMonths(first.slice(0, 7), Math.floor(random() * (span + 3)) - 1);
      const paidOn = `${addMonths(period, Math.floor(random() * 3))}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const allocations = [...t.allocations.keys()];
      const allocationId =
        t.allocations.has(`a-${paidOn.slice(0, 4)}`) && random() < 0.9
          ? `a-${paidOn.slice(0, 4)}`
          : allocations[Math.floor(random() * allocations.length)];
      const command: PayContributions = {
        type: 'PayContributions',
        batchId: `probe-${probe}`,
        allocationId,
        period,
        paidOn,
        workerIds: [WORKER_ID],
        today: '2026-12-31',
      };
      const allocationEvents = t.allocations.get(allocationId)!;
      const plainState = allocationEvents.reduce(contributionsDecider.evolve, contributionsDecider.initialState());
      const plain = outcome(() => decideContributionBatch(command, plainState.allocation, new Map([[WORKER_ID, whole]])));

      // The seam's way: the allocation first, the worker from a snapshot at a random revision and the events after it, condensed.
      const cut = Math.floor(random() * t.workerEvents.length);
      const snapshot = throughStore(t.workerEvents.slice(0, cut + 1).reduce(evolveWorker, newWorker))!;
      let state: BatchState = allocationEvents.reduce(contributionsDecider.evolve, contributionsDecider.initialState());
      state.workers.set(WORKER_ID, snapshot);
      state = t.workerEvents.slice(cut + 1).reduce(contributionsDecider.evolve, state);
      state = condenseBatch(command, state, [WORKER_ID]);
      expect(state.workers.size).toBe(0);
      const condensed = outcome(() => batchDecisionOf(command, state));
      expect(condensed).toEqual(plain);
    }
  });
});
