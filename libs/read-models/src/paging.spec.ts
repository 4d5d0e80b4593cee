import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InMemoryReadModels } from './in-memory-read-models';
import { toMongoKeyset } from './mongo-filter';
import { READ_MODEL_SCHEMA } from './projections';
import { Doc, Filter, FindQuery, keysetOf, ReadModels } from './read-store.port';
import { SqliteReadStore } from './sqlite-read-store';

/** Workers in a few regions, many sharing an enrolment date (ties broken by id), of every status. */
function workers(n: number): Doc[] {
  const regions = ['52.03.01.2001', '53', '53.01.04.2003', '53.03', '53.03.01.2005', '53.03.01.2006', '53.03.02.2001', '53.71.01.1001'];
  return Array.from({ length: n }, (_, i) => ({
    id: `w-${String((i * 7919) % 100_003).padStart(6, '0')}`,
    workerId: `w-${i}`,
    regionCode: regions[(i * 31) % regions.length],
    enrolledOn: `2025-0${1 + ((i * 13) % 9)}-0${1 + (i % 3)}`,
    status: i % 5 === 0 ? 'EXITED' : 'ACTIVE',
    lapsesFrom: i % 4 === 0 ? '2025-10' : '9999-12',
    allocationId: i % 2 ? 'a-1' : 'a-2',
    ...(i % 7 ? { amount: (i % 11) * 16_800 } : {}),
  }));
}

const ORDER: FindQuery['sort'] = [
  ['regionCode', 1],
  ['enrolledOn', 1],
];
const region = (code: string): Filter => ({ regionCode: { gte: code, lt: `${code}~` } });
const FILTERS: Array<[string, Filter]> = [
  ['everything', {}],
  ['a province', region('53')],
  ['a regency', region('53.03')],
  ['a regency, ACTIVE', { ...region('53.03'), status: 'ACTIVE', lapsesFrom: { gt: '2025-11' } }],
  ['a regency, LAPSED', { ...region('53.03'), status: 'ACTIVE', lapsesFrom: { lte: '2025-11' } }],
  ['a regency, EXITED', { ...region('53.03'), status: 'EXITED' }],
  ['an allocation in a regency', { ...region('53.03'), allocationId: 'a-1' }],
  ['another province', region('52')],
  ['a region without workers', region('51')],
];

