import type { KeyStore } from './key-store.port';

/** The contract every key store adapter passes (embedded SQLite; MongoDB when MONGO_URL is set). */
export function keyStoreContract(name: string, open: () => Promise<KeyStore>): void {
  describe(`key store contract: ${name}`, () => {
    let store: KeyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => store.close());

    it('starts empty', async () => {
      expect(await store.get('w1')).toBeUndefined();
      expect(await store.countActive()).toBe(0);
      expect(await store.accessLog({ limit: 10 })).toEqual([]);
    });

    it('keeps the first key of a kid; a destroyed key leaves a tombstone that no key replaces', async () => {
      expect(await store.putIfAbsent('w1', 'v1.a.b.c')).toEqual({ state: 'active', wrapped: 'v1.a.b.c' });
      expect(await store.putIfAbsent('w1', 'v1.other')).toEqual({ state: 'active', wrapped: 'v1.a.b.c' });
      await store.putIfAbsent('w2', 'v1.d.e.f');
      expect(await store.countActive()).toBe(2);
      await store.destroy('w1', '2026-11-23T01:00:00.000Z');
      await store.destroy('w1', '2026-11-24T01:00:00.000Z');
      await store.destroy('w3', '2026-11-23T02:00:00.000Z');
      expect(await store.get('w1')).toEqual({ state: 'erased', erasedAt: '2026-11-23T01:00:00.000Z' });
      expect(await store.putIfAbsent('w1', 'v1.new')).toEqual({ state: 'erased', erasedAt: '2026-11-23T01:00:00.000Z' });
      expect(await store.putIfAbsent('w3', 'v1.new')).toEqual({ state: 'erased', erasedAt: '2026-11-23T02:00:00.000Z' });
      expect(await store.countActive()).toBe(1);
      const many = await store.getMany(['w1', 'w2', 'w4', 'w2']);
      expect([...many.keys()].sort()).toEqual(['w1', 'w2']);
      expect(many.get('w2')).toEqual({ state: 'active', wrapped: 'v1.d.e.f' });
    });

    it('answers concurrent writes each with what is stored: the first key of a kid wins, every entry is kept', async () => {
      const kids = Array.from({ length: 100 }, (_, i) => `c${i}`);
      const [puts, again, logged] = await Promise.all([
        Promise.all(kids.map((kid) => store.putIfAbsent(kid, `v1.${kid}.first`))),
        Promise.all(kids.map((kid) => store.putIfAbsent(kid, `v1.${kid}.second`))),
        Promise.all(
          kids.map((kid, i) =>
            store.appendAccess({
              id: `e${i}`,
              at: `2026-11-23T01:00:${String(i % 60).padStart(2, '0')}.000Z`,
              userId: 'ana',
              role: 'operator',
              action: 'READ',
              workerId: kid,
              regionCode: '53.03',
              fields: ['fullName'],
            }),
          ),
        ),
      ]);
      expect(puts).toEqual(kids.map((kid) => ({ state: 'active', wrapped: `v1.${kid}.first` })));
      expect(again).toEqual(puts);
      expect(logged).toHaveLength(100);
      expect(await store.countActive()).toBe(100);
      expect((await store.accessLog({ limit: 1000 })).length).toBe(100);
      const many = await store.getMany(kids);
      expect(kids.every((kid) => many.get(kid)?.state === 'active')).toBe(true);
    });

    it('keeps the access log in time order, filtered by worker, user and time, once per entry id', async () => {
      const entry = (id: string, at: string, userId: string, workerId: string | null) => ({
        id,
        at,
        userId,
        role: 'operator',
        action: workerId ? ('READ' as const) : ('SEARCH_NIK' as const),
        workerId,
        regionCode: workerId ? '53.03' : null,
        fields: workerId ? ['fullName', 'birthDate'] : [],
      });
      await store.appendAccess(entry('b', '2026-11-23T02:00:00.000Z', 'ana', 'w1'));
      await store.appendAccess(entry('a', '2026-11-23T01:00:00.000Z', 'budi', 'w2'));
      await store.appendAccess(entry('c', '2026-11-23T03:00:00.000Z', 'ana', null));
      await store.appendAccess({ ...entry('a', '2026-11-23T09:00:00.000Z', 'budi', 'w2'), requestId: 'again' });
      expect((await store.accessLog({ limit: 10 })).map((e) => e.id)).toEqual(['a', 'b', 'c']);
      expect(await store.accessLog({ workerId: 'w1', limit: 10 })).toEqual([entry('b', '2026-11-23T02:00:00.000Z', 'ana', 'w1')]);
      expect((await store.accessLog({ userId: 'ana', limit: 10 })).map((e) => e.id)).toEqual(['b', 'c']);
      expect(
        (await store.accessLog({ from: '2026-11-23T01:30:00.000Z', to: '2026-11-23T02:30:00.000Z', limit: 10 })).map((e) => e.id),
      ).toEqual(['b']);
      expect((await store.accessLog({ limit: 1 })).map((e) => e.id)).toEqual(['a']);
    });
  });
}
