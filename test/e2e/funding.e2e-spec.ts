import { startApp, TestApp } from '../support/app';

/** The first vertical slice: FundingAllocated appended by a command, projected, answered by a query. */
describe('funding over HTTP (embedded default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => t.close());

  const finance = (regions = ['ID']) => t.as(['finance'], regions);
  const analyst = (regions = ['ID']) => t.as(['analyst'], regions);
  const ntt2026 = {
    regionCode: '53',
    fundingSource: 'APBD_PROVINSI',
    fiscalYear: 2026,
    amount: 10_080_000_000,
    programName: 'Perlindungan pekerja rentan NTT 2026',
    legalBasis: 'Pergub NTT 2026',
    targetWorkers: 50_000,
    allocatedOn: '2026-01-02',
  };
  const ttu2026 = {
    ...ntt2026,
    regionCode: '53.03',
    fundingSource: 'APBD_KABUPATEN_KOTA',
    amount: 2_999_808_000,
    targetWorkers: 14_880,
    legalBasis: 'Perbup TTU 2026',
  };

  it('records an allocation and answers it, rolled up the region tree, once projected', async () => {
    const province = await t.http.post('/api/v1/allocations').set(finance()).send(ntt2026).expect(201);
    expect(province.body).toEqual({ allocationId: expect.any(String), position: expect.any(String) });
    const regency = await t.http
      .post('/api/v1/allocations')
      .set(finance(['53.03']))
      .send(ttu2026)
      .expect(201);

    const res = await t.http
      .get('/api/v1/funding/53')
      .query({ fiscalYear: '2026', consistentWith: regency.body.position })
      .set(analyst(['53']))
      .expect(200);
    expect(res.body).toMatchObject({
      regionCode: '53',
      regionName: 'Nusa Tenggara Timur',
      fiscalYear: 2026,
      allocated: 13_079_808_000,
      disbursed: 0,
      remaining: 13_079_808_000,
      workerMonths: 0,
      bySource: [
        { fundingSource: 'APBD_KABUPATEN_KOTA', allocated: 2_999_808_000, disbursed: 0 },
        { fundingSource: 'APBD_PROVINSI', allocated: 10_080_000_000, disbursed: 0 },
      ],
    });
    expect(res.body.allocations.map((a: { regionCode: string }) => a.regionCode)).toEqual(['53', '53.03']);
    expect(res.body.children.find((c: { regionCode: string }) => c.regionCode === '53.03')).toMatchObject({
      regionName: 'Kabupaten Timor Tengah Utara',
      allocated: 2_999_808_000,
    });
    expect(res.body.children.find((c: { regionCode: string }) => c.regionCode === '53.01')).toMatchObject({ allocated: 0 });

    const country = await t.http
      .get('/api/v1/funding/ID')
      .query({ fiscalYear: '2026', consistentWith: regency.body.position })
      .set(analyst())
      .expect(200);
    expect(country.body.allocated).toBe(13_079_808_000);
    expect(country.body.children).toHaveLength(38);
  });

  it('revises an allocation to a new total', async () => {
    const { body } = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({ ...ntt2026, fiscalYear: 2025, amount: 10_800_000_000, allocatedOn: '2025-07-01' })
      .expect(201);
    const revised = await t.http
      .post(`/api/v1/allocations/${body.allocationId}/revisions`)
      .set(finance())
      .send({ amount: 11_000_000_000, reason: 'APBD Perubahan 2025', legalBasis: 'Perda 5/2025', revisedOn: '2025-09-30' })
      .expect(200);
    expect(revised.body).toEqual({ allocationId: body.allocationId, amount: 11_000_000_000, position: expect.any(String) });
    const res = await t.http
      .get('/api/v1/funding/53')
      .query({ fiscalYear: '2025', consistentWith: revised.body.position })
      .set(analyst())
      .expect(200);
    expect(res.body.allocated).toBe(11_000_000_000);
    expect(res.body.allocations[0].revisions).toEqual([
      {
        previousAmount: 10_800_000_000,
        amount: 11_000_000_000,
        reason: 'APBD Perubahan 2025',
        legalBasis: 'Perda 5/2025',
        revisedOn: '2025-09-30',
      },
    ]);
  });

  it('answers 404 for a revision of an unknown allocation', async () => {
    const res = await t.http
      .post('/api/v1/allocations/00000000-0000-4000-8000-000000000000/revisions')
      .set(finance())
      .send({ amount: 1, reason: 'r', legalBasis: 'l', revisedOn: '2026-01-01' })
      .expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  describe('authentication and authorization', () => {
    it('401 without a token or with a bad one', async () => {
      await t.http.get('/api/v1/funding/53').expect(401);
      const res = await t.http.get('/api/v1/funding/53').set({ Authorization: 'Bearer not.a.token' }).expect(401);
      expect(res.body).toMatchObject({ status: 401, title: expect.any(String), type: expect.any(String) });
    });

    it("403 for a role that may not allocate, or outside the user's regions", async () => {
      await t.http
        .post('/api/v1/allocations')
        .set(t.as(['operator']))
        .send(ntt2026)
        .expect(403);
      await t.http
        .post('/api/v1/allocations')
        .set(finance(['53.03']))
        .send(ntt2026)
        .expect(403);
      await t.http
        .post('/api/v1/allocations')
        .set(finance(['53.03']))
        .send({ ...ttu2026, regionCode: '53.01' })
        .expect(403);
      await t.http
        .get('/api/v1/funding/53.01')
        .set(analyst(['53.03']))
        .expect(403);
      await t.http
        .get('/api/v1/funding/53')
        .set(analyst(['53.03']))
        .expect(403);
    });
  });

  describe('bad input gets a clear answer and changes nothing', () => {
    it('names every bad field: fractions, strings, negatives, unknown fields, bad dates, unknown regions', async () => {
      const res = await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({
          regionCode: '99.99',
          fundingSource: 'APBD',
          fiscalYear: '2026',
          amount: 100.5,
          programName: '',
          legalBasis: { $gt: '' },
          allocatedOn: '2026-02-30',
          extra: 1,
        })
        .expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const fields = new Set(res.body.errors.map((e: { field: string }) => e.field));
      expect([...fields].sort()).toEqual([
        'allocatedOn',
        'amount',
        'extra',
        'fiscalYear',
        'fundingSource',
        'legalBasis',
        'programName',
        'regionCode',
      ]);
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({ ...ntt2026, amount: -1 })
        .expect(400);
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({ ...ntt2026, amount: '10080000000' })
        .expect(400);
    });

    it('answers malformed JSON with 400 and a huge body with 413, as problem+json', async () => {
      const bad = await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .set('Content-Type', 'application/json')
        .send('{"regionCode": ')
        .expect(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      const huge = await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...ntt2026, programName: 'x'.repeat(2_000_000) }))
        .expect(413);
      expect(huge.body.status).toBe(413);
    });

    it('answers a body that is not a JSON object with 400, and one that is not JSON at all with 415', async () => {
      for (const body of ['[]', 'null', '"x"']) {
        const res = await t.http.post('/api/v1/allocations').set(finance()).set('Content-Type', 'application/json').send(body).expect(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      await t.http.post('/api/v1/allocations').set(finance()).set('Content-Type', 'text/plain').send(JSON.stringify(ntt2026)).expect(415);
    });

    it('refuses a funding source that does not fit the region (422)', async () => {
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({ ...ntt2026, regionCode: '53.03' })
        .expect(422);
    });

    it('answers 400 for a malformed region or year and 404 for an unknown region', async () => {
      await t.http.get('/api/v1/funding/53.3').set(analyst()).expect(400);
      await t.http.get('/api/v1/funding/53').query({ fiscalYear: '20x6' }).set(analyst()).expect(400);
      await t.http.get('/api/v1/funding/53').query({ fiscalYear: '2026', nonsense: '1' }).set(analyst()).expect(400);
      await t.http.get('/api/v1/funding/53.99').set(analyst()).expect(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeated request with the first answer and appends nothing new', async () => {
      const body = { ...ntt2026, fiscalYear: 2027, allocatedOn: '2027-01-02' };
      const first = await t.http.post('/api/v1/allocations').set(finance()).set('Idempotency-Key', 'alloc-2027').send(body).expect(201);
      const again = await t.http.post('/api/v1/allocations').set(finance()).set('Idempotency-Key', 'alloc-2027').send(body).expect(201);
      expect(again.body).toEqual(first.body);
      const funding = await t.http
        .get('/api/v1/funding/53')
        .query({ fiscalYear: '2027', consistentWith: first.body.position })
        .set(analyst())
        .expect(200);
      expect(funding.body.allocations).toHaveLength(1);
    });

    it('answers 409 when the key is reused with another body', async () => {
      const body = { ...ntt2026, fiscalYear: 2028, allocatedOn: '2028-01-02' };
      await t.http.post('/api/v1/allocations').set(finance()).set('Idempotency-Key', 'alloc-2028').send(body).expect(201);
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .set('Idempotency-Key', 'alloc-2028')
        .send({ ...body, amount: 1 })
        .expect(409);
    });
  });

  describe('consistentWith', () => {
    it('refuses something that is not a position', async () => {
      await t.http.get('/api/v1/funding/53').query({ consistentWith: 'yesterday' }).set(analyst()).expect(400);
    });

    it('answers 503 with Retry-After when the read models do not reach the position in time', async () => {
      const res = await t.http.get('/api/v1/funding/53').query({ consistentWith: '99999999999999999999' }).set(analyst()).expect(503);
      expect(res.headers['retry-after']).toBe('1');
    });
  });

  describe('operations', () => {
    it('serves health, metrics and the OpenAPI description without credentials', async () => {
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({ ...ntt2026, fiscalYear: 2029, allocatedOn: '2029-01-02' })
        .expect(201);
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({ ...ntt2026, regionCode: '53.03' })
        .expect(422);
      const health = await t.http.get('/health').expect(200);
      expect(health.body.details).toMatchObject({
        eventStore: { status: 'up', kind: 'sqlite' },
        readStore: { status: 'up', kind: 'sqlite' },
        projection: { status: 'up' },
      });
      const metrics = await t.http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/ledger_projection_lag_seconds/);
      expect(metrics.text).toMatch(/http_request_duration_seconds_bucket/);
      // Labelled with the status actually sent: 201 for a recorded allocation, 422 for a refused one.
      expect(metrics.text).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/allocations",status="201"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/allocations",status="422"\} [1-9]/,
      );
      const docs = await t.http.get('/docs-json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/allocations', '/api/v1/funding/{regionCode}']));
    });

    it('answers unknown routes with a 404 problem', async () => {
      const res = await t.http.get('/api/v1/nothing-here').set(analyst()).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });
});
