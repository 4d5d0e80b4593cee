import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, SqliteEventStore } from '@app/event-store';
import { InMemoryReadModels } from './in-memory-read-models';
import { defineProjection, Projection } from './projection';
import {
  claimsProjection,
  coverageProjection,
  fundingProjection,
  LEDGER_CHECKPOINT,
  ledgerCheckpoint,
  LEDGER_PROJECTIONS,
  ledgerRunner,
  READ_MODEL_SCHEMA,
  workersProjection,
} from './projections';
import { DocChange, ProjectionState, ReadModels } from './read-store.port';
import { rebuildReadModels } from './rebuild';
import { projectedUpTo, ProjectionRunner } from './runner';
import { SqliteReadStore } from './sqlite-read-store';

const context = { userId: 'u', role: 'operator', correlationId: 'c', causationId: 'c' };
const ev = (type: string, data: Record<string, unknown>, effectiveDate = '2026-01-15'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  effectiveDate,
  context,
});
const village = '53.03.01.2005';

/** Per round: an allocation (3 events), a worker enrolled and paid (2), a claim (1); the workforce once. */
async function seed(store: SqliteEventStore, rounds: number, prefix = 'r') {
  for (let i = 0; i < rounds; i++) {
    const allocationId = `${prefix}a${i}`;
    const workerId = `${prefix}w${i}`;
    const ref = { allocationId, regionCode: i % 2 ? '53.03' : '52.03', fundingSource: 'APBD_KABUPATEN_KOTA', fiscalYear: 2026 };
    await store.append(
      `allocation-${allocationId}`,
      [
        ev('FundingAllocated', { ...ref, amount: 3_000_000_000, programName: 'p', legalBasis: 'l', allocatedOn: '2026-01-02' }),
        ev('FundsDisbursed', { ...ref, batchId: `b${i}`, period: '2026-01', workerCount: 1, amount: 16_800, paidOn: '2026-01-15' }),
        ev('FundingRevised', {
          ...ref,
          previousAmount: 3_000_000_000,
          amount: 3_100_000_000,
          reason: 'r',
          legalBasis: 'l',
          revisedOn: '2026-09-01',
        }),
      ],
      'no_stream',
    );
    await store.append(
      `worker-${workerId}`,
      [
        ev('WorkerEnrolled', {
          workerId,
          regionCode: village,
          sex: 'F',
          occupation: 'NELAYAN',
          allocationId,
          enrolledOn: '2026-01-05',
          personal: { nik: '5303014701850002', fullName: 'x', birthDate: '1985-01-07' },
        }),
        ev('ContributionPaid', {
          workerId,
          period: '2026-01',
          amount: 16_800,
          jkk: 10_000,
          jkm: 6_800,
          allocationId,
          fundingSource: 'APBD_KABUPATEN_KOTA',
          batchId: `b${i}`,
          paidOn: '2026-01-15',
          regionCode: village,
          sex: 'F',
          occupation: 'NELAYAN',
        }),
      ],
      'no_stream',
    );
    await store.append(
      `claim-${prefix}c${i}`,
      [
        ev('ClaimSubmitted', {
          claimId: `${prefix}c${i}`,
          workerId,
          type: 'JKM',
          regionCode: village,
          incidentDate: '2026-02-01',
          submittedOn: '2026-02-03',
          personal: { description: 'd' },
        }),
      ],
      'no_stream',
    );
  }
  await store.append(
    `workforce-53-${prefix}`,
    [ev('WorkforceEstimated', { regionCode: '53', year: 2026, informalWorkers: 1000 + rounds, source: 'BPS' })],
    'no_stream',
  );
}

async function dump(models: ReadModels, collections: readonly string[] = Object.keys(READ_MODEL_SCHEMA)) {
  const out: Record<string, unknown[]> = {};
  for (const collection of collections) out[collection] = (await models.find(collection, {})).items;
  return out;
}

async function states(models: ReadModels, projections: readonly Projection[] = LEDGER_PROJECTIONS) {
  const out: Record<string, ProjectionState | undefined> = {};
  for (const p of projections) out[p.name] = await models.projectionState(p.name);
  return out;
}

/** The projection, with `apply` counting the events it is handed. */
function spied(projection: Projection, changes: Partial<Pick<Projection, 'version'>> = {}) {
  const apply = jest.fn(projection.apply);
  return { projection: { ...projection, ...changes, apply } as Projection, apply };
}

