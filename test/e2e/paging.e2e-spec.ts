import { PeopleFactory, villagesOf } from '../../apps/cli/src/demo/people';
import { startApp, TestApp } from '../support/app';

interface WorkerItem {
  workerId: string;
  regionCode: string;
  enrolledOn: string;
  status: string;
}
interface WorkersAnswer {
  items: WorkerItem[];
  page: number;
  pageSize: number;
  total: number;
  nextCursor: string | null;
}

/**
 * GET /api/v1/workers pages by number and by keyset cursor (issue 10 item 8): every page, deep ones
 * included, is the same slice of the full listing, the cursor chain gives the same pages, totals match
 * the listing for every region and status, and a cursor never widens the caller's region.
 */
describe('workers list: deep pages, keyset cursors, totals, region scope', () => {
  let t: TestApp;
  const country = () => t.as(['operator', 'finance'], ['ID'], 'ops-id');
  const people = new PeopleFactory();
  const ttu = villagesOf('53.03').slice(0, 4);
  const kupang = villagesOf('53.01').slice(0, 2);
  const dates = ['2025-07-07', '2025-07-21', '2025-08-04'];
  let last = '';

  beforeAll(async () => {
    t = await startApp({ COMMAND_RATE_LIMIT: '1000' });
    const allocate = async (regionCode: string) =>
      (
        await t.http
          .post('/api/v1/allocations')
          .set(country())
          .send({
            regionCode,
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            amount: 1_000 * 16_800,
            programName: 'p',
            legalBasis: 'l',
            allocatedOn: '2025-07-01',
          })
          .expect(201)
      ).body.allocationId as string;
    const allocations = { '53.03': await allocate('53.03'), '53.01': await allocate('53.01') };
    const ids: string[] = [];
    for (let i = 0; i < 36; i++) {
      const village = i % 3 === 2 ? kupang[i % kupang.length] : ttu[i % ttu.length];
      const allocationId = village.startsWith('53.03') ? allocations['53.03'] : allocations['53.01'];
      const { body } = await t.http
        .post('/api/v1/workers')
        .set(country())
        .send({ ...people.person(village), allocationId, enrolledOn: dates[i % dates.length] })
        .expect(201);
      ids.push(body.workerId);
      last = body.position;
    }
    for (const workerId of ids.filter((_, i) => i % 5 === 0)) {
      const { body } = await t.http
        .post(`/api/v1/workers/${workerId}/exit`)
        .set(country())
        .send({ reason: 'MOVED', effectiveDate: '2025-09-01' })
        .expect(200);
      last = body.position;
    }
  }, 180_000);
  afterAll(() => t?.close());

  const list = async (query: string, who = country()) =>
    (await t.http.get(`/api/v1/workers?consistentWith=${last}&${query}`).set(who).expect(200)).body as WorkersAnswer;

  it.each([
    ['the country', ''],
    ['a province', 'regionCode=53'],
    ['a regency', 'regionCode=53.03'],
    ['a regency, EXITED', 'regionCode=53.03&status=EXITED'],
    ['another regency, ACTIVE', 'regionCode=53.01&status=ACTIVE'],
    ['another regency, LAPSED', 'regionCode=53.01&status=LAPSED'],
  ])('%s: every page by number and by cursor is the slice of the full listing, with its total', async (_what, filter) => {
    const full = await list(`${filter}&pageSize=500`);
    expect(full.total).toBe(full.items.length);
    expect(full.nextCursor).toBeNull();
    const order = [...full.items].sort((a, b) =>
      a.regionCode !== b.regionCode
        ? a.regionCode < b.regionCode
          ? -1
          : 1
        : a.enrolledOn !== b.enrolledOn
          ? a.enrolledOn < b.enrolledOn
            ? -1
            : 1
          : a.workerId < b.workerId
            ? -1
            : 1,
    );
    expect(full.items.map((w) => w.workerId)).toEqual(order.map((w) => w.workerId));

    const pageSize = 4;
    const pages = Math.max(1, Math.ceil(full.total / pageSize));
    let cursor: string | null = null;
    for (let page = 1; page <= pages; page++) {
      const slice = full.items.slice((page - 1) * pageSize, page * pageSize).map((w) => w.workerId);
      const byNumber = await list(`${filter}&pageSize=${pageSize}&page=${page}`);
      expect(byNumber.items.map((w) => w.workerId)).toEqual(slice);
      expect([byNumber.page, byNumber.total]).toEqual([page, full.total]);
      if (page > 1) {
        expect(cursor).toEqual(expect.any(String));
        const byCursor = await list(`${filter}&pageSize=${pageSize}&cursor=${cursor}`);
        expect(byCursor.items.map((w) => w.workerId)).toEqual(slice);
        expect([byCursor.page, byCursor.total]).toEqual([page, full.total]);
        expect(byCursor.nextCursor).toEqual(byNumber.nextCursor);
      }
      cursor = byNumber.nextCursor;
    }
    expect(cursor).toBeNull();
  });

  it('totals add up across regions and statuses', async () => {
    const total = async (query: string) => (await list(`${query}&pageSize=1`)).total;
    const all = await total('');
    expect(all).toBe(36);
    expect((await total('regionCode=53.03')) + (await total('regionCode=53.01'))).toBe(all);
    expect((await total('status=ACTIVE')) + (await total('status=LAPSED')) + (await total('status=EXITED'))).toBe(all);
    expect(await total('status=EXITED')).toBe(8);
    expect(await total('regionCode=53.71')).toBe(0);
  });

  it("a cursor from another region's listing never shows the caller anything outside their region", async () => {
    const countryPage = await list('pageSize=3');
    const kupangOperator = t.as(['operator'], ['53.01'], 'ops-53-01');
    const own = await list('pageSize=500', kupangOperator);
    expect(own.items.every((w) => w.regionCode.startsWith('53.01.'))).toBe(true);
    const continued = await list(`pageSize=500&cursor=${countryPage.nextCursor}`, kupangOperator);
    expect(continued.items.every((w) => w.regionCode.startsWith('53.01.'))).toBe(true);
    expect(continued.total).toBe(own.total);
  });

  it('answers 400 to a cursor it did not make', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"p":1,"k":[]}').toString('base64url'), 'a'.repeat(401), '%7B%7D']) {
      const { body } = await t.http.get(`/api/v1/workers?cursor=${cursor}`).set(country()).expect(400);
      expect(JSON.stringify(body)).toMatch(/cursor/);
    }
  });
});
