import { DocChange, ProjectionConflictError, ReadModels, ReadModelSchema, ReadStore } from '@app/read-models';

export const contractSchema: ReadModelSchema = {
  workers: { indexes: [['regionCode', 'status'], ['enrolledOn']] },
  regions: { indexes: [] },
};

const worker = (id: string, regionCode: string, status: string, enrolledOn: string, paidMonths: number): DocChange => ({
  collection: 'workers',
  id,
  doc: { id, regionCode, status, enrolledOn, paidMonths, nested: { sex: id.endsWith('f') ? 'F' : 'M' } },
});

/**
 * What the projection runner needs of one generation of read models, beyond documents: a version kept
 * with each projection's checkpoint, and clearing one projection. Every adapter passes it, the in-memory
 * read models included. `open` answers fresh, empty read models with the collections of `contractSchema`.
 */
export function projectionStateContract(open: () => Promise<ReadModels>): void {
  it("keeps each projection's version with its checkpoint", async () => {
    const models = await open();
    expect(await models.projectionState('workers')).toBeUndefined();
    await models.commit('workers', [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 6)], 'p-1', 3);
    await models.commit('regions', [], 'p-2');
    expect(await models.projectionState('workers')).toEqual({ checkpoint: 'p-1', version: 3 });
    expect(await models.checkpoint('workers')).toBe('p-1');
    expect(await models.projectionState('regions')).toEqual({ checkpoint: 'p-2' });
    await models.commit('workers', [], 'p-3', 4);
    expect(await models.projectionState('workers')).toEqual({ checkpoint: 'p-3', version: 4 });
    expect(await models.projectionState('other')).toBeUndefined();
  });

  it('commits only from the checkpoint the batch started from (compare-and-set), else writes nothing', async () => {
    const models = await open();
    await models.commit('workers', [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 1)], 'p-1', 2, null);
    // A second writer that also started from "no checkpoint" loses and writes nothing.
    const late = models.commit(
      'workers',
      [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 99), worker('w9', '53.03', 'ACTIVE', '2025-07-07', 1)],
      'p-1',
      2,
      null,
    );
    await expect(late).rejects.toBeInstanceOf(ProjectionConflictError);
    expect(await models.get('workers', 'w1')).toMatchObject({ paidMonths: 1 });
    expect(await models.get('workers', 'w9')).toBeUndefined();
    await models.commit('workers', [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 2)], 'p-2', 2, { checkpoint: 'p-1', version: 2 });
    // Stale checkpoint, or the right checkpoint of another version: refused.
    await expect(
      models.commit('workers', [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 3)], 'p-3', 2, { checkpoint: 'p-1', version: 2 }),
    ).rejects.toBeInstanceOf(ProjectionConflictError);
    await expect(models.commit('workers', [], 'p-3', 2, { checkpoint: 'p-2', version: 1 })).rejects.toBeInstanceOf(ProjectionConflictError);
    await expect(models.commit('workers', [], 'p-3', 2, { checkpoint: 'p-2' })).rejects.toBeInstanceOf(ProjectionConflictError);
    expect(await models.projectionState('workers')).toEqual({ checkpoint: 'p-2', version: 2 });
    expect(await models.get('workers', 'w1')).toMatchObject({ paidMonths: 2 });
    // Without a version on either side.
    await models.commit('regions', [], 'p-5', undefined, null);
    await models.commit('regions', [], 'p-6', undefined, { checkpoint: 'p-5' });
    await expect(models.commit('regions', [], 'p-7', undefined, { checkpoint: 'p-5' })).rejects.toBeInstanceOf(ProjectionConflictError);
  });

  it('clears only from the expected state; a stale clear clears nothing', async () => {
    const models = await open();
    await models.commit('workers', [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 1)], 'p-1', 1, null);
    await expect(models.clear('workers', ['workers'], null)).rejects.toBeInstanceOf(ProjectionConflictError);
    await expect(models.clear('workers', ['workers'], { checkpoint: 'p-0', version: 1 })).rejects.toBeInstanceOf(ProjectionConflictError);
    expect(await models.get('workers', 'w1')).toBeDefined();
    expect(await models.projectionState('workers')).toEqual({ checkpoint: 'p-1', version: 1 });
    await models.clear('workers', ['workers'], { checkpoint: 'p-1', version: 1 });
    expect(await models.projectionState('workers')).toBeUndefined();
    expect(await models.get('workers', 'w1')).toBeUndefined();
    // Cleared, it may be cleared again from "no checkpoint", then committed from there once.
    await models.clear('workers', ['workers'], null);
    await models.commit('workers', [], 'p-1', 2, null);
    await expect(models.commit('workers', [], 'p-1', 2, null)).rejects.toBeInstanceOf(ProjectionConflictError);
  });

  it('clears one projection: its collections and its checkpoint, nothing else', async () => {
    const models = await open();
    await models.commit(
      'workers',
      [worker('w1', '53.03', 'ACTIVE', '2025-07-07', 6), worker('w2f', '53.01', 'ACTIVE', '2025-07-21', 2)],
      'p-1',
      1,
    );
    await models.commit('regions', [{ collection: 'regions', id: '53', doc: { id: '53', name: 'Nusa Tenggara Timur' } }], 'p-2', 2);
    await models.clear('workers', ['workers']);
    expect(await models.projectionState('workers')).toBeUndefined();
    expect((await models.find('workers')).total).toBe(0);
    expect(await models.get('workers', 'w1')).toBeUndefined();
    expect(await models.projectionState('regions')).toEqual({ checkpoint: 'p-2', version: 2 });
    expect(await models.get('regions', '53')).toEqual({ id: '53', name: 'Nusa Tenggara Timur' });

    // Cleared, it is written again from the start.
    await models.commit('workers', [worker('w3', '53.01', 'ACTIVE', '2025-08-01', 5)], 'p-1', 2);
    expect((await models.find('workers')).items.map((d) => d.id)).toEqual(['w3']);
    expect(await models.projectionState('workers')).toEqual({ checkpoint: 'p-1', version: 2 });

    // Clearing a checkpoint alone (no collections) leaves every document.
    await models.clear('regions', []);
    expect(await models.projectionState('regions')).toBeUndefined();
    expect(await models.get('regions', '53')).toBeDefined();
  });
}

