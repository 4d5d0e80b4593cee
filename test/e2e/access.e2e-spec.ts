import { makeNik } from '@app/domain';
import type { Role } from '../../apps/api/src/auth/user';
import { startApp, TestApp } from '../support/app';

/**
 * Every endpoint: no token is a 401, a role that may not call it a 403; a region the request names
 * outside the user's is a 403, a resource it names by id outside the user's regions a 404, exactly as
 * an unknown id (api.md "Bounds and hostile input").
 */
describe('authentication, roles and region scope on every endpoint', () => {
  let t: TestApp;
  const ids = { allocation: '', worker: '', claim: '' };
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  beforeAll(async () => {
    t = await startApp();
    ids.allocation = (
      await t.http
        .post('/api/v1/allocations')
        .set(t.as(['finance']))
        .send({
          regionCode: '53.03',
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: 10 * 16_800,
          programName: 'p',
          legalBasis: 'l',
          allocatedOn: '2025-07-01',
        })
        .expect(201)
    ).body.allocationId;
    ids.worker = (
      await t.http
        .post('/api/v1/workers')
        .set(t.as(['operator'], ['53.03']))
        .send({
          nik: makeNik('53.03.01', '1980-02-02', 'M', 1),
          fullName: 'A',
          birthDate: '1980-02-02',
          sex: 'M',
          regionCode: '53.03.01.2005',
          occupation: 'NELAYAN',
          allocationId: ids.allocation,
          enrolledOn: '2025-07-07',
        })
        .expect(201)
    ).body.workerId;
    await t.http
      .post('/api/v1/contributions')
      .set(t.as(['operator'], ['53.03']))
      .send({ allocationId: ids.allocation, period: '2025-07', paidOn: '2025-07-10' })
      .expect(201);
    ids.claim = (
      await t.http
        .post('/api/v1/claims')
        .set(t.as(['operator'], ['53.03']))
        .send({ workerId: ids.worker, type: 'JKK', incidentDate: '2025-07-20', description: 'd' })
        .expect(201)
    ).body.claimId;
  });
  afterAll(async () => t.close());

  /** `names`: what the request names, a region (403 outside) or a resource by id (404 outside, as an unknown one). */
  type Endpoint = {
    name: string;
    method: 'get' | 'post';
    path: () => string;
    body?: () => object;
    allowed: Role[];
    names: 'region' | 'id';
    unknown?: () => string;
  };
  const endpoints: Endpoint[] = [
    {
      names: 'region',
      name: 'allocate',
      method: 'post',
      path: () => '/api/v1/allocations',
      body: () => ({
        regionCode: '53.03',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2025,
        amount: 1,
        programName: 'p',
        legalBasis: 'l',
        allocatedOn: '2025-07-01',
      }),
      allowed: ['finance'],
    },
    {
      names: 'id',
      unknown: () => `/api/v1/allocations/${UNKNOWN}/revisions`,
      name: 'revise',
      method: 'post',
      path: () => `/api/v1/allocations/${ids.allocation}/revisions`,
      body: () => ({ amount: 20 * 16_800, reason: 'r', legalBasis: 'l', revisedOn: '2025-09-01' }),
      allowed: ['finance'],
    },
    {
      names: 'region',
      name: 'enrol',
      method: 'post',
      path: () => '/api/v1/workers',
      body: () => ({
        nik: makeNik('53.03.01', '1981-02-02', 'F', 2),
        fullName: 'B',
        birthDate: '1981-02-02',
        sex: 'F',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId: ids.allocation,
        enrolledOn: '2025-07-07',
      }),
      allowed: ['operator'],
    },
    {
      names: 'id',
      unknown: () => `/api/v1/workers/${UNKNOWN}/corrections`,
      name: 'correct',
      method: 'post',
      path: () => `/api/v1/workers/${ids.worker}/corrections`,
      body: () => ({ occupation: 'PETANI', reason: 'r', correctedOn: '2025-08-01' }),
      allowed: ['operator'],
    },
    {
      names: 'id',
      unknown: () => `/api/v1/workers/${UNKNOWN}/exit`,
      name: 'exit',
      method: 'post',
      path: () => `/api/v1/workers/${ids.worker}/exit`,
      body: () => ({ reason: 'MOVED', effectiveDate: '2025-12-31' }),
      allowed: ['operator'],
    },
    {
      names: 'id',
      name: 'pay',
      method: 'post',
      path: () => '/api/v1/contributions',
      body: () => ({ allocationId: ids.allocation, period: '2025-08', paidOn: '2025-08-10' }),
      allowed: ['operator'],
    },
    {
      names: 'id',
      unknown: () => `/api/v1/claims/${UNKNOWN}/rejection`,
      name: 'reject claim',
      method: 'post',
      path: () => `/api/v1/claims/${ids.claim}/rejection`,
      body: () => ({ reason: 'r', rejectedOn: '2025-08-01' }),
      allowed: ['operator'],
    },
    {
      names: 'region',
      name: 'workforce estimate',
      method: 'post',
      path: () => '/api/v1/regions/53.03/workforce-estimates',
      body: () => ({ year: 2025, informalWorkers: 100_000, source: 's' }),
      allowed: ['admin'],
    },
    {
      names: 'region',
      name: 'coverage',
      method: 'get',
      path: () => '/api/v1/coverage/53.03?period=2025-07',
      allowed: ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'],
    },
    {
      names: 'region',
      name: 'funding',
      method: 'get',
      path: () => '/api/v1/funding/53.03?fiscalYear=2025',
      allowed: ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'],
    },
    {
      names: 'region',
      name: 'claims',
      method: 'get',
      path: () => '/api/v1/claims?regionCode=53.03',
      allowed: ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'],
    },
    {
      names: 'id',
      unknown: () => `/api/v1/workers/${UNKNOWN}`,
      name: 'worker',
      method: 'get',
      path: () => `/api/v1/workers/${ids.worker}`,
      allowed: ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'],
    },
    {
      names: 'region',
      name: 'workers',
      method: 'get',
      path: () => '/api/v1/workers?regionCode=53.03',
      allowed: ['analyst', 'operator', 'finance', 'auditor', 'oversight', 'admin'],
    },
  ];
  const ALL: Role[] = ['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'];
  const call = (e: Endpoint) => {
    const req = t.http[e.method](e.path());
    return e.body ? req.send(e.body()) : req;
  };

  it.each(endpoints.map((e) => [e.name, e] as const))('%s: 401 without a token, 403 for the other roles', async (_, e) => {
    const res = await call(e).expect(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    for (const role of ALL.filter((r) => !e.allowed.includes(r))) {
      await call(e)
        .set(t.as([role]))
        .expect(403);
    }
  });

  it.each(endpoints.filter((e) => e.names === 'region').map((e) => [e.name, e] as const))(
    '%s: 403 for the right role outside the region it names',
    async (_, e) => {
      const res = await call(e)
        .set(t.as(e.allowed, ['53.01']))
        .expect(403);
      expect(res.body.detail).toMatch(/region/);
    },
  );

  it.each(endpoints.filter((e) => e.names === 'id').map((e) => [e.name, e] as const))(
    '%s: 404 for the right role outside the region of what it names, exactly as an unknown id, naming no region',
    async (_, e) => {
      const res = await call(e)
        .set(t.as(e.allowed, ['53.01']))
        .expect(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.text).not.toMatch(/53\.03/);
      if (e.unknown) {
        const req = t.http[e.method](e.unknown()).set(t.as(e.allowed, ['53.01']));
        const unknown = await (e.body ? req.send(e.body()) : req).expect(404);
        const known = Object.values(ids).find((id) => e.path().includes(id))!;
        expect(res.body.detail.replace(known, '<id>')).toBe(unknown.body.detail.replace(UNKNOWN, '<id>'));
      }
    },
  );

  it.each(endpoints.map((e) => [e.name, e] as const))('%s: allowed for the right role in its region', async (_, e) => {
    const res = await call(e).set(t.as([e.allowed[0]], ['53.03']));
    expect(res.status).toBeLessThan(300);
  });

  it('refuses a token signed with another secret, an expired one, one without exp, and one with an unknown role or region', async () => {
    const jwt = await import('@nestjs/jwt');
    const sign = (payload: object, secret = 'test-secret-for-e2e-only', expiresIn: number = 60) =>
      new jwt.JwtService({ secret }).sign(payload, { expiresIn });
    const get = (token: string) => t.http.get('/api/v1/coverage/53').set({ Authorization: `Bearer ${token}` });
    await get(sign({ sub: 'a', roles: ['analyst'], regions: ['ID'] }, 'another-secret')).expect(401);
    await get(sign({ sub: 'a', roles: ['analyst'], regions: ['ID'] }, undefined, -10)).expect(401);
    await get(sign({ sub: 'a', roles: ['king'], regions: ['ID'] })).expect(401);
    await get(sign({ sub: 'a', roles: ['analyst'], regions: ['99'] })).expect(401);
    const noExp = new jwt.JwtService({ secret: 'test-secret-for-e2e-only' }).sign({ sub: 'a', roles: ['analyst'], regions: ['ID'] });
    expect((await get(noExp).expect(401)).body.detail).toMatch(/exp/);
  });
});
