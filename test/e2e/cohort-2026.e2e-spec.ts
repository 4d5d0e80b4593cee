import { makeNik } from '@app/domain';
import { startApp, TestApp } from '../support/app';

/**
 * Issue 7, "Done when": NTT's 2026 cohort paid over HTTP. A 2025 provincial allocation pays its workers
 * through December 2025; a 2026 allocation takes over the workers who continue by a sponsorship
 * transfer (rule 13), and its default monthly batch pays exactly them; the 2025 budget pays no 2026
 * period, and pays December 2025 only in 2025 (the 2026 budget may pay it in January 2026).
 */
describe('NTT 2026 cohort: a new fiscal year takes over by a sponsorship transfer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t.close());

  const WORKER_MONTH = 16_800;
  const finance = () => t.as(['finance'], ['53'], 'keuangan-ntt');
  const operator = () => t.as(['operator'], ['53'], 'disnaker-ntt');
  const analyst = () => t.as(['analyst'], ['53']);

  async function allocate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({ programName: 'Perlindungan Jaminan Sosial Pekerja Rentan', legalBasis: 'Peraturan Gubernur NTT', ...body })
      .expect(201);
    return res.body.allocationId;
  }

  let serial = 100;
  async function enrol(allocationId: string, regionCode: string, enrolledOn: string): Promise<string> {
    const sex = serial % 2 ? 'M' : 'F';
    const district = regionCode.split('.').slice(0, 3).join('.');
    const res = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik: makeNik(district, '1982-04-11', sex, serial++),
        fullName: 'Yohanes Nau',
        birthDate: '1982-04-11',
        sex,
        regionCode,
        occupation: 'PETANI',
        allocationId,
        enrolledOn,
      })
      .expect(201);
    return res.body.workerId;
  }

  const pay = (body: Record<string, unknown>) => t.http.post('/api/v1/contributions').set(operator()).send(body);
  const transfer = (allocationId: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v1/allocations/${allocationId}/sponsorships`).set(finance()).send(body);
  const read = (path: string, position: string, query: Record<string, string> = {}) =>
    t.http
      .get(path)
      .query({ ...query, consistentWith: position })
      .set(analyst());
  const ids = (res: { body: { skipped: Array<{ workerId: string }> } }) => res.body.skipped.map((s) => s.workerId).sort();

  it('pays 2025 from the 2025 budget, moves 5 of 8 workers to 2026, and the 2026 default batch pays exactly those 5', async () => {
    const ntt2025 = await allocate({
      regionCode: '53',
      fundingSource: 'APBD_PROVINSI',
      fiscalYear: 2025,
      amount: 100 * WORKER_MONTH,
      targetWorkers: 8,
      allocatedOn: '2025-07-01',
    });
    const villages = ['53.03.01.2005', '53.03.02.2001', '53.01.04.2003', '53.01.04.2005'];
    const workers: string[] = [];
    for (let i = 0; i < 8; i++) workers.push(await enrol(ntt2025, villages[i % villages.length], '2025-07-21'));

    // 2025: July to December, each month's default batch paid in its own month from the 2025 budget.
    for (const month of ['07', '08', '09', '10', '11', '12']) {
      const batch = await pay({ allocationId: ntt2025, period: `2025-${month}`, paidOn: `2025-${month}-25` }).expect(201);
      expect(batch.body).toMatchObject({ workerCount: 8, amount: 8 * WORKER_MONTH, skipped: [] });
    }
    // The 2025 budget pays no 2026 period, whoever is named.
    const notIn2026 = await pay({ allocationId: ntt2025, period: '2026-01', paidOn: '2025-12-30' }).expect(422);
    expect(notIn2026.body.detail).toMatch(/outside the allocation's fiscal year 2025/);

    const ntt2026 = await allocate({
      regionCode: '53',
      fundingSource: 'APBD_PROVINSI',
      fiscalYear: 2026,
      amount: 5 * 12 * WORKER_MONTH,
      targetWorkers: 5,
      allocatedOn: '2026-01-02',
    });
    // Before the transfer, the 2026 allocation sponsors nobody: its default batch says so.
    const empty = await pay({ allocationId: ntt2026, period: '2026-01', paidOn: '2026-01-05' }).expect(201);
    expect(empty.body).toMatchObject({
      workerCount: 0,
      amount: 0,
      skipped: [],
      detail: `no active worker is sponsored by allocation ${ntt2026}`,
    });

    const continuing = workers.slice(0, 5);
    const leaving = workers.slice(5);
    const moved = await transfer(ntt2026, { workerIds: continuing, effectivePeriod: '2026-01' }).expect(200);
    expect(moved.body).toEqual({ allocationId: ntt2026, workerCount: 5, skipped: [], position: expect.any(String) });

    const seen = await read(`/api/v1/workers`, moved.body.position, { allocationId: ntt2026, regionCode: '53' }).expect(200);
    expect(seen.body.items.map((w: { workerId: string }) => w.workerId).sort()).toEqual([...continuing].sort());

    // January 2026, paid in January 2026 from the 2026 budget: exactly the 5 who continue.
    const january = await pay({ allocationId: ntt2026, period: '2026-01', paidOn: '2026-01-10' }).expect(201);
    expect(january.body).toMatchObject({ period: '2026-01', workerCount: 5, amount: 5 * WORKER_MONTH, skipped: [] });
    // The 3 who did not continue: the 2025 budget cannot pay them for 2026, by default or by name.
    await pay({ allocationId: ntt2025, period: '2026-01', paidOn: '2025-12-30' }).expect(422);
    await pay({ allocationId: ntt2025, period: '2026-01', paidOn: '2026-01-10', workerIds: leaving }).expect(422);
    // February: the 2026 batch still pays exactly the 5.
    const february = await pay({ allocationId: ntt2026, period: '2026-02', paidOn: '2026-02-10' }).expect(201);
    expect(february.body).toMatchObject({ workerCount: 5, amount: 5 * WORKER_MONTH, skipped: [] });

    for (const id of continuing) {
      const w = await read(`/api/v1/workers/${id}`, february.body.position).expect(200);
      expect(w.body).toMatchObject({
        paidPeriods: ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'],
        sponsors: [ntt2025, ntt2026],
      });
    }
    for (const id of leaving) {
      const w = await read(`/api/v1/workers/${id}`, february.body.position).expect(200);
      expect(w.body.paidPeriods).toEqual(['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
      expect(w.body.sponsors).toEqual([ntt2025]);
    }
    const funding2026 = await read('/api/v1/funding/53', february.body.position, { fiscalYear: '2026' }).expect(200);
    expect(funding2026.body.allocations.find((a: { allocationId: string }) => a.allocationId === ntt2026)).toMatchObject({
      disbursed: 10 * WORKER_MONTH,
      workerMonths: 10,
    });
    const funding2025 = await read('/api/v1/funding/53', february.body.position, { fiscalYear: '2025' }).expect(200);
    expect(funding2025.body.allocations.find((a: { allocationId: string }) => a.allocationId === ntt2025)).toMatchObject({
      disbursed: 48 * WORKER_MONTH,
      workerMonths: 48,
    });

    // Moving them again is a no-op that says why.
    const again = await transfer(ntt2026, { workerIds: continuing, effectivePeriod: '2026-01' }).expect(200);
    expect(again.body).toMatchObject({ workerCount: 0, detail: 'every named worker was skipped: 5 ALREADY_SPONSORED' });
    expect(ids(again)).toEqual([...continuing].sort());
  });

  it('December 2025 is paid in December from the 2025 budget or in January 2026 from the 2026 budget, never from 2025 in 2026', async () => {
    const ttu2025 = await allocate({
      regionCode: '53.03',
      fundingSource: 'APBD_KABUPATEN_KOTA',
      fiscalYear: 2025,
      amount: 10 * WORKER_MONTH,
      allocatedOn: '2025-07-01',
    });
    const ttu2026 = await allocate({
      regionCode: '53.03',
      fundingSource: 'APBD_KABUPATEN_KOTA',
      fiscalYear: 2026,
      amount: 24 * WORKER_MONTH,
      allocatedOn: '2026-01-02',
    });
    const late = [await enrol(ttu2025, '53.03.01.2005', '2025-11-03'), await enrol(ttu2025, '53.03.02.2001', '2025-11-03')];
    await pay({ allocationId: ttu2025, period: '2025-11', paidOn: '2025-11-10' }).expect(201);

    // The 2025 budget's year has ended: December 2025 paid on 2026-03-15 (or in January) from it is refused.
    const march = await pay({ allocationId: ttu2025, period: '2025-12', paidOn: '2026-03-15' }).expect(422);
    expect(march.body.detail).toMatch(/paidOn 2026-03-15 is outside allocation .* budget year/);
    await pay({ allocationId: ttu2025, period: '2025-12', paidOn: '2026-01-12', workerIds: late }).expect(422);

    // The 2026 allocation takes them over from December 2025 (a period its fiscal year pays) and pays December in January.
    await transfer(ttu2026, { fromAllocationId: ttu2025, effectivePeriod: '2025-11' }).expect(422);
    const moved = await transfer(ttu2026, { fromAllocationId: ttu2025, effectivePeriod: '2025-12' }).expect(200);
    expect(moved.body).toMatchObject({ workerCount: 2, skipped: [] });
    const december = await pay({ allocationId: ttu2026, period: '2025-12', paidOn: '2026-01-12' }).expect(201);
    expect(december.body).toMatchObject({ period: '2025-12', workerCount: 2, amount: 2 * WORKER_MONTH });
    const again = await pay({ allocationId: ttu2026, period: '2025-12', paidOn: '2026-01-13' }).expect(201);
    expect(again.body).toMatchObject({ workerCount: 0, detail: 'every sponsored worker was skipped: 2 ALREADY_PAID' });

    const funding = await read('/api/v1/funding/53.03', december.body.position, { fiscalYear: '2026' }).expect(200);
    expect(funding.body.allocations.find((a: { allocationId: string }) => a.allocationId === ttu2026)).toMatchObject({
      disbursed: 2 * WORKER_MONTH,
    });
  });
});
