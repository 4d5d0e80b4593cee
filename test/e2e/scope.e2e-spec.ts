import { makeNik } from '@app/domain';
import type { Role } from '../../apps/api/src/auth/user';
import { startApp, TestApp } from '../support/app';

const ALL: Role[] = ['operator', 'finance', 'analyst', 'auditor', 'oversight', 'admin'];
const UNKNOWN_WORKER = '00000000-0000-4000-8000-00000000000a';
const UNKNOWN_ALLOCATION = '00000000-0000-4000-8000-00000000000b';
const UNKNOWN_CLAIM = '00000000-0000-4000-8000-00000000000c';
const VILLAGE_03 = '53.03.01.2005';
const VILLAGE_01 = '53.01.04.2003';

/**
 * api.md "Bounds and hostile input": a user of 53.01 (with every role) names 53.03's worker, allocation
 * and claim in every way the API allows. Each answer is exactly the answer for an unknown id, and no
 * answer, 4xx included, carries 53.03's region, village, worker, allocation or claim unless the request
 * itself named it. Enrolment is no oracle for whether a NIK is enrolled.
 */
describe('region scope: out-of-region data is never named', () => {
  let t: TestApp;
  const w = { a3: '', w3: '', c3: '', a1: '', w1: '' };
  const nik3 = makeNik('53.03.01', '1980-02-02', 'M', 1);
  const as03 = () => t.as(['operator', 'finance'], ['53.03'], 'ops-53-03');
  const mallory = () => t.as(ALL, ['53.01'], 'mallory');

  beforeAll(async () => {
    t = await startApp({ DUPLICATE_NIK_LIMIT: '3', COMMAND_RATE_LIMIT: '400' });
    const allocate = async (regionCode: string, who: Record<string, string>) =>
      (
        await t.http
          .post('/api/v1/allocations')
          .set(who)
          .send({
            regionCode,
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            amount: 100 * 16_800,
            programName: 'p',
            legalBasis: 'l',
            allocatedOn: '2025-07-01',
          })
          .expect(201)
      ).body.allocationId as string;
    w.a3 = await allocate('53.03', as03());
    w.a1 = await allocate('53.01', mallory());
    const enrol = async (nik: string, regionCode: string, allocationId: string, who: Record<string, string>, birthDate = '1980-02-02') =>
      (
        await t.http
          .post('/api/v1/workers')
          .set(who)
          .send({ nik, fullName: 'A', birthDate, sex: 'M', regionCode, occupation: 'NELAYAN', allocationId, enrolledOn: '2025-07-07' })
          .expect(201)
      ).body.workerId as string;
    w.w3 = await enrol(nik3, VILLAGE_03, w.a3, as03());
    w.w1 = await enrol(makeNik('53.01.01', '1981-03-03', 'M', 7), VILLAGE_01, w.a1, mallory(), '1981-03-03');
    await t.http
      .post('/api/v1/contributions')
      .set(as03())
      .send({ allocationId: w.a3, period: '2025-07', paidOn: '2025-07-10' })
      .expect(201);
    w.c3 = (
      await t.http
        .post('/api/v1/claims')
        .set(as03())
        .send({ workerId: w.w3, type: 'JKK', incidentDate: '2025-07-20', description: 'd' })
        .expect(201)
    ).body.claimId;
  });
  afterAll(async () => t.close());

  type Probe = { name: string; method: 'get' | 'post'; path: (ids: typeof w) => string; body?: (ids: typeof w) => object };
  const probes: Probe[] = [
    { name: 'read the worker', method: 'get', path: (i) => `/api/v1/workers/${i.w3}` },
    {
      name: 'exit the worker',
      method: 'post',
      path: (i) => `/api/v1/workers/${i.w3}/exit`,
      body: () => ({ reason: 'MOVED', effectiveDate: '2025-12-31' }),
    },
    {
      name: 'correct the worker',
      method: 'post',
      path: (i) => `/api/v1/workers/${i.w3}/corrections`,
      body: () => ({ occupation: 'PETANI', reason: 'r', correctedOn: '2025-08-01' }),
    },
    {
      name: 'move the worker into 53.01',
      method: 'post',
      path: (i) => `/api/v1/workers/${i.w3}/corrections`,
      body: () => ({ regionCode: VILLAGE_01, reason: 'r', correctedOn: '2025-08-01' }),
    },
    {
      name: 're-activate the worker',
      method: 'post',
      path: (i) => `/api/v1/workers/${i.w3}/reactivation`,
      body: () => ({ effectiveDate: '2025-12-01' }),
    },
    {
      name: 'claim for the worker',
      method: 'post',
      path: () => '/api/v1/claims',
      body: (i) => ({ workerId: i.w3, type: 'JKM', incidentDate: '2025-07-21', description: 'd' }),
    },
    {
      name: 'settle the claim',
      method: 'post',
      path: (i) => `/api/v1/claims/${i.c3}/settlement`,
      body: () => ({ settledOn: '2025-08-01', benefits: [{ kind: 'JKK_MEDICAL', amount: 1000 }], paymentReference: 'r' }),
    },
    {
      name: 'reject the claim',
      method: 'post',
      path: (i) => `/api/v1/claims/${i.c3}/rejection`,
      body: () => ({ reason: 'r', rejectedOn: '2025-08-01' }),
    },
    {
      name: 'revise the allocation',
      method: 'post',
      path: (i) => `/api/v1/allocations/${i.a3}/revisions`,
      body: () => ({ amount: 1, reason: 'r', legalBasis: 'l', revisedOn: '2025-08-01' }),
    },
    {
      name: 'pay from the allocation',
      method: 'post',
      path: () => '/api/v1/contributions',
      body: (i) => ({ allocationId: i.a3, period: '2025-08', paidOn: '2025-08-10' }),
    },
    {
      name: 'pay the worker from a 53.01 allocation',
      method: 'post',
      path: () => '/api/v1/contributions',
      body: (i) => ({ allocationId: i.a1, period: '2025-08', paidOn: '2025-08-10', workerIds: [i.w3] }),
    },
    {
      name: 'enrol in 53.01 on the allocation',
      method: 'post',
      path: () => '/api/v1/workers',
      body: (i) => ({
        nik: makeNik('53.01.01', '1990-01-01', 'F', 9),
        fullName: 'B',
        birthDate: '1990-01-01',
        sex: 'F',
        regionCode: VILLAGE_01,
        occupation: 'PETANI',
        allocationId: i.a3,
        enrolledOn: '2025-07-07',
      }),
    },
    {
      name: 'take the allocation over',
      method: 'post',
      path: (i) => `/api/v1/allocations/${i.a3}/sponsorships`,
      body: (i) => ({ workerIds: [i.w1], effectivePeriod: '2025-09' }),
    },
    {
      name: "take the allocation's cohort",
      method: 'post',
      path: (i) => `/api/v1/allocations/${i.a1}/sponsorships`,
      body: (i) => ({ fromAllocationId: i.a3, effectivePeriod: '2025-09' }),
    },
    {
      name: 'take the worker over',
      method: 'post',
      path: (i) => `/api/v1/allocations/${i.a1}/sponsorships`,
      body: (i) => ({ workerIds: [i.w3], effectivePeriod: '2025-09' }),
    },
    { name: "the allocation's history", method: 'get', path: (i) => `/api/v1/audit/allocations/${i.a3}/history` },
    { name: "the worker's stream", method: 'get', path: (i) => `/api/v1/audit/streams/worker-${i.w3}` },
    { name: "the claim's stream", method: 'get', path: (i) => `/api/v1/audit/streams/claim-${i.c3}` },
  ];
  const unknownIds = () => ({ ...w, a3: UNKNOWN_ALLOCATION, w3: UNKNOWN_WORKER, c3: UNKNOWN_CLAIM });
  const call = (p: Probe, ids: typeof w) => {
    const req = t.http[p.method](p.path(ids)).set(mallory());
    return p.body ? req.send(p.body(ids)) : req;
  };

  it.each(probes.map((p) => [p.name, p] as const))(
    '%s: answered exactly as for an unknown id (404), naming nothing of 53.03',
    async (_, p) => {
      const known = await call(p, w);
      const unknown = await call(p, unknownIds());
      expect(known.status).toBe(404);
      expect(unknown.status).toBe(404);
      const shape = (detail: string) =>
        detail
          .replace(w.a3, '<a>')
          .replace(UNKNOWN_ALLOCATION, '<a>')
          .replace(w.w3, '<w>')
          .replace(UNKNOWN_WORKER, '<w>')
          .replace(w.c3, '<c>')
          .replace(UNKNOWN_CLAIM, '<c>');
      expect(shape(known.body.detail)).toBe(shape(unknown.body.detail));
      const sent = `${p.path(w)} ${JSON.stringify(p.body?.(w) ?? {})}`;
      for (const secret of ['53.03', VILLAGE_03, w.a3, w.w3, w.c3].filter((s) => !sent.includes(s)))
        expect(known.text).not.toContain(secret);
    },
  );

  it('lists and reports of 53.01 never carry 53.03 data, and naming 53.03 is refused without more', async () => {
    const answers = await Promise.all([
      t.http.get(`/api/v1/workers?allocationId=${w.a3}`).set(mallory()),
      t.http.get('/api/v1/workers').set(mallory()),
      t.http.get('/api/v1/claims').set(mallory()),
      t.http.get('/api/v1/funding/53.01?fiscalYear=2025').set(mallory()),
      t.http.get('/api/v1/coverage/53.01?period=2025-07').set(mallory()),
      t.http.get('/api/v1/workers?regionCode=53.03').set(mallory()),
      t.http.get('/api/v1/coverage/53.03').set(mallory()),
    ]);
    for (const a of answers) {
      expect(a.status).toBeLessThan(500);
      for (const secret of [VILLAGE_03, w.a3, w.w3, w.c3, nik3, nik3.slice(-4)]) expect(a.text).not.toContain(secret);
    }
  });

  describe('enrolment is no NIK oracle', () => {
    const body = (nik: string, over: object = {}) => ({
      nik,
      fullName: 'Probe',
      birthDate: '1980-02-02',
      sex: 'M',
      regionCode: VILLAGE_01,
      occupation: 'PETANI',
      allocationId: w.a1,
      enrolledOn: '2025-07-07',
      ...over,
    });
    const fresh = makeNik('53.03.01', '1980-02-02', 'M', 2);
    const enrol = (b: object, who = mallory()) => t.http.post('/api/v1/workers').set(who).send(b);

    it('a body invalid in any other respect is answered the same whether the NIK is enrolled (in 53.03) or not', async () => {
      const variants: object[] = [
        { enrolledOn: '2099-01-01' }, // in the future: 422
        { allocationId: UNKNOWN_ALLOCATION }, // unknown allocation: 404
        { allocationId: w.a3 }, // another region's allocation: 404, as unknown
        { sex: 'F' }, // NIK inconsistent with sex: 400
        { birthDate: '1980-02-03' }, // NIK inconsistent with birth date: 400
        { regionCode: VILLAGE_03 }, // a region outside the user's: 403
        { enrolledOn: '1979-01-01' }, // before birth: 400
        { occupation: 'KING' }, // 400
        { unknown: 1 }, // 400
      ];
      for (const v of variants) {
        const enrolled = await enrol(body(nik3, v));
        const notEnrolled = await enrol(body(fresh, v));
        expect(enrolled.status).toBeGreaterThanOrEqual(400);
        expect([enrolled.status, enrolled.body.detail]).toEqual([notEnrolled.status, notEnrolled.body.detail]);
        expect(enrolled.text).not.toContain(w.w3);
      }
    });

    it('a valid body with an enrolled NIK gets a 409 naming neither the worker nor where; after 3 such answers enrolments are refused (429 with Retry-After)', async () => {
      const conflict = await enrol(body(nik3)).expect(409);
      expect(conflict.headers['content-type']).toMatch(/problem\+json/);
      expect(conflict.body.detail).toBe('a worker with this NIK is already enrolled and active');
      for (const secret of [w.w3, '53.03', VILLAGE_03, w.a3]) expect(conflict.text).not.toContain(secret);
      await enrol(body(nik3)).expect(409);
      await enrol(body(nik3)).expect(409);
      const limited = await enrol(body(nik3)).expect(429);
      expect(limited.headers['content-type']).toMatch(/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Any enrolment by that user now, even of a NIK never seen: no answer says enrolled or not.
      await enrol(body(makeNik('53.01.01', '1982-04-04', 'M', 3), { birthDate: '1982-04-04' })).expect(429);
      // Another user is not affected.
      await enrol(
        body(makeNik('53.01.01', '1983-05-05', 'M', 4), { birthDate: '1983-05-05' }),
        t.as(['operator'], ['53.01'], 'honest'),
      ).expect(201);
    });

    it('a masked NIK and the sex do not give the full NIK back: 220 side-effect-free guesses all get the same answer', async () => {
      // What GET /workers/{id} would show: it answers 404 to this user, so the masked NIK must come from elsewhere.
      const shown = await t.http.get(`/api/v1/workers/${w.w3}`).set(mallory()).expect(404);
      expect(shown.text).not.toMatch(/nikMasked|\*{6}/);
      const masked = `${nik3.slice(0, 6)}******${nik3.slice(12)}`;
      const guesses: string[] = [];
      for (let day = 0; guesses.length < 220; day++) {
        const d = new Date(Date.UTC(1979, 9, 1) + day * 86_400_000).toISOString().slice(0, 10);
        guesses.push(makeNik('53.03.01', d, 'M', Number(masked.slice(12))));
      }
      expect(guesses).toContain(nik3);
      const answers = new Set<string>();
      for (const nik of guesses) {
        const birthDate = `19${nik.slice(10, 12)}-${nik.slice(8, 10)}-${nik.slice(6, 8)}`;
        // enrolledOn in the future: refused before anything is appended, whatever the NIK.
        const a = await t.http
          .post('/api/v1/workers')
          .set(t.as(['operator'], ['53.01'], 'guesser'))
          .send(body(nik, { birthDate, enrolledOn: '2099-12-31' }));
        answers.add(`${a.status} ${a.body.detail.replace(/\d{4}-\d{2}-\d{2}/g, '<date>')}`);
      }
      expect([...answers]).toEqual([expect.stringMatching(/^422 /)]);
    });
  });
});
