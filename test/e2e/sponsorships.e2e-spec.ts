import { randomUUID } from 'node:crypto';
import { makeNik } from '@app/domain';
import type { Role } from '../../apps/api/src/auth/user';
import { startApp, TestApp } from '../support/app';

/** `POST /api/v1/allocations/{allocationId}/sponsorships` (api.md 1.1, rule 13), and the large bodies of the batch routes. */
describe('sponsorship transfers over HTTP', () => {
  let t: TestApp;
  const WORKER_MONTH = 16_800;
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';
  const finance = (regions = ['53']) => t.as(['finance'], regions);
  const operator = (regions = ['53']) => t.as(['operator'], regions);

  let serial = 500;
  async function allocate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance(['ID']))
      .send({
        programName: 'Pekerja rentan',
        legalBasis: 'Pergub',
        fiscalYear: 2025,
        amount: 100 * WORKER_MONTH,
        allocatedOn: '2025-07-01',
        ...body,
      })
      .expect(201);
    return res.body.allocationId;
  }
  async function enrol(allocationId: string, regionCode: string): Promise<string> {
    const district = regionCode.split('.').slice(0, 3).join('.');
    const res = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik: makeNik(district, '1979-09-09', 'M', serial++),
        fullName: 'Petrus',
        birthDate: '1979-09-09',
        sex: 'M',
        regionCode,
        occupation: 'NELAYAN',
        allocationId,
        enrolledOn: '2025-08-01',
      })
      .expect(201);
    return res.body.workerId;
  }
  const transfer = (allocationId: string, body: unknown, headers: Record<string, string> = finance()) =>
    t.http
      .post(`/api/v1/allocations/${allocationId}/sponsorships`)
      .set(headers)
      .send(body as object);

  // The province's 2025 allocation sponsors 3 workers of TTU (53.03), 2 of Kupang (53.01) and 1 who exited.
  let province: string;
  let ttu2026: string;
  let ttuWorkers: string[];
  let kupangWorkers: string[];
  let exited: string;
  beforeAll(async () => {
    t = await startApp();
    province = await allocate({ regionCode: '53', fundingSource: 'APBD_PROVINSI' });
    ttu2026 = await allocate({ regionCode: '53.03', fundingSource: 'APBD_KABUPATEN_KOTA', fiscalYear: 2026, allocatedOn: '2026-01-02' });
    ttuWorkers = [await enrol(province, '53.03.01.2005'), await enrol(province, '53.03.02.2001'), await enrol(province, '53.03.02.2005')];
    kupangWorkers = [await enrol(province, '53.01.04.2003'), await enrol(province, '53.01.04.2005')];
    exited = await enrol(province, '53.03.01.2005');
    await t.http.post(`/api/v1/workers/${exited}/exit`).set(operator()).send({ reason: 'MOVED', effectiveDate: '2025-10-01' }).expect(200);
  });
  afterAll(async () => t.close());

  describe('who may transfer', () => {
    it.each(['analyst', 'auditor', 'oversight', 'admin'] as Role[])('refuses %s (403)', async (role) => {
      const res = await transfer(ttu2026, { workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' }, t.as([role], ['ID'])).expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it("needs a token (401) and the allocation inside the caller's regions (404 outside, as unknown)", async () => {
      await t.http
        .post(`/api/v1/allocations/${ttu2026}/sponsorships`)
        .send({ workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' })
        .expect(401);
      // An allocation outside the caller's regions answers as an unknown one (api.md 1.1): 404, naming no region.
      const res = await transfer(ttu2026, { workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' }, operator(['53.01'])).expect(404);
      expect(res.body.detail).toBe(`allocation ${ttu2026} does not exist`);
    });
  });

  describe('bad requests', () => {
    const bad = async (body: unknown, fields: string[]) => {
      const res = await transfer(ttu2026, body).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(fields);
      return res;
    };

    it('refuses both forms at once, neither, a bad period and bad ids', async () => {
      const both = await bad({ fromAllocationId: province, workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' }, [
        'fromAllocationId',
        'workerIds',
      ]);
      expect(both.body.errors[0].message).toMatch(/either fromAllocationId or workerIds/);
      const neither = await bad({ effectivePeriod: '2026-01' }, ['fromAllocationId']);
      expect(neither.body.errors[0].message).toMatch(/either fromAllocationId or workerIds/);
      await bad({ workerIds: [ttuWorkers[0]], effectivePeriod: '2026-13' }, ['effectivePeriod']);
      await bad({ workerIds: [ttuWorkers[0]] }, ['effectivePeriod']);
      await bad({ workerIds: ['nope'], effectivePeriod: '2026-01' }, ['workerIds']);
      await bad({ workerIds: [], effectivePeriod: '2026-01' }, ['workerIds']);
      await bad({ workerIds: [ttuWorkers[0], ttuWorkers[0]], effectivePeriod: '2026-01' }, ['workerIds']);
      await bad({ fromAllocationId: { $ne: null }, effectivePeriod: 202601 }, ['effectivePeriod', 'fromAllocationId']);
      await bad({ workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01', __proto__: { admin: true }, toAllocationId: ttu2026 }, [
        'toAllocationId',
      ]);
      await bad({ fromAllocationId: ttu2026, effectivePeriod: '2026-01' }, ['fromAllocationId']);
    });

    it('answers 404 for an unknown allocation, an unknown fromAllocationId and unknown named workers', async () => {
      await transfer(UNKNOWN, { workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' }).expect(404);
      await transfer('not-an-id', { workerIds: [ttuWorkers[0]], effectivePeriod: '2026-01' }).expect(404);
      await transfer(ttu2026, { fromAllocationId: UNKNOWN, effectivePeriod: '2026-01' }).expect(404);
      const res = await transfer(ttu2026, { workerIds: [ttuWorkers[0], UNKNOWN], effectivePeriod: '2026-01' }).expect(404);
      expect(res.body.detail).toBe(`unknown workers: ${UNKNOWN}`);
    });

    it("answers a named worker outside the caller's regions exactly like an unknown one", async () => {
      const allocation = await allocate({
        regionCode: '53.03',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2026,
        allocatedOn: '2026-01-02',
      });
      const res = await transfer(allocation, { workerIds: [kupangWorkers[0]], effectivePeriod: '2026-01' }, operator(['53.03'])).expect(
        404,
      );
      expect(res.body.detail).toBe(`unknown workers: ${kupangWorkers[0]}`);
    });

    it("refuses an effectivePeriod that the allocation's fiscal year does not pay (422) and appends nothing", async () => {
      const res = await transfer(ttu2026, { workerIds: [ttuWorkers[0]], effectivePeriod: '2025-11' }).expect(422);
      expect(res.body.detail).toMatch(/effectivePeriod 2025-11 is outside allocation .* fiscal year 2026/);
      await transfer(ttu2026, { workerIds: [ttuWorkers[0]], effectivePeriod: '2027-01' }).expect(422);
    });
  });

  describe('moving a cohort', () => {
    it("moves every active worker of another allocation, skipping those outside the new allocation's region; a keyed retry answers the same", async () => {
      const headers = { ...operator(), 'Idempotency-Key': `cohort-${ttu2026}` };
      const first = await transfer(ttu2026, { fromAllocationId: province, effectivePeriod: '2026-01' }, headers).expect(200);
      expect(first.body).toMatchObject({ allocationId: ttu2026, workerCount: 3, position: expect.any(String) });
      expect(first.body.skipped).toHaveLength(2);
      for (const s of first.body.skipped) {
        expect(kupangWorkers).toContain(s.workerId);
        expect(s).toMatchObject({
          reason: 'OUTSIDE_REGION',
          detail: expect.stringMatching(/^the worker's region 53\.01\.04\.200\d is outside the allocation's region 53\.03$/),
        });
      }
      // The same key and body: the first answer, nothing appended (the moved workers are now the new allocation's).
      const retry = await transfer(ttu2026, { fromAllocationId: province, effectivePeriod: '2026-01' }, headers).expect(200);
      expect(retry.body).toEqual(first.body);
      // The same key with another body: 409.
      await transfer(ttu2026, { fromAllocationId: province, effectivePeriod: '2026-02' }, headers).expect(409);

      const list = await t.http
        .get('/api/v1/workers')
        .query({ allocationId: ttu2026, regionCode: '53', consistentWith: first.body.position })
        .set(t.as(['analyst']))
        .expect(200);
      expect(list.body.items.map((w: { workerId: string }) => w.workerId).sort()).toEqual([...ttuWorkers].sort());
      const history = await t.http
        .get(`/api/v1/audit/streams/worker-${ttuWorkers[0]}`)
        .set(t.as(['auditor']))
        .expect(200);
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(['WorkerEnrolled', 'SponsorshipTransferred']);
      expect(history.body.items[1]).toMatchObject({
        data: { fromAllocationId: province, toAllocationId: ttu2026, effectivePeriod: '2026-01' },
        metadata: expect.objectContaining({}),
      });

      // The province's cohort left is the Kupang workers: a second transfer moves nobody and says why.
      const nobody = await transfer(ttu2026, { fromAllocationId: province, effectivePeriod: '2026-01' }).expect(200);
      expect(nobody.body).toMatchObject({ workerCount: 0, detail: 'every worker of the cohort was skipped: 2 OUTSIDE_REGION' });

      // The new allocation's default batch pays them.
      const batch = await t.http
        .post('/api/v1/contributions')
        .set(operator())
        .send({ allocationId: ttu2026, period: '2026-01', paidOn: '2026-01-10' })
        .expect(201);
      expect(batch.body).toMatchObject({ workerCount: 3, amount: 3 * WORKER_MONTH, skipped: [] });
    });

    it('skips named workers who exited, are already sponsored or live outside the region, and answers a keyed retry the same', async () => {
      const kupang2026 = await allocate({
        regionCode: '53.01',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2026,
        allocatedOn: '2026-01-02',
      });
      const headers = { ...finance(), 'Idempotency-Key': 'named-kupang-2026' };
      const body = { workerIds: [kupangWorkers[0], exited, ttuWorkers[0], kupangWorkers[1]], effectivePeriod: '2026-01' };
      const first = await transfer(kupang2026, body, headers).expect(200);
      expect(first.body).toEqual({
        allocationId: kupang2026,
        workerCount: 2,
        skipped: [
          { workerId: exited, reason: 'EXITED', detail: 'exited on 2025-10-01' },
          {
            workerId: ttuWorkers[0],
            reason: 'OUTSIDE_REGION',
            detail: "the worker's region 53.03.01.2005 is outside the allocation's region 53.01",
          },
        ],
        position: expect.any(String),
      });
      expect(await transfer(kupang2026, body, headers).expect(200)).toHaveProperty('body', first.body);

      const again = await transfer(kupang2026, { workerIds: [kupangWorkers[1]], effectivePeriod: '2026-01' }, operator()).expect(200);
      expect(again.body).toMatchObject({
        workerCount: 0,
        skipped: [{ workerId: kupangWorkers[1], reason: 'ALREADY_SPONSORED' }],
        detail: 'every named worker was skipped: 1 ALREADY_SPONSORED',
      });
    });
  });

  describe('large bodies', () => {
    it('takes 100,000 named workers in one contributions request, and 200,000 in a transfer; other routes keep the default limit (413)', async () => {
      const many = Array.from({ length: 100_000 }, () => randomUUID());
      const batch = await t.http
        .post('/api/v1/contributions')
        .set(operator())
        .send({ allocationId: province, period: '2025-09', paidOn: '2025-09-10', workerIds: many });
      expect(batch.status).toBe(404);
      expect(batch.body.detail).toMatch(/^unknown workers: .* and 99980 more$/);

      const most = [...many, ...Array.from({ length: 100_000 }, () => randomUUID())];
      const started = Date.now();
      const moved = await transfer(ttu2026, { workerIds: most, effectivePeriod: '2026-01' });
      expect(moved.status).toBe(404);
      expect(Date.now() - started).toBeLessThan(20_000);
      const tooMany = await transfer(ttu2026, { workerIds: [...most, randomUUID()], effectivePeriod: '2026-01' }).expect(400);
      expect(tooMany.body.errors).toEqual([
        { field: 'workerIds', message: 'must be an array of 1 to 200,000 distinct worker ids (UUIDs)' },
      ]);

      const huge = await t.http
        .post('/api/v1/contributions')
        .set(operator())
        .send({ allocationId: province, period: '2025-09', paidOn: '2025-09-10', workerIds: [...most, ...most] })
        .expect(413);
      expect(huge.headers['content-type']).toMatch(/problem\+json/);
      const enrolment = await t.http
        .post('/api/v1/workers')
        .set(operator())
        .send({ nik: 'x', fullName: 'y'.repeat(2_000_000) })
        .expect(413);
      expect(enrolment.headers['content-type']).toMatch(/problem\+json/);
    }, 120_000);
  });
});
