import { addMonths, makeNik, maskNik } from '@app/domain';
import { currentPeriod, todayIn } from '@app/ledger';
import { startApp, TestApp } from '../support/app';

/**
 * The operators' worklists over HTTP (issue 11 item 3): memberships that lapse next month and months
 * due and unpaid per allocation, on a real app with embedded stores. The months are relative to today
 * in NTT (WITA, rule 14): C is the current month, workers are enrolled in C-4.
 *
 * - L paid C-4 and C-3: C-2, C-1 and C unpaid, so LAPSED from next month: on the lapse list.
 * - K paid C-4 to C-2: lapses the month after next: not on the list.
 * - M paid C-4 only: lapsed on the 16th of C (not on the list); its unpaid months are payable until then.
 * - N never paid: cannot lapse (rule 9), every month due and unpaid.
 * - X, in Kupang (53.01) with Kupang's allocation, would lapse next month too: seen only from 53.01.
 */
describe('worklists: lapses next month, months due and unpaid', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  const C = currentPeriod(new Date(), '53');
  const E = addMonths(C, -4);
  const today = todayIn('53');
  const mLapsed = today >= `${C}-16`;
  const allocations = new Map<string, string>();
  const ids = { L: '', K: '', M: '', N: '', X: '' };
  const niks = { L: makeNik('53.03.01', '1980-01-01', 'M', 11), X: makeNik('53.01.04', '1982-02-02', 'F', 12) };
  let position = '';
  const ttu = () => t.as(['operator', 'finance'], ['53.03'], 'ops-ttu');
  const kupang = () => t.as(['operator', 'finance'], ['53.01'], 'ops-kupang');
  const fresh = () => ({ consistentWith: position });

  async function allocation(region: '53.03' | '53.01', year: number): Promise<string> {
    const key = `${region}:${year}`;
    if (!allocations.has(key)) {
      const res = await t.http
        .post('/api/v1/allocations')
        .set(region === '53.03' ? ttu() : kupang())
        .send({
          regionCode: region,
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: year,
          amount: 1_000 * 16_800,
          programName: `Pekerja rentan ${region} ${year}`,
          legalBasis: 'Perbup (uji)',
          allocatedOn: `${year}-01-01`,
        })
        .expect(201);
      allocations.set(key, res.body.allocationId);
    }
    return allocations.get(key)!;
  }

  async function enrol(nik: string, village: string, sex: 'M' | 'F', birthDate: string, region: '53.03' | '53.01'): Promise<string> {
    const res = await t.http
      .post('/api/v1/workers')
      .set(region === '53.03' ? ttu() : kupang())
      .send({
        nik,
        fullName: 'Pekerja Uji',
        birthDate,
        sex,
        regionCode: village,
        occupation: 'PETANI',
        allocationId: await allocation(region, Number(E.slice(0, 4))),
        enrolledOn: `${E}-01`,
      })
      .expect(201);
    return res.body.workerId;
  }

  async function pay(period: string, workerIds: string[], region: '53.03' | '53.01' = '53.03') {
    const res = await t.http
      .post('/api/v1/contributions')
      .set(region === '53.03' ? ttu() : kupang())
      .send({ allocationId: await allocation(region, Number(period.slice(0, 4))), period, paidOn: `${period}-10`, workerIds })
      .expect(201);
    expect(res.body.workerCount).toBe(workerIds.length);
    position = res.body.position;
  }

  beforeAll(async () => {
    t = await startApp();
    ids.L = await enrol(niks.L, '53.03.01.2005', 'M', '1980-01-01', '53.03');
    ids.K = await enrol(makeNik('53.03.01', '1981-01-01', 'M', 13), '53.03.01.2005', 'M', '1981-01-01', '53.03');
    ids.M = await enrol(makeNik('53.03.01', '1983-01-01', 'M', 14), '53.03.01.2005', 'M', '1983-01-01', '53.03');
    ids.N = await enrol(makeNik('53.03.01', '1984-01-01', 'M', 15), '53.03.01.2005', 'M', '1984-01-01', '53.03');
    ids.X = await enrol(niks.X, '53.01.04.2003', 'F', '1982-02-02', '53.01');
    // A new fiscal year inside the window (a run in January to April): the cohorts move to that year's allocations (rule 13).
    if (E.slice(0, 4) !== C.slice(0, 4)) {
      for (const region of ['53.03', '53.01'] as const) {
        await t.http
          .post(`/api/v1/allocations/${await allocation(region, Number(C.slice(0, 4)))}/sponsorships`)
          .set(region === '53.03' ? ttu() : kupang())
          .send({ fromAllocationId: await allocation(region, Number(E.slice(0, 4))), effectivePeriod: `${C.slice(0, 4)}-01` })
          .expect(200);
      }
    }
    await pay(E, [ids.L, ids.K, ids.M]);
    await pay(addMonths(E, 1), [ids.L, ids.K]);
    await pay(addMonths(E, 2), [ids.K]);
    await pay(E, [ids.X], '53.01');
    await pay(addMonths(E, 1), [ids.X], '53.01');
  });
  afterAll(async () => t?.close());

  describe('lapses next month', () => {
    it('lists L alone in TTU, with the month that lapses, the day, the last paid month and the unpaid months; never a full NIK', async () => {
      const res = await t.http.get('/api/v1/worklists/lapsing').query(fresh()).set(ttu()).expect(200);
      expect(res.body).toMatchObject({ regionCode: '53.03', today, lapsePeriod: addMonths(C, 1), page: 1, pageSize: 50, total: 1 });
      expect(res.body.items).toEqual([
        {
          workerId: ids.L,
          nikMasked: maskNik(niks.L),
          regionCode: '53.03.01.2005',
          occupation: 'PETANI',
          allocationId: expect.any(String),
          enrolledOn: `${E}-01`,
          lastPaidPeriod: addMonths(E, 1),
          reactivatedOn: null,
          unpaidPeriods: [addMonths(C, -2), addMonths(C, -1), C],
          lapsePeriod: addMonths(C, 1),
          lapsesOn: `${addMonths(C, 1)}-16`,
          payBy: `${addMonths(C, 1)}-15`,
        },
      ]);
      expect(JSON.stringify(res.body)).not.toContain(niks.L);
    });

    it('agrees with the workers query: L is ACTIVE now, M LAPSED', async () => {
      const list = await t.http
        .get('/api/v1/workers')
        .query({ ...fresh(), regionCode: '53.03', status: 'LAPSED' })
        .set(ttu())
        .expect(200);
      expect(list.body.items.map((w: { workerId: string }) => w.workerId)).toEqual([ids.M]);
    });

    it('pages like the other lists', async () => {
      const res = await t.http
        .get('/api/v1/worklists/lapsing')
        .query({ ...fresh(), page: '2', pageSize: '1' })
        .set(ttu())
        .expect(200);
      expect(res.body).toMatchObject({ page: 2, pageSize: 1, total: 1, items: [] });
    });

    it('shows an operator of Kupang only Kupang: X, never a TTU worker; TTU by name is a 403', async () => {
      const res = await t.http.get('/api/v1/worklists/lapsing').query(fresh()).set(kupang()).expect(200);
      expect(res.body.items.map((w: { workerId: string }) => w.workerId)).toEqual([ids.X]);
      expect(JSON.stringify(res.body)).not.toContain(ids.L);
      await t.http.get('/api/v1/worklists/lapsing').query({ regionCode: '53.03' }).set(kupang()).expect(403);
    });

    it('shows the province both, and the country both', async () => {
      for (const regions of [['53'], ['ID']]) {
        const res = await t.http
          .get('/api/v1/worklists/lapsing')
          .query(fresh())
          .set(t.as(['analyst'], regions))
          .expect(200);
        expect(res.body.items.map((w: { workerId: string }) => w.workerId).sort()).toEqual([ids.L, ids.X].sort());
      }
    });

    it('answers a bad query as problem+json naming each bad field', async () => {
      const res = await t.http.get('/api/v1/worklists/lapsing').query({ regionCode: '99.99', pageSize: '0' }).set(ttu()).expect(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['pageSize', 'regionCode']);
    });
  });

  describe('months due and unpaid', () => {
    type Month = {
      period: string;
      workersDue: number;
      workersPaid: number;
      workersUnpaid: number;
      amountUnpaid: number;
      workersNoLongerPayable: number;
    };
    /** Every TTU allocation's months, summed by period (one allocation unless a new fiscal year began in the window). */
    async function ttuMonths(who = ttu()): Promise<Map<string, Month>> {
      const out = new Map<string, Month>();
      for (const year of new Set([E.slice(0, 4), C.slice(0, 4)])) {
        const res = await t.http
          .get('/api/v1/worklists/unpaid-months')
          .query({ ...fresh(), fiscalYear: year })
          .set(who)
          .expect(200);
        for (const item of res.body.items as Array<{ regionCode: string; months: Array<Month & { dueDate: string }> }>) {
          expect(item.regionCode).toBe('53.03');
          for (const m of item.months) {
            const sum = out.get(m.period) ?? {
              period: m.period,
              workersDue: 0,
              workersPaid: 0,
              workersUnpaid: 0,
              amountUnpaid: 0,
              workersNoLongerPayable: 0,
            };
            for (const k of ['workersDue', 'workersPaid', 'workersUnpaid', 'amountUnpaid', 'workersNoLongerPayable'] as const)
              sum[k] += m[k];
            out.set(m.period, sum);
          }
        }
      }
      return out;
    }

    it('gives, for TTU, each month with workers due, paid, unpaid (payable), their amount and those no longer payable', async () => {
      const months = await ttuMonths();
      // M's months C-3 to C-1 are payable until its lapse on the 16th of C, no longer after.
      const m = (unpaidOthers: number) => (mLapsed ? [unpaidOthers, 1] : [unpaidOthers + 1, 0]);
      const expected: Array<[string, number, number, number, number]> = [
        [E, 4, 3, 1, 0],
        [addMonths(E, 1), 4, 2, ...(m(1) as [number, number])],
        [addMonths(E, 2), 4, 1, ...(m(2) as [number, number])],
        [addMonths(E, 3), 4, 0, ...(m(3) as [number, number])],
        [C, 3, 0, 3, 0],
      ];
      expect(
        [...months.values()]
          .sort((a, b) => (a.period < b.period ? -1 : 1))
          .map((x) => [x.period, x.workersDue, x.workersPaid, x.workersUnpaid, x.workersNoLongerPayable]),
      ).toEqual(expected);
      for (const x of months.values()) expect(x.amountUnpaid).toBe(x.workersUnpaid * 16_800);
    });

    it('answers one allocation by id, with due dates and totals in whole rupiah', async () => {
      const allocationId = allocations.get(`53.03:${C.slice(0, 4)}`)!;
      const res = await t.http.get(`/api/v1/allocations/${allocationId}/unpaid-months`).query(fresh()).set(ttu()).expect(200);
      expect(res.body).toMatchObject({ allocationId, regionCode: '53.03', fiscalYear: Number(C.slice(0, 4)), throughPeriod: C });
      const current = res.body.months.find((x: { period: string }) => x.period === C);
      expect(current).toMatchObject({
        dueDate: `${addMonths(C, 1)}-15`,
        overdue: false,
        workersDue: 3,
        workersUnpaid: 3,
        amountUnpaid: 3 * 16_800,
      });
      const sum = res.body.months.reduce((s: number, x: { amountUnpaid: number }) => s + x.amountUnpaid, 0);
      expect(res.body.totals.amountUnpaid).toBe(sum);
      expect(Number.isInteger(res.body.totals.amountUnpaid)).toBe(true);
    });

    it("answers another region's allocation exactly as an unknown one (404), and lists only the caller's allocations", async () => {
      const ttuAllocation = allocations.get(`53.03:${C.slice(0, 4)}`)!;
      const hidden = await t.http.get(`/api/v1/allocations/${ttuAllocation}/unpaid-months`).set(kupang()).expect(404);
      const unknown = await t.http.get('/api/v1/allocations/00000000-0000-4000-8000-00000000000b/unpaid-months').set(kupang()).expect(404);
      expect(hidden.type).toBe('application/problem+json');
      expect(hidden.body.detail.replace(ttuAllocation, '<id>')).toBe(
        unknown.body.detail.replace('00000000-0000-4000-8000-00000000000b', '<id>'),
      );
      expect(JSON.stringify(hidden.body)).not.toContain('53.03');
      const list = await t.http.get('/api/v1/worklists/unpaid-months').query(fresh()).set(kupang()).expect(200);
      expect(list.body.items.map((a: { regionCode: string }) => a.regionCode)).toEqual(list.body.items.map(() => '53.01'));
      expect(JSON.stringify(list.body)).not.toContain(ttuAllocation);
      await t.http.get('/api/v1/worklists/unpaid-months').query({ regionCode: '53.03' }).set(kupang()).expect(403);
    });

    it('answers bad input as problem+json naming each bad field', async () => {
      const res = await t.http.get('/api/v1/worklists/unpaid-months').query({ fiscalYear: '1999', page: '0' }).set(ttu()).expect(400);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['fiscalYear', 'page']);
      const id = await t.http
        .get(`/api/v1/allocations/${'x'.repeat(101)}/unpaid-months`)
        .set(ttu())
        .expect(400);
      expect(id.body.errors.map((e: { field: string }) => e.field)).toEqual(['allocationId']);
    });
  });
});