const ownCollections = (projections: readonly Projection[]) => projections.flatMap((p) => p.collections);

describe('independent projections', () => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projections-'));
    events = new SqliteEventStore(join(dir, 'ledger.sqlite'));
    reads = new SqliteReadStore(join(dir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
  });
  afterEach(async () => {
    await events.close();
    await reads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every projection replayed from the start into a fresh generation (not activated). */
  async function freshReplay(projections: readonly Projection[] = LEDGER_PROJECTIONS) {
    const fresh = await reads.createGeneration();
    await new ProjectionRunner(events, async () => fresh, projections, { batchSize: 1000 }).catchUp();
    return fresh;
  }

  it('rebuilds alone a projection whose version changed, while the others keep their checkpoints and keep answering', async () => {
    await seed(events, 4);
    await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 5 }).catchUp();
    const models = await reads.active();
    const head = await events.headPosition();
    const before = await states(models);
    expect(Object.values(before)).toEqual(LEDGER_PROJECTIONS.map((p) => ({ checkpoint: head, version: p.version })));
    // A document the old version left behind and the new one would not write: the rebuild must clear it.
    await models.commit('funding', [{ collection: 'allocations', id: 'stale', doc: { id: 'stale' } }], head!, 1);

    const bumped = fundingProjection.version + 1;
    const funding = spied(fundingProjection, { version: bumped });
    const others = [workersProjection, coverageProjection, claimsProjection].map((p) => spied(p));
    const otherCollections = ownCollections(others.map((o) => o.projection));
    const othersBefore = await dump(models, otherCollections);
    const runner = new ProjectionRunner(events, () => reads.active(), [funding.projection, ...others.map((o) => o.projection)], {
      batchSize: 5,
    });

    await runner.runBatch();
    // Mid-rebuild: funding cleared and part-way; the others untouched, answering as before.
    expect(await models.get('allocations', 'stale')).toBeUndefined();
    const rebuilding = await models.projectionState('funding');
    expect(rebuilding?.version).toBe(bumped);
    expect(rebuilding!.checkpoint < head!).toBe(true);
    expect(await dump(models, otherCollections)).toEqual(othersBefore);
    for (const o of others) expect(await models.projectionState(o.projection.name)).toEqual(before[o.projection.name]);
    expect(await runner.checkpoint()).toBe(rebuilding!.checkpoint);
    expect(await runner.status()).toEqual([
      { name: 'funding', version: bumped, stored: rebuilding, rebuilding: false },
      ...others.map((o) => ({
        name: o.projection.name,
        version: o.projection.version,
        stored: before[o.projection.name],
        rebuilding: false,
      })),
    ]);

    await runner.catchUp();
    expect(await models.projectionState('funding')).toEqual({ checkpoint: head, version: bumped });
    for (const o of others) {
      expect(o.apply).not.toHaveBeenCalled();
      expect(await models.projectionState(o.projection.name)).toEqual(before[o.projection.name]);
    }
    expect(funding.apply).toHaveBeenCalledTimes(4 * 3);
    expect(await dump(models, fundingProjection.collections)).toEqual(
      await dump(await freshReplay([fundingProjection]), fundingProjection.collections),
    );
    expect(await dump(models, otherCollections)).toEqual(othersBefore);
    expect(await runner.checkpoint()).toBe(head);
  });

  it('a projection added to an existing set catches up alone, and the others project only what is new', async () => {
    await seed(events, 3);
    const existing = [fundingProjection, workersProjection, coverageProjection];
    await new ProjectionRunner(events, () => reads.active(), existing, { batchSize: 4 }).catchUp();
    const models = await reads.active();
    const before = await states(models, existing);
    expect(await models.projectionState('claims')).toBeUndefined();
    await seed(events, 1, 'late');

    const olds = existing.map((p) => spied(p));
    const claims = spied(claimsProjection);
    const runner = new ProjectionRunner(events, () => reads.active(), [...olds.map((o) => o.projection), claims.projection], {
      batchSize: 4,
    });
    expect(await runner.checkpoint()).toBeUndefined();
    await runner.runBatch();
    // Both advanced in that one call: the others over the late events, claims from the start.
    const afterOne = await states(models);
    for (const p of existing) expect(afterOne[p.name]!.checkpoint > before[p.name]!.checkpoint).toBe(true);
    expect(afterOne.claims!.checkpoint < before.funding!.checkpoint).toBe(true);

    await runner.catchUp();
    expect(claims.apply).toHaveBeenCalledTimes(4);
    // The others were handed the late events only: funding an allocation's 3; workers the worker's 2 and
    // the claim; coverage the worker's 2 and the workforce estimate.
    expect(olds.map((o) => o.apply.mock.calls.length)).toEqual([3, 3, 3]);
    // Nothing counted twice, nothing missed: every document as a replay from the start makes it.
    const set = [...existing, claimsProjection];
    const collections = set.flatMap((p) => p.collections);
    expect(await dump(models, collections)).toEqual(await dump(await freshReplay(set), collections));
    const head = await events.headPosition();
    expect(await states(models, set)).toEqual(Object.fromEntries(set.map((p) => [p.name, { checkpoint: head, version: p.version }])));
  });

  it("answers as its checkpoint the least of the projections' checkpoints, undefined while one has none", async () => {
    await seed(events, 2);
    await new ProjectionRunner(events, () => reads.active(), [fundingProjection, workersProjection, coverageProjection], {}).catchUp();
    const head = await events.headPosition();
    const runner = new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 3 });
    expect(await runner.checkpoint()).toBeUndefined();
    expect((await runner.lag()).caughtUp).toBe(false);

    await runner.runBatch();
    const models = await reads.active();
    const all = await states(models);
    const least = Object.values(all)
      .map((s) => s!.checkpoint)
      .sort()[0];
    expect(least).toBe(all.claims!.checkpoint);
    expect(least < head!).toBe(true);
    expect(all.funding!.checkpoint).toBe(head);
    expect(await runner.checkpoint()).toBe(least);
    expect(await projectedUpTo(models, LEDGER_PROJECTIONS)).toBe(least);
    expect(await ledgerCheckpoint(models)).toBe(least);
    const lag = await runner.lag(new Date(Date.now() + 10_000));
    expect(lag).toMatchObject({ checkpoint: least, head, caughtUp: false });
    expect(lag.lagSeconds).toBeGreaterThanOrEqual(9);

    await runner.catchUp();
    expect(await runner.checkpoint()).toBe(head);
    expect(await runner.lag()).toEqual({ checkpoint: head, head, caughtUp: true, lagSeconds: 0 });
    // A projection whose code is at another version than its documents has projected nothing yet.
    expect(
      await projectedUpTo(models, [fundingProjection, { ...claimsProjection, version: claimsProjection.version + 1 }]),
    ).toBeUndefined();
  });

  it('reads each batch once for the projections at the same checkpoint; a laggard reads its own range up to theirs, then joins them', async () => {
    await seed(events, 4);
    const positions = (await events.readAll({ maxCount: 100 })).map((e) => e.position);
    expect(positions.length).toBe(4 * 6 + 1);
    const readAll = jest.spyOn(events, 'readAll');
    await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS, { batchSize: 4 }).catchUp();
    expect(readAll).toHaveBeenCalledTimes(Math.ceil(25 / 4) + 1);

    const models = await reads.createGeneration();
    await new ProjectionRunner(events, async () => models, [fundingProjection], { batchSize: 10 }).runBatch();
    expect(await models.checkpoint('funding')).toBe(positions[9]);
    const runner = new ProjectionRunner(events, async () => models, [fundingProjection, claimsProjection], { batchSize: 12 });
    readAll.mockClear();
    expect(await runner.runBatch()).toBe(10 + 12);
    expect(readAll).toHaveBeenCalledTimes(2);
    expect(await models.checkpoint('claims')).toBe(positions[9]);
    expect(await models.checkpoint('funding')).toBe(positions[21]);
    // Meanwhile funding reads on in the same call; claims follows until both are at the head.
    expect(await runner.runBatch()).toBe(12 + 3);
    expect(await models.checkpoint('claims')).toBe(positions[21]);
    expect(await runner.runBatch()).toBe(3);
    expect(await states(models, [fundingProjection, claimsProjection])).toEqual({
      funding: { checkpoint: positions[24], version: fundingProjection.version },
      claims: { checkpoint: positions[24], version: claimsProjection.version },
    });
    // Joined: one read per batch for both.
    await seed(events, 1, 'late');
    readAll.mockClear();
    expect(await runner.runBatch()).toBe(7);
    expect(await runner.runBatch()).toBe(0);
    expect(readAll).toHaveBeenCalledTimes(2);
    await new ProjectionRunner(events, () => reads.active(), LEDGER_PROJECTIONS).catchUp();
    const collections = ownCollections([fundingProjection, claimsProjection]);
    expect(await dump(models, collections)).toEqual(await dump(await reads.active(), collections));
    readAll.mockRestore();
  });

  it('adopts the checkpoint the ledger projections shared before (once), and rebuilds the ones that were not under it', async () => {
    await seed(events, 2);
    // Read models as the previous runner left them: every document, one checkpoint for all.
    const replay = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => replay, LEDGER_PROJECTIONS).catchUp();
    const head = (await events.headPosition())!;
    const documents: DocChange[] = [];
    for (const [collection, docs] of Object.entries(await dump(replay)))
      for (const doc of docs as Array<{ id: string }>) documents.push({ collection, id: doc.id, doc });
    const models = await reads.active();
    await models.commit(LEDGER_CHECKPOINT, documents, head);
    const legacy = await dump(models);

    // Adopted at the versions the shared checkpoint was written with (here: today's).
    const versions = Object.fromEntries(LEDGER_PROJECTIONS.map((p) => [p.name, p.version]));
    const runner = ledgerRunner(events, () => reads.active(), { batchSize: 4, adopt: { checkpoint: LEDGER_CHECKPOINT, versions } });
    expect(await runner.runBatch()).toBe(0);
    expect(await states(models)).toEqual(
      Object.fromEntries(LEDGER_PROJECTIONS.map((p) => [p.name, { checkpoint: head, version: p.version }])),
    );
    expect(await models.checkpoint(LEDGER_CHECKPOINT)).toBeUndefined();
    expect(await dump(models)).toEqual(legacy);

    await seed(events, 1, 'late');
    await runner.catchUp();
    expect(await dump(models)).toEqual(await dump(await freshReplay()));

    // A projection that was not under the shared checkpoint (here: claims) is rebuilt, the others adopt it.
    const other = await reads.createGeneration();
    await other.commit(LEDGER_CHECKPOINT, [...documents, { collection: 'claims', id: 'stale', doc: { id: 'stale' } }], head);
    const adopting = new ProjectionRunner(events, async () => other, LEDGER_PROJECTIONS, {
      adopt: {
        checkpoint: LEDGER_CHECKPOINT,
        versions: { funding: fundingProjection.version, workers: workersProjection.version, coverage: coverageProjection.version },
      },
    });
    await adopting.runBatch();
    expect(await other.get('claims', 'stale')).toBeUndefined();
    await adopting.catchUp();
    expect(await dump(other)).toEqual(await dump(models));
  });

  it('keeps rebuilding into a fresh generation: every projection replays there, each with its checkpoint and version', async () => {
    await seed(events, 2);
    const live = ledgerRunner(events, () => reads.active());
    await live.catchUp();
    const expected = await dump(await reads.active());
    const progress: Array<string | undefined> = [];
    const result = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, {
      batchSize: 5,
      onProgress: (p) => progress.push(p.checkpoint),
    });
    const head = await events.headPosition();
    expect(result).toMatchObject({ eventsProjected: 2 * 6 + 1, checkpoint: head });
    expect(progress.length).toBe(3);
    const after = await reads.active();
    expect(after.generation).toBe(result.generation);
    expect(await dump(after)).toEqual(expected);
    expect(await live.checkpoint()).toBe(head);
    // The older call, with a checkpoint name, still works.
    const again = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, LEDGER_CHECKPOINT, { batchSize: 1000 });
    expect(again.eventsProjected).toBe(2 * 6 + 1);
  });

  it('refuses projections that share a collection or a name, and a projection writing outside its collections', async () => {
    await seed(events, 1);
    const thief = defineProjection({
      name: 'thief',
      version: 1,
      handles: ['FundingAllocated'],
      collections: ['claims'],
      keys: () => [],
      apply: (e) => [{ collection: 'allocations', id: e.data.allocationId, doc: null }],
    });
    expect(() => new ProjectionRunner(events, () => reads.active(), [claimsProjection, thief], {})).toThrow(/claims is owned by both/);
    expect(
      () => new ProjectionRunner(events, () => reads.active(), [claimsProjection, { ...claimsProjection, collections: ['workforce'] }], {}),
    ).toThrow(/two projections/);
    await expect(new ProjectionRunner(events, () => reads.active(), [thief], {}).runBatch()).rejects.toThrow(/does not own/);
    expect(await (await reads.active()).checkpoint('thief')).toBeUndefined();
  });
});