/** The one contract every read store adapter passes. Each test opens a fresh, empty store. */
export function readStoreContract(name: string, open: () => Promise<ReadStore>): void {
  describe(`read store contract: ${name}`, () => {
    let store: ReadStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => store.close());

    async function seed() {
      const models = await store.active();
      await models.commit(
        'test',
        [
          worker('w1', '53.03', 'ACTIVE', '2025-07-07', 6),
          worker('w2f', '53.03', 'EXITED', '2025-07-21', 2),
          worker('w3', '53.01', 'ACTIVE', '2025-08-01', 5),
          worker('w4f', '53.03', 'ACTIVE', '2026-01-01', 0),
          { collection: 'regions', id: '53', doc: { id: '53', name: 'Nusa Tenggara Timur' } },
        ],
        'p-1',
      );
      return models;
    }

    it('stores documents by id and reads them back one by one and many at once', async () => {
      const models = await seed();
      expect(await models.get('regions', '53')).toEqual({ id: '53', name: 'Nusa Tenggara Timur' });
      expect(await models.get('regions', '52')).toBeUndefined();
      const many = await models.getMany('workers', ['w1', 'w3', 'nope']);
      expect([...many.keys()].sort()).toEqual(['w1', 'w3']);
      expect(many.get('w1')).toMatchObject({ regionCode: '53.03', paidMonths: 6, nested: { sex: 'M' } });
    });

    it('finds with equality, set and range filters, sorts, pages and counts', async () => {
      const models = await seed();
      const active = await models.find('workers', { filter: { regionCode: '53.03', status: 'ACTIVE' }, sort: [['enrolledOn', -1]] });
      expect(active.items.map((d) => d.id)).toEqual(['w4f', 'w1']);
      expect(active.total).toBe(2);
      const inSet = await models.find('workers', { filter: { status: { in: ['EXITED', 'LAPSED'] } } });
      expect(inSet.items.map((d) => d.id)).toEqual(['w2f']);
      const range = await models.find('workers', {
        filter: { enrolledOn: { gte: '2025-07-21', lt: '2026-01-01' } },
        sort: [['enrolledOn', 1]],
      });
      expect(range.items.map((d) => d.id)).toEqual(['w2f', 'w3']);
      const nested = await models.find('workers', { filter: { 'nested.sex': 'F' } });
      expect(nested.items.map((d) => d.id)).toEqual(['w2f', 'w4f']);
      const page2 = await models.find('workers', { sort: [['paidMonths', -1]], skip: 1, limit: 2 });
      expect(page2.items.map((d) => d.id)).toEqual(['w3', 'w2f']);
      expect(page2.total).toBe(4);
      const numeric = await models.find('workers', { filter: { paidMonths: { gt: 4 } } });
      expect(numeric.items.map((d) => d.id)).toEqual(['w1', 'w3']);
    });

    it('commits changes and the checkpoint together; a failure part-way writes nothing', async () => {
      const models = await seed();
      expect(await models.checkpoint('test')).toBe('p-1');
      await expect(
        models.commit(
          'test',
          [worker('w5', '53.03', 'ACTIVE', '2026-02-01', 0), { collection: 'noSuchCollection', id: 'x', doc: { id: 'x' } }],
          'p-2',
        ),
      ).rejects.toThrow();
      expect(await models.get('workers', 'w5')).toBeUndefined();
      expect(await models.checkpoint('test')).toBe('p-1');

      await models.commit(
        'test',
        [{ collection: 'workers', id: 'w1', doc: null }, worker('w3', '53.01', 'LAPSED', '2025-08-01', 5)],
        'p-2',
      );
      expect(await models.get('workers', 'w1')).toBeUndefined();
      expect(await models.get('workers', 'w3')).toMatchObject({ status: 'LAPSED' });
      expect(await models.checkpoint('test')).toBe('p-2');
      expect(await models.checkpoint('other')).toBeUndefined();
    });

    it('builds a fresh generation beside the active one and swaps it in atomically', async () => {
      const old = await seed();
      const fresh = await store.createGeneration();
      expect(fresh.generation).not.toBe(old.generation);
      expect((await fresh.find('workers')).total).toBe(0);
      await fresh.commit('test', [worker('n1', '52.71', 'ACTIVE', '2025-06-01', 1)], 'p-9');
      expect((await store.active()).generation).toBe(old.generation);
      expect(await (await store.active()).get('workers', 'n1')).toBeUndefined();
      await store.activate(fresh.generation);
      const now = await store.active();
      expect(now.generation).toBe(fresh.generation);
      expect((await now.find('workers')).items.map((d) => d.id)).toEqual(['n1']);
      expect(await now.checkpoint('test')).toBe('p-9');
    });

    describe('projection state', () => projectionStateContract(() => store.active()));

    it('keeps versions per generation, keeps them when a commit fails, and clears in one generation only', async () => {
      const old = await seed();
      await old.commit('test', [], 'p-2', 7);
      await expect(old.commit('test', [{ collection: 'noSuchCollection', id: 'x', doc: { id: 'x' } }], 'p-3', 8)).rejects.toThrow();
      expect(await old.projectionState('test')).toEqual({ checkpoint: 'p-2', version: 7 });
      const fresh = await store.createGeneration();
      expect(await fresh.projectionState('test')).toBeUndefined();
      await fresh.commit('test', [worker('n1', '52.71', 'ACTIVE', '2025-06-01', 1)], 'p-9', 1);
      await old.clear('test', ['workers']);
      expect((await old.find('workers')).total).toBe(0);
      expect(await fresh.get('workers', 'n1')).toBeDefined();
      expect(await fresh.projectionState('test')).toEqual({ checkpoint: 'p-9', version: 1 });
      await store.activate(fresh.generation);
      expect(await (await store.active()).projectionState('test')).toEqual({ checkpoint: 'p-9', version: 1 });
    });

    it('refuses to clear a collection it does not know', async () => {
      const models = await seed();
      await expect(models.clear('test', ['noSuchCollection'])).rejects.toThrow();
      expect(await models.checkpoint('test')).toBe('p-1');
    });

    it('keeps records outside the generations, one per namespace and id', async () => {
      await store.putRecord('idempotency', 'k1', { status: 201 });
      expect(await store.getRecord('idempotency', 'k1')).toEqual({ status: 201 });
      expect(await store.getRecord('jobs', 'k1')).toBeUndefined();
      await store.putRecord('jobs', 'j1', { state: 'running' });
      await store.putRecord('jobs', 'j1', { state: 'done' });
      expect(await store.getRecord('jobs', 'j1')).toEqual({ state: 'done' });
      const fresh = await store.createGeneration();
      await store.activate(fresh.generation);
      expect(await store.getRecord('idempotency', 'k1')).toEqual({ status: 201 });
    });

    it('refuses operator objects and odd names instead of passing them to the database', async () => {
      const models = await seed();
      await expect(models.find('workers', { filter: { regionCode: { in: [{ $gt: '' }] } } as never })).rejects.toThrow();
      await expect(models.find('workers', { filter: { $where: 'x' } as never })).rejects.toThrow();
      await expect(models.find('workers; DROP TABLE x', {})).rejects.toThrow();
    });
  });
}
