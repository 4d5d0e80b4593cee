import { makeNik } from '@app/domain';
import { startApp, TestApp } from '../support/app';

/** Enrolment, contributions, claims and coverage over HTTP, with every rule of domain.md. */
describe('the ledger over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t.close());

  const finance = () => t.as(['finance'], ['ID']);
  const operator = (regions = ['53']) => t.as(['operator'], regions);
  const analyst = () => t.as(['analyst'], ['ID']);
  const WORKER_MONTH = 16_800;

  async function allocate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({ fiscalYear: 2025, programName: 'Perlindungan pekerja rentan', legalBasis: 'Perbup', allocatedOn: '2025-07-01', ...body })
      .expect(201);
    return res.body.allocationId;
  }

  let serial = 1;
  function enrol(allocationId: string, over: Record<string, unknown> = {}) {
    const sex = (over.sex as 'M' | 'F') ?? (serial % 2 ? 'M' : 'F');
    const nik = (over.nik as string) ?? makeNik('53.03.01', '1985-01-07', sex, serial++);
    return t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik,
        fullName: 'Maria Bana',
        birthDate: '1985-01-07',
        sex,
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
        ...over,
      });
  }

  const pay = (body: Record<string, unknown>, headers = operator()) =>
    t.http
      .post('/api/v1/contributions')
      .set(headers)
      .send({ period: '2025-08', paidOn: '2025-08-10', ...body });
  const read = (path: string, position: string, query: Record<string, string> = {}) =>
    t.http
      .get(path)
      .query({ ...query, consistentWith: position })
      .set(analyst());

  describe('enrolment (rule 1)', () => {
    let ttu: string;
    beforeAll(async () => {
      ttu = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: 100 * WORKER_MONTH });
    });

    it('enrols a worker, refuses the same NIK while active, and never shows the full NIK', async () => {
      const nik = makeNik('53.03.01', '1990-03-15', 'F', 7001);
      const first = await enrol(ttu, { nik, sex: 'F', birthDate: '1990-03-15' }).expect(201);
      expect(first.body).toEqual({ workerId: expect.any(String), position: expect.any(String) });
      const again = await enrol(ttu, { nik, sex: 'F', birthDate: '1990-03-15' }).expect(409);
      expect(again.body.detail).toMatch(/already enrolled/);

      const worker = await read(`/api/v1/workers/${first.body.workerId}`, first.body.position).expect(200);
      expect(worker.body).toMatchObject({
        workerId: first.body.workerId,
        nikMasked: '530301******7001',
        regionCode: '53.03.01.2005',
        status: 'ACTIVE',
        enrolledOn: '2025-07-07',
        paidPeriods: [],
        claims: [],
      });
      const list = await read('/api/v1/workers', first.body.position, { regionCode: '53.03' }).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(nik);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
    });

    it('allows re-enrolment after exit, under the same worker id', async () => {
      const nik = makeNik('53.03.01', '1970-05-05', 'M', 7002);
      const { body } = await enrol(ttu, { nik, sex: 'M', birthDate: '1970-05-05' }).expect(201);
      await t.http
        .post(`/api/v1/workers/${body.workerId}/exit`)
        .set(operator())
        .send({ reason: 'FORMAL_EMPLOYMENT', effectiveDate: '2025-09-30' })
        .expect(200);
      await t.http
        .post(`/api/v1/workers/${body.workerId}/exit`)
        .set(operator())
        .send({ reason: 'OTHER', effectiveDate: '2025-10-30' })
        .expect(409);
      const again = await enrol(ttu, { nik, sex: 'M', birthDate: '1970-05-05', enrolledOn: '2025-11-03' }).expect(201);
      expect(again.body.workerId).toBe(body.workerId);
    });

    it('corrects a worker as a new event, re-activates a lapsed one, and pages the list', async () => {
      const { body } = await enrol(ttu, { occupation: 'OJEK' }).expect(201);
      const corrected = await t.http
        .post(`/api/v1/workers/${body.workerId}/corrections`)
        .set(operator())
        .send({ occupation: 'NELAYAN', regionCode: '53.03.02.2001', reason: 'moved to the coast', correctedOn: '2025-07-20' })
        .expect(200);
      const worker = await read(`/api/v1/workers/${body.workerId}`, corrected.body.position).expect(200);
      expect(worker.body).toMatchObject({ occupation: 'NELAYAN', regionCode: '53.03.02.2001' });
      await t.http
        .post(`/api/v1/workers/${body.workerId}/corrections`)
        .set(operator())
        .send({ reason: 'nothing', correctedOn: '2025-07-20' })
        .expect(400);
      // Moving out of the sponsor's regency would leave the worker unfundable: exit and enrol there instead.
      await t.http
        .post(`/api/v1/workers/${body.workerId}/corrections`)
        .set(operator())
        .send({ regionCode: '53.01.09.2001', reason: 'moved', correctedOn: '2025-07-21' })
        .expect(422);

      // Paid for July only: lapsed from November (3 unpaid months), so December is refused until re-activated.
      await pay({ allocationId: ttu, workerIds: [body.workerId], period: '2025-07', paidOn: '2025-07-10' }).expect(201);
      const lapsed = await pay({ allocationId: ttu, workerIds: [body.workerId], period: '2025-12', paidOn: '2025-12-10' }).expect(201);
      expect(lapsed.body.skipped).toEqual([
        { workerId: body.workerId, reason: 'NOT_ACTIVE_IN_PERIOD', detail: expect.stringMatching(/lapsed on 2025-11-16/) },
      ]);
      const lapsedView = await read(`/api/v1/workers/${body.workerId}`, lapsed.body.position).expect(200);
      expect(lapsedView.body.status).toBe('LAPSED');
      const list = await read('/api/v1/workers', lapsed.body.position, { regionCode: '53.03', status: 'LAPSED' }).expect(200);
      expect(list.body.items.map((w: { workerId: string }) => w.workerId)).toContain(body.workerId);
      await t.http.post(`/api/v1/workers/${body.workerId}/reactivation`).set(operator()).send({ effectiveDate: '2025-12-15' }).expect(200);
      const again = await pay({ allocationId: ttu, workerIds: [body.workerId], period: '2025-12', paidOn: '2025-12-20' }).expect(201);
      expect(again.body.workerCount).toBe(1);

      const page = await read('/api/v1/workers', again.body.position, { regionCode: '53.03', page: '2', pageSize: '1' }).expect(200);
      expect(page.body).toMatchObject({ page: 2, pageSize: 1 });
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBeGreaterThan(2);
      await t.http.get('/api/v1/workers').query({ pageSize: '501' }).set(analyst()).expect(400);
    });

    it('refuses invalid NIKs with a precise message per failure', async () => {
      const res = await enrol(ttu, { nik: '5399010701850000', sex: 'F' }).expect(400);
      const messages = res.body.errors.filter((e: { field: string }) => e.field === 'nik').map((e: { message: string }) => e.message);
      expect(messages.join(' | ')).toMatch(/53\.99 is not in the Kemendagri list/);
      expect(messages.join(' | ')).toMatch(/serial/);
      expect(messages.join(' | ')).toMatch(/but sex is F/);
    });

    it('refuses a sponsor of another region (rule 2), an unknown allocation, and operators outside their region', async () => {
      const kupang = await allocate({ regionCode: '53.01', fundingSource: 'APBD_KABUPATEN_KOTA', amount: WORKER_MONTH });
      await enrol(kupang).expect(422);
      await enrol('00000000-0000-4000-8000-000000000000').expect(404);
      await t.http
        .post('/api/v1/workers')
        .set(operator(['53.01']))
        .send({
          nik: makeNik('53.03.01', '1985-01-07', 'M', 9),
          fullName: 'X',
          birthDate: '1985-01-07',
          sex: 'M',
          regionCode: '53.03.01.2005',
          occupation: 'PETANI',
          allocationId: ttu,
          enrolledOn: '2025-07-07',
        })
        .expect(403);
      await t.http.post('/api/v1/workers').set(finance()).send({}).expect(403);
    });

    it('names every bad field of an enrolment, operator objects included', async () => {
      const res = await t.http
        .post('/api/v1/workers')
        .set(operator())
        .send({
          nik: { $gt: '' },
          fullName: 7,
          birthDate: '1985-13-01',
          sex: 'X',
          regionCode: '53.03.99',
          occupation: 'PILOT',
          allocationId: 'nope',
          enrolledOn: 20250707,
          admin: true,
        })
        .expect(400);
      const fields = [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort();
      expect(fields).toEqual(['admin', 'allocationId', 'birthDate', 'enrolledOn', 'fullName', 'nik', 'occupation', 'regionCode', 'sex']);
    });
  });

  describe('contribution batches (rules 2-5)', () => {
    it('pays every active sponsored worker, skips repeats silently and other allocations as double funding', async () => {
      const ttu = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: 12 * 2 * WORKER_MONTH });
      const w1 = (await enrol(ttu).expect(201)).body.workerId;
      const w2 = (await enrol(ttu).expect(201)).body.workerId;

      const batch = await pay({ allocationId: ttu }).expect(201);
      expect(batch.body).toMatchObject({
        batchId: expect.any(String),
        period: '2025-08',
        workerCount: 2,
        amount: 2 * WORKER_MONTH,
        skipped: [],
      });

      const repeat = await pay({ allocationId: ttu }).expect(201);
      expect(repeat.body).toMatchObject({ workerCount: 0, amount: 0 });
      expect(repeat.body.skipped.map((s: { reason: string }) => s.reason)).toEqual(['ALREADY_PAID', 'ALREADY_PAID']);

      // Some TTU workers are paid by the province at the same time: the second payment is refused.
      const province = await allocate({ regionCode: '53', fundingSource: 'APBD_PROVINSI', amount: 1_000 * WORKER_MONTH });
      const double = await pay({ allocationId: province, workerIds: [w1, w2] }).expect(201);
      expect(double.body.skipped).toEqual([
        { workerId: w1, reason: 'DOUBLE_FUNDING' },
        { workerId: w2, reason: 'DOUBLE_FUNDING' },
      ]);
      await pay({ allocationId: province, workerIds: [w1, w2] }).expect(201);
      const september = await pay({ allocationId: province, workerIds: [w1], period: '2025-09', paidOn: '2025-09-10' }).expect(201);
      expect(september.body.workerCount).toBe(1);

      const funding = await read('/api/v1/funding/53.03', september.body.position, { fiscalYear: '2025' }).expect(200);
      const ttuAllocation = funding.body.allocations.find((a: { allocationId: string }) => a.allocationId === ttu);
      expect(ttuAllocation).toMatchObject({ disbursed: 2 * WORKER_MONTH, workerMonths: 2, remaining: 22 * WORKER_MONTH });
      // The refused double funding is an audit finding of the province's allocation, counted once.
      const ntt = await read('/api/v1/funding/53', september.body.position, { fiscalYear: '2025' }).expect(200);
      expect(ntt.body.allocations.find((a: { allocationId: string }) => a.allocationId === province)).toMatchObject({
        doubleFundingRefused: 2,
      });
      expect(ntt.body.doubleFundingRefused).toBeGreaterThanOrEqual(2);
      const worker = await read(`/api/v1/workers/${w1}`, september.body.position).expect(200);
      expect(worker.body).toMatchObject({ paidPeriods: ['2025-08', '2025-09'], sponsors: [ttu, province] });
    });

    it('pays all or none: a batch larger than what remains is a 422 with the shortfall, and appends nothing', async () => {
      const small = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: WORKER_MONTH });
      await enrol(small).expect(201);
      await enrol(small).expect(201);
      const refused = await pay({ allocationId: small }).expect(422);
      expect(refused.body.detail).toMatch(/shortfall Rp16,800/);
      const funding = await read('/api/v1/funding/53.03', (await enrol(small).expect(201)).body.position, { fiscalYear: '2025' }).expect(
        200,
      );
      expect(funding.body.allocations.find((a: { allocationId: string }) => a.allocationId === small)).toMatchObject({
        disbursed: 0,
        workerMonths: 0,
      });
    });

    it('refuses periods outside the fiscal year, and skips workers before enrolment or after exit', async () => {
      const ttu = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: 100 * WORKER_MONTH });
      const late = (await enrol(ttu, { enrolledOn: '2025-10-01' }).expect(201)).body.workerId;
      const gone = (await enrol(ttu).expect(201)).body.workerId;
      await t.http
        .post(`/api/v1/workers/${gone}/exit`)
        .set(operator())
        .send({ reason: 'DECEASED', effectiveDate: '2025-07-20' })
        .expect(200);
      await pay({ allocationId: ttu, period: '2026-01', paidOn: '2026-01-10' }).expect(422);
      const res = await pay({ allocationId: ttu, workerIds: [late, gone] }).expect(201);
      expect(res.body.skipped).toMatchObject([
        { workerId: late, reason: 'NOT_ACTIVE_IN_PERIOD' },
        { workerId: gone, reason: 'NOT_ACTIVE_IN_PERIOD' },
      ]);
    });

    // Over HTTP on the embedded store these requests mostly run one after the other; the truly
    // overlapping case is forced in apps/api/src/contributions/contributions.handler.spec.ts.
    it('never overspends an allocation under concurrent batches', async () => {
      const tight = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: 3 * WORKER_MONTH });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await enrol(tight).expect(201)).body.workerId);
      const answers = await Promise.all(ids.map((id) => pay({ allocationId: tight, workerIds: [id] })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 422)).toHaveLength(3);
      const last = answers
        .filter((a) => a.status === 201)
        .map((a) => a.body.position)
        .sort()
        .pop();
      const funding = await read('/api/v1/funding/53.03', last, { fiscalYear: '2025' }).expect(200);
      expect(funding.body.allocations.find((a: { allocationId: string }) => a.allocationId === tight)).toMatchObject({
        disbursed: 3 * WORKER_MONTH,
        remaining: 0,
      });
    });

    it('answers a retried batch with the same Idempotency-Key with the first answer', async () => {
      const ttu = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', amount: 10 * WORKER_MONTH });
      await enrol(ttu).expect(201);
      const headers = { ...operator(), 'Idempotency-Key': `batch-${ttu}` };
      const first = await pay({ allocationId: ttu }, headers).expect(201);
      const again = await pay({ allocationId: ttu }, headers).expect(201);
      expect(again.body).toEqual(first.body);
    });

    it('refuses operator objects and bad types in a batch', async () => {
      const res = await pay({ allocationId: { $ne: null }, period: '2025-13', workerIds: [{ $gt: '' }], paidOn: 'yesterday' }).expect(400);
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        'allocationId',
        'paidOn',
        'period',
        'workerIds',
      ]);
    });
  });

  describe('claims (rule 6) and coverage', () => {
    let worker: string;
    let position: string;
    beforeAll(async () => {
      const ttu = await allocate({
        regionCode: '53.03',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        amount: 10 * WORKER_MONTH,
        fiscalYear: 2025,
      });
      worker = (await enrol(ttu, { regionCode: '53.03.02.2001' }).expect(201)).body.workerId;
      position = (await pay({ allocationId: ttu, workerIds: [worker], period: '2025-11', paidOn: '2025-11-10' }).expect(201)).body.position;
    });

    it('settles a JKM claim of a covered worker at Rp42,000,000, once', async () => {
      const submitted = await t.http
        .post('/api/v1/claims')
        .set(operator())
        .send({ workerId: worker, type: 'JKM', incidentDate: '2025-11-20', description: 'meninggal dunia' })
        .expect(201);
      const benefits = [
        { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
        { kind: 'JKM_PERIODIC', amount: 12_000_000 },
        { kind: 'JKM_FUNERAL', amount: 10_000_000 },
      ];
      const settled = await t.http
        .post(`/api/v1/claims/${submitted.body.claimId}/settlement`)
        .set(operator())
        .send({ settledOn: '2025-12-05', benefits, paymentReference: 'BPJSTK-NTT-0001' })
        .expect(200);
      expect(settled.body).toEqual({ claimId: submitted.body.claimId, amount: 42_000_000, position: expect.any(String) });
      await t.http
        .post(`/api/v1/claims/${submitted.body.claimId}/settlement`)
        .set(operator())
        .send({ settledOn: '2025-12-05', benefits, paymentReference: 'again' })
        .expect(409);
      await t.http
        .post(`/api/v1/claims/${submitted.body.claimId}/rejection`)
        .set(operator())
        .send({ reason: 'x', rejectedOn: '2025-12-06' })
        .expect(409);

      const claims = await read('/api/v1/claims', settled.body.position, { regionCode: '53.03.02', type: 'JKM' }).expect(200);
      expect(claims.body).toMatchObject({
        page: 1,
        pageSize: 50,
        total: 1,
        totals: { count: 1, settledAmount: 42_000_000, byType: { JKM: { count: 1, settledAmount: 42_000_000 } } },
      });
      expect(claims.body.items[0]).toMatchObject({ status: 'SETTLED', amount: 42_000_000, workerId: worker });
      expect(JSON.stringify(claims.body)).not.toContain('meninggal');
    });

    it('refuses to settle a claim for a month the worker was not covered, and can reject it', async () => {
      const submitted = await t.http
        .post('/api/v1/claims')
        .set(operator())
        .send({ workerId: worker, type: 'JKK', incidentDate: '2025-10-02', description: 'jatuh' })
        .expect(201);
      const refused = await t.http
        .post(`/api/v1/claims/${submitted.body.claimId}/settlement`)
        .set(operator())
        .send({ settledOn: '2025-12-05', benefits: [{ kind: 'JKK_MEDICAL', amount: 5_000_000 }], paymentReference: 'r' })
        .expect(422);
      expect(refused.body.detail).toMatch(/not covered on 2025-10-02: no contribution counts for 2025-10/);
      await t.http
        .post(`/api/v1/claims/${submitted.body.claimId}/rejection`)
        .set(operator())
        .send({ reason: 'not covered', rejectedOn: '2025-12-06' })
        .expect(200);
      await t.http
        .post('/api/v1/claims/00000000-0000-4000-8000-000000000000/rejection')
        .set(operator())
        .send({ reason: 'x', rejectedOn: '2025-12-06' })
        .expect(404);
    });

    it('answers coverage of a region and its children with denominators', async () => {
      const estimate = await t.http
        .post('/api/v1/regions/53.03/workforce-estimates')
        .set(t.as(['admin']))
        .send({ year: 2025, informalWorkers: 100_000, source: 'BPS Sakernas 2025 (test)' })
        .expect(201);
      const res = await read('/api/v1/coverage/53.03', estimate.body.position, { period: '2025-11' }).expect(200);
      expect(res.body).toMatchObject({
        regionCode: '53.03',
        regionName: 'Kabupaten Timor Tengah Utara',
        period: '2025-11',
        coveredWorkers: 1,
        population: { total: 276032 },
        informalWorkforce: { informalWorkers: 100_000 },
        coverageRatio: 0,
      });
      expect(res.body.enrolledWorkers).toBeGreaterThanOrEqual(res.body.coveredWorkers);
      const district = res.body.children.find((c: { regionCode: string }) => c.regionCode === '53.03.02');
      expect(district).toMatchObject({
        coveredWorkers: 1,
        byOccupation: { PETANI: 1 },
        byFundingSource: { APBD_KABUPATEN_KOTA: 1 },
        population: null,
        coverageRatio: null,
      });
      await t.http
        .get('/api/v1/coverage/53.01')
        .set(t.as(['analyst'], ['53.03']))
        .expect(403);
      await t.http.get('/api/v1/coverage/53.03').query({ period: '2025-13' }).set(analyst()).expect(400);
      expect(position).toBeDefined();
    });
  });
});