describe.each([
  ['SQLite', 'sqlite'],
  ['in memory', 'memory'],
] as const)('list paging (%s): deep pages and keyset continuations are slices of the full listing', (_name, kind) => {
  let dir: string;
  let store: SqliteReadStore | undefined;
  let models: ReadModels;
  const docs = workers(1_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-paging-'));
    if (kind === 'sqlite') {
      store = new SqliteReadStore(join(dir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
      models = await store.active();
    } else {
      models = new InMemoryReadModels();
    }
    await models.commit(
      'workers',
      docs.map((doc) => ({ collection: 'workers', id: doc.id, doc })),
      'p-1',
    );
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(FILTERS)('%s: the same order, the same totals, every page by number and by keyset', async (_what, filter) => {
    const full = await models.find('workers', { filter, sort: ORDER });
    const expected = docs
      .filter((d) => (filter.regionCode ? String(d.regionCode).startsWith(String((filter.regionCode as { gte: string }).gte)) : true))
      .filter((d) => (filter.status === undefined ? true : d.status === filter.status))
      .filter((d) => (filter.allocationId === undefined ? true : d.allocationId === filter.allocationId))
      .filter((d) => {
        const l = filter.lapsesFrom as { gt?: string; lte?: string } | undefined;
        return !l || (l.gt !== undefined ? String(d.lapsesFrom) > l.gt : String(d.lapsesFrom) <= l.lte!);
      })
      .sort((a, b) => {
        for (const f of ['regionCode', 'enrolledOn', 'id']) if (a[f] !== b[f]) return String(a[f]) < String(b[f]) ? -1 : 1;
        return 0;
      });
    expect(full.items.map((d) => d.id)).toEqual(expected.map((d) => d.id));
    expect(full.total).toBe(expected.length);

    const pageSize = 37;
    let after: ReturnType<typeof keysetOf>;
    for (let page = 1; (page - 1) * pageSize < Math.max(1, expected.length); page++) {
      const slice = full.items.slice((page - 1) * pageSize, page * pageSize).map((d) => d.id);
      const byNumber = await models.find('workers', { filter, sort: ORDER, skip: (page - 1) * pageSize, limit: pageSize });
      expect(byNumber.items.map((d) => d.id)).toEqual(slice);
      expect(byNumber.total).toBe(expected.length);
      const byKeyset = await models.find('workers', { filter, sort: ORDER, ...(after ? { after } : {}), limit: pageSize });
      expect(byKeyset.items.map((d) => d.id)).toEqual(slice);
      expect(byKeyset.total).toBe(expected.length);
      const last = byKeyset.items[byKeyset.items.length - 1];
      after = last && keysetOf(last, ORDER);
    }
  });

  it('groups: count and sum per key over every matching document, whatever the page', async () => {
    const filter = region('53');
    const page = await models.find('workers', {
      filter,
      sort: ORDER,
      skip: 40,
      limit: 5,
      group: { by: ['status', 'allocationId'], sum: 'amount' },
    });
    const expected = new Map<string, { count: number; sum: number }>();
    for (const d of docs.filter((d) => String(d.regionCode).startsWith('53'))) {
      const key = JSON.stringify([d.status, d.allocationId]);
      const g = expected.get(key) ?? { count: 0, sum: 0 };
      g.count++;
      g.sum += (d.amount as number | undefined) ?? 0;
      expected.set(key, g);
    }
    const got = new Map((page.groups ?? []).map((g) => [JSON.stringify(g.key), { count: g.count, sum: g.sum }]));
    expect(got).toEqual(expected);
    expect(page.items).toHaveLength(5);
    const none = await models.find('workers', { filter: region('51'), limit: 0, group: { by: ['status'], sum: 'amount' } });
    expect([none.items, none.total, none.groups]).toEqual([[], 0, []]);
    const counted = await models.find('workers', { filter, limit: 0, group: { by: ['kind'] } });
    expect(counted.groups).toEqual([{ key: [null], count: counted.total, sum: 0 }]);
  });

  it('a keyset with a descending key continues in that order (ties by id ascending)', async () => {
    const sort: FindQuery['sort'] = [['enrolledOn', -1]];
    const full = (await models.find('workers', { filter: region('53'), sort })).items.map((d) => d.id);
    const middle = (await models.find('workers', { filter: region('53'), sort, skip: 100, limit: 1 })).items[0];
    const rest = await models.find('workers', { filter: region('53'), sort, after: keysetOf(middle, sort), limit: 50 });
    expect(rest.items.map((d) => d.id)).toEqual(full.slice(101, 151));
  });

  it('a keyset must name every sort key and the id, without null', async () => {
    await expect(models.find('workers', { sort: ORDER, after: ['53'] })).rejects.toThrow(/after/);
    await expect(models.find('workers', { sort: ORDER, after: ['53', null, 'w-1'] })).rejects.toThrow(/after/);
    await expect(models.find('workers', { sort: ORDER, after: ['53', { $gt: '' } as never, 'w-1'] })).rejects.toThrow();
  });

  it('totals follow every write (a commit of this store, and another connection to the same file)', async () => {
    const filter = region('53.03');
    const before = (await models.find('workers', { filter, limit: 1 })).total;
    const extra = { id: 'w-extra', regionCode: '53.03.01.2005', enrolledOn: '2025-01-01', status: 'ACTIVE', lapsesFrom: '9999-12' };
    await models.commit('workers', [{ collection: 'workers', id: extra.id, doc: extra }], 'p-2');
    expect((await models.find('workers', { filter, limit: 1 })).total).toBe(before + 1);
    await models.commit('workers', [{ collection: 'workers', id: extra.id, doc: { ...extra, regionCode: '52.03' } }], 'p-3');
    expect((await models.find('workers', { filter, limit: 1 })).total).toBe(before);
    expect((await models.find('workers', { filter: { ...filter, status: 'EXITED' }, limit: 1 })).total).toBe(
      docs.filter((d) => String(d.regionCode).startsWith('53.03') && d.status === 'EXITED').length,
    );
    if (kind === 'sqlite') {
      const other = new SqliteReadStore(join(dir, 'read-models.sqlite'), READ_MODEL_SCHEMA);
      await (await other.active()).commit('workers', [{ collection: 'workers', id: extra.id, doc: extra }], 'p-4');
      await other.close();
      expect((await models.find('workers', { filter, limit: 1 })).total).toBe(before + 1);
    }
  });
});

describe('SQLite indexes of the list queries', () => {
  it('the workers list walks an index in its order (no sort of the region), counts from an index, and renames changed indexes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-plan-'));
    const file = join(dir, 'read-models.sqlite');
    try {
      // An index of the older naming (by position) is dropped when the store opens.
      const old = new Database(file);
      old.exec(`CREATE TABLE rm_g1_workers (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
        CREATE INDEX rm_g1_workers_i0 ON rm_g1_workers (json_extract(doc, '$.regionCode'), json_extract(doc, '$.status'));`);
      old.close();
      const store = new SqliteReadStore(file, READ_MODEL_SCHEMA);
      await store.close();
      const db = new Database(file, { readonly: true });
      const indexes = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_g1_workers'")
        .all()
        .map((i) => i.name);
      expect(indexes).not.toContain('rm_g1_workers_i0');
      const path = (f: string) => `json_extract(doc, '$.${f}')`;
      const plan = (sql: string) =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((r) => (r as { detail: string }).detail)
          .join('\n');
      const region = `${path('regionCode')} >= '53.03' AND ${path('regionCode')} < '53.03~'`;
      const order = `ORDER BY ${path('regionCode')} ASC, ${path('enrolledOn')} ASC, id ASC`;
      for (const where of [region, `${region} AND ${path('status')} = 'ACTIVE' AND ${path('lapsesFrom')} > '2025-11'`]) {
        const page = plan(`SELECT doc FROM rm_g1_workers WHERE ${where} ${order} LIMIT 50 OFFSET 500`);
        expect(page).toMatch(/USING INDEX rm_g1_workers_x_(status__)?regionCode__enrolledOn__id/);
        expect(page).not.toMatch(/TEMP B-TREE/);
        expect(plan(`SELECT COUNT(*) AS n FROM rm_g1_workers WHERE ${where}`)).toMatch(/USING COVERING INDEX/);
      }
      // A keyset page: the store leaves out the region's lower bound, which the keyset implies, and bounds
      // the first key by the keyset's, so the index is entered there, not walked from the region's start.
      const keyset = plan(
        `SELECT doc FROM rm_g1_workers WHERE ${path('regionCode')} < '53.03~' AND ${path('regionCode')} >= '53.03.01' AND (${path('regionCode')}, ${path('enrolledOn')}, id) > ('53.03.01', '2025-07-07', 'w') ${order} LIMIT 50`,
      );
      expect(keyset).not.toMatch(/TEMP B-TREE/);
      expect(keyset).toMatch(/SEARCH rm_g1_workers USING INDEX rm_g1_workers_x_regionCode__enrolledOn__id\S* \(<expr>>\? AND <expr><\?\)/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MongoDB keyset filter', () => {
  it('is "after the keyset" in the sort order, bounded on the first key', () => {
    expect(toMongoKeyset(['53.03', '2025-07-07', 'w-9'], ORDER)).toEqual({
      $and: [
        { regionCode: { $gte: '53.03' } },
        {
          $or: [
            { regionCode: { $gt: '53.03' } },
            { regionCode: { $eq: '53.03' }, enrolledOn: { $gt: '2025-07-07' } },
            { regionCode: { $eq: '53.03' }, enrolledOn: { $eq: '2025-07-07' }, id: { $gt: 'w-9' } },
          ],
        },
      ],
    });
    expect(toMongoKeyset(['2025-07-07', 'w-9'], [['incidentDate', -1]])).toEqual({
      $and: [
        { incidentDate: { $lte: '2025-07-07' } },
        { $or: [{ incidentDate: { $lt: '2025-07-07' } }, { incidentDate: { $eq: '2025-07-07' }, id: { $gt: 'w-9' } }] },
      ],
    });
    expect(() => toMongoKeyset(['53.03', { $where: '1' }, 'w'], ORDER)).toThrow();
  });
});
