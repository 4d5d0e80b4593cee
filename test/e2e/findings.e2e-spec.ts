import { makeNik } from '@app/domain';
import { InMemoryReadModels, LEDGER_PROJECTIONS, ProjectionRunner, READ_STORE, ReadStore } from '@app/read-models';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { startApp, TestApp } from '../support/app';

/** `GET /api/v1/audit/findings` (api.md 1.1): every kind made over HTTP, each a fact of the ledger. */
describe('audit findings over HTTP', () => {
  let t: TestApp;
  const WORKER_MONTH = 16_800;
  const finance = () => t.as(['finance'], ['ID'], 'ana');
  const operator = () => t.as(['operator'], ['ID'], 'budi');
  const auditor = (regions = ['ID']) => t.as(['auditor'], regions, 'bpk');

  let ttu: string; // 53.03, target 10 workers from July: cost 10 × 16,800 × 6 = 1,008,000
  let province: string; // 53, no target
  let ntb: string; // 52.01, target 5 workers from January: cost 5 × 16,800 × 12 = 1,008,000
  let stayed: string;
  let left: string;
  let last = '';
  const positions: Record<string, string> = {};

  let serial = 700;
  async function allocate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({
        programName: 'Pekerja rentan',
        legalBasis: 'Perbup',
        fiscalYear: 2025,
        amount: 10_000_000,
        allocatedOn: '2025-07-01',
        ...body,
      })
      .expect(201);
    last = res.body.position;
    return res.body.allocationId;
  }
  async function enrol(allocationId: string): Promise<string> {
    const res = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik: makeNik('53.03.01', '1980-02-02', 'F', serial++),
        fullName: 'Maria',
        birthDate: '1980-02-02',
        sex: 'F',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
      })
      .expect(201);
    return res.body.workerId;
  }
  const streamEvents = async (stream: string) =>
    (await t.http.get(`/api/v1/audit/streams/${stream}`).set(auditor()).expect(200)).body.items as Array<{
      type: string;
      position: string;
      recordedAt: string;
      data: Record<string, unknown>;
    }>;
  const findings = (query: Record<string, string> = {}, headers = auditor()) =>
    t.http
      .get('/api/v1/audit/findings')
      .query({ consistentWith: last, ...query })
      .set(headers);

  beforeAll(async () => {
    t = await startApp();
    ttu = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', targetWorkers: 10 });
    province = await allocate({ regionCode: '53', fundingSource: 'APBD_PROVINSI' });
    ntb = await allocate({ regionCode: '52.01', fundingSource: 'APBD_KABUPATEN_KOTA', targetWorkers: 5, allocatedOn: '2025-01-15' });
    stayed = await enrol(ttu);
    left = await enrol(ttu);
    // August on time; September paid after its due date (2025-10-15): two late payments.
    await t.http
      .post('/api/v1/contributions')
      .set(operator())
      .send({ allocationId: ttu, period: '2025-08', paidOn: '2025-08-10' })
      .expect(201);
    await t.http
      .post('/api/v1/contributions')
      .set(operator())
      .send({ allocationId: ttu, period: '2025-09', paidOn: '2025-10-20' })
      .expect(201);
    // The province offers August for a worker TTU has already paid: refused, a double funding.
    const double = await t.http
      .post('/api/v1/contributions')
      .set(operator())
      .send({ allocationId: province, period: '2025-08', paidOn: '2025-08-12', workerIds: [stayed] })
      .expect(201);
    expect(double.body.skipped).toEqual([expect.objectContaining({ workerId: stayed, reason: 'DOUBLE_FUNDING' })]);
    // An exit recorded late: September, paid after the exit month, is refunded.
    await t.http.post(`/api/v1/workers/${left}/exit`).set(operator()).send({ reason: 'MOVED', effectiveDate: '2025-08-20' }).expect(200);
    // Revisions: TTU and NTB below their targets' cost; the province (no target) up.
    const revTtu = await t.http
      .post(`/api/v1/allocations/${ttu}/revisions`)
      .set(finance())
      .send({ amount: 500_000, reason: 'APBD Perubahan', legalBasis: 'Perda 5/2025', revisedOn: '2025-09-30' })
      .expect(200);
    positions.revTtu = revTtu.body.position;
    await t.http
      .post(`/api/v1/allocations/${province}/revisions`)
      .set(finance())
      .send({ amount: 12_000_000, reason: 'APBD Perubahan', legalBasis: 'Perda 6/2025', revisedOn: '2025-09-30' })
      .expect(200);
    const revNtb = await t.http
      .post(`/api/v1/allocations/${ntb}/revisions`)
      .set(finance())
      .send({ amount: 900_000, reason: 'APBD Perubahan', legalBasis: 'Perda 7/2025', revisedOn: '2025-09-30' })
      .expect(200);
    positions.revNtb = revNtb.body.position;
    last = revNtb.body.position;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every kind with its region, amount and the position of the event recording it, in ledger order', async () => {
    const res = await findings().expect(200);
    const provinceEvents = await streamEvents(`allocation-${province}`);
    const refused = provinceEvents.find((e) => e.type === 'DoubleFundingRefused')!;
    const stayedEvents = await streamEvents(`worker-${stayed}`);
    const leftEvents = await streamEvents(`worker-${left}`);
    const late = (events: typeof stayedEvents) => events.find((e) => e.type === 'ContributionPaid' && e.data.period === '2025-09')!;
    const refund = leftEvents.find((e) => e.type === 'ContributionRefunded')!;

    const expected = [
      {
        kind: 'LATE_PAYMENT',
        regionCode: '53.03.01.2005',
        fiscalYear: 2025,
        allocationId: ttu,
        workerId: stayed,
        period: '2025-09',
        amount: WORKER_MONTH,
        position: late(stayedEvents).position,
        recordedAt: late(stayedEvents).recordedAt,
      },
      {
        kind: 'LATE_PAYMENT',
        regionCode: '53.03.01.2005',
        fiscalYear: 2025,
        allocationId: ttu,
        workerId: left,
        period: '2025-09',
        amount: WORKER_MONTH,
        position: late(leftEvents).position,
      },
      {
        kind: 'DOUBLE_FUNDING',
        regionCode: '53',
        fiscalYear: 2025,
        allocationId: province,
        workerId: stayed,
        period: '2025-08',
        position: refused.position,
        recordedAt: refused.recordedAt,
        paidBy: ttu,
      },
      {
        kind: 'PAID_AFTER_EXIT',
        regionCode: '53.03.01.2005',
        fiscalYear: 2025,
        allocationId: ttu,
        workerId: left,
        period: '2025-09',
        amount: WORKER_MONTH,
        position: refund.position,
      },
      {
        kind: 'REVISED_BELOW_TARGET',
        regionCode: '53.03',
        fiscalYear: 2025,
        allocationId: ttu,
        amount: 1_008_000 - 500_000,
        position: positions.revTtu,
      },
      {
        kind: 'REVISED_BELOW_TARGET',
        regionCode: '52.01',
        fiscalYear: 2025,
        allocationId: ntb,
        amount: 1_008_000 - 900_000,
        position: positions.revNtb,
      },
    ];
    expect(res.body.items).toHaveLength(expected.length);
    const byPosition = [...res.body.items].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    expect(res.body.items).toEqual(byPosition);
    for (const e of expected) expect(res.body.items).toContainEqual(expect.objectContaining(e));
    // Late payments are found in one batch: the two workers' events, in ledger order.
    expect(res.body.items.map((i: { kind: string }) => i.kind)).toEqual([
      'LATE_PAYMENT',
      'LATE_PAYMENT',
      'DOUBLE_FUNDING',
      'PAID_AFTER_EXIT',
      'REVISED_BELOW_TARGET',
      'REVISED_BELOW_TARGET',
    ]);
    expect(res.body.items.find((i: { kind: string }) => i.kind === 'DOUBLE_FUNDING').amount).toBeUndefined();
    expect(res.body.items.find((i: { kind: string }) => i.kind === 'LATE_PAYMENT').detail).toBe(
      'contribution for 2025-09 paid on 2025-10-20, due on 2025-10-15 (5 days late)',
    );
    expect(
      res.body.items.find((i: { allocationId: string; kind: string }) => i.kind === 'REVISED_BELOW_TARGET' && i.allocationId === ttu)
        .detail,
    ).toContain('short by Rp508,000');
    expect(res.body.totals).toEqual({
      DOUBLE_FUNDING: { count: 1, amount: 0 },
      PAID_AFTER_EXIT: { count: 1, amount: WORKER_MONTH },
      LATE_PAYMENT: { count: 2, amount: 2 * WORKER_MONTH },
      REVISED_BELOW_TARGET: { count: 2, amount: 508_000 + 108_000 },
      DUPLICATE_CLAIM_REFUSED: { count: 0, amount: 0 },
    });
    expect(res.body).toMatchObject({ regionCode: 'ID', fiscalYear: null, kind: null, page: 1, pageSize: 50, total: 6 });
  });

  it('filters by region (descendants included), fiscal year and kind, and pages', async () => {
    const ttuOnly = await findings({ regionCode: '53.03' }).expect(200);
    expect(ttuOnly.body.items.map((i: { kind: string }) => i.kind)).toEqual([
      'LATE_PAYMENT',
      'LATE_PAYMENT',
      'PAID_AFTER_EXIT',
      'REVISED_BELOW_TARGET',
    ]);
    expect(ttuOnly.body.totals.DOUBLE_FUNDING).toEqual({ count: 0, amount: 0 });
    const ntt = await findings({ regionCode: '53' }).expect(200);
    expect(ntt.body.total).toBe(5);
    expect(ntt.body.items.every((i: { regionCode: string }) => i.regionCode.startsWith('53'))).toBe(true);
    const ntbOnly = await findings({ regionCode: '52' }).expect(200);
    expect(ntbOnly.body.items).toEqual([expect.objectContaining({ kind: 'REVISED_BELOW_TARGET', allocationId: ntb })]);
    const late = await findings({ kind: 'LATE_PAYMENT', fiscalYear: '2025' }).expect(200);
    expect(late.body.items).toHaveLength(2);
    expect(late.body.totals.LATE_PAYMENT).toEqual({ count: 2, amount: 2 * WORKER_MONTH });
    expect(late.body.totals.REVISED_BELOW_TARGET).toEqual({ count: 0, amount: 0 });
    const none = await findings({ fiscalYear: '2026' }).expect(200);
    expect(none.body.items).toEqual([]);
    expect(none.body.totals.LATE_PAYMENT).toEqual({ count: 0, amount: 0 });
    const page2 = await findings({ page: '2', pageSize: '2' }).expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 6 });
    expect(page2.body.items.map((i: { kind: string }) => i.kind)).toEqual(['DOUBLE_FUNDING', 'PAID_AFTER_EXIT']);
    expect(page2.body.totals.REVISED_BELOW_TARGET.count).toBe(2);
  });

  it('scopes an auditor to their regions: their own by default, another region answers 404', async () => {
    const scoped = await findings({}, auditor(['53.03'])).expect(200);
    expect(scoped.body.regionCode).toBe('53.03');
    expect(scoped.body.total).toBe(4);
    const other = await findings({ regionCode: '52' }, auditor(['53'])).expect(404);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    await findings({ regionCode: '53' }, auditor(['53.03'])).expect(404);
    await findings({}, auditor(['53.03', '52.01'])).expect(400);
  });

  it('is for auditors only (403 for every other role, 401 without a token) and refuses bad filters (400)', async () => {
    for (const role of ['analyst', 'operator', 'finance', 'oversight', 'admin'] as const) await findings({}, t.as([role])).expect(403);
    await t.http.get('/api/v1/audit/findings').expect(401);
    const bad = await findings({ kind: 'FRAUD', fiscalYear: '25', regionCode: '99.99' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['fiscalYear', 'kind', 'regionCode']);
    await findings({ nonsense: '1' }).expect(400);
    await findings({ pageSize: '501' }).expect(400);
  });

  it('replays: the findings read model equals an in-memory replay of the ledger, document by document', async () => {
    await findings().expect(200);
    const events = t.app.get<EventStore>(EVENT_STORE);
    const memory = new InMemoryReadModels();
    await new ProjectionRunner(events, async () => memory, LEDGER_PROJECTIONS).catchUp();
    const live = await t.app.get<ReadStore>(READ_STORE).active();
    for (const collection of ['findings', 'findingAllocations']) {
      const [a, b] = await Promise.all([live.find(collection), memory.find(collection)]);
      expect(a.items.length).toBeGreaterThan(0);
      expect(a.items).toEqual(b.items);
    }
  });
});
