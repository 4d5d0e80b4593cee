import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNik } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { checkProjections, ProjectionService, RebuildService } from '@app/ledger';
import { InMemoryReadModels, LEDGER_PROJECTIONS, ProjectionRunner, READ_STORE, ReadStore } from '@app/read-models';
import { startApp, TestApp } from '../support/app';
import { cli } from '../support/tamper';

/**
 * `POST /api/v1/admin/projections/rebuild` and `GET /api/v1/jobs/{jobId}` (api.md 1.1), and
 * `npm run cli -- verify --projections`.
 */
describe('projection rebuild as a job, and verify --projections', () => {
  let t: TestApp;
  let dataDir: string;
  let closed = false;
  let last = '';
  const admin = (sub = 'root') => t.as(['admin'], ['ID'], sub);
  const finance = () => t.as(['finance'], ['ID'], 'ana');
  const operator = () => t.as(['operator'], ['ID'], 'budi');
  const analyst = () => t.as(['analyst'], ['53'], 'dpr');

  let serial = 900;
  async function allocate(regionCode: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({
        regionCode,
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2025,
        amount: 500_000_000,
        programName: 'Pekerja rentan',
        legalBasis: 'Perbup',
        allocatedOn: '2025-07-01',
        targetWorkers: 100,
        ...extra,
      })
      .expect(201);
    last = res.body.position;
    return res.body.allocationId;
  }
  async function enrol(allocationId: string, village: string): Promise<string> {
    const district = village.split('.').slice(0, 3).join('.');
    const res = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik: makeNik(district, '1975-05-05', 'M', serial++),
        fullName: 'Yakobus',
        birthDate: '1975-05-05',
        sex: 'M',
        regionCode: village,
        occupation: 'NELAYAN',
        allocationId,
        enrolledOn: '2025-07-10',
      })
      .expect(201);
    last = res.body.position;
    return res.body.workerId;
  }
  async function pay(allocationId: string, period: string, paidOn: string): Promise<void> {
    const res = await t.http.post('/api/v1/contributions').set(operator()).send({ allocationId, period, paidOn }).expect(201);
    last = res.body.position;
  }

  /** The queries whose answers a rebuild must never change: region 53's figures. */
  const QUERIES: Array<[string, Record<string, string>, () => Record<string, string>]> = [
    ['/api/v1/funding/53', { fiscalYear: '2025' }, analyst],
    ['/api/v1/coverage/53', { period: '2025-09' }, analyst],
    ['/api/v1/claims', { regionCode: '53' }, analyst],
    ['/api/v1/workers', { regionCode: '53', pageSize: '500' }, analyst],
    ['/api/v1/audit/findings', { regionCode: '53' }, () => t.as(['auditor'], ['53'], 'bpk')],
  ];
  const answers = () => Promise.all(QUERIES.map(async ([path, query, who]) => (await t.http.get(path).query(query).set(who())).body));

  let ttu: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    t = await startApp({ DATA_DIR: dataDir });
    ttu = await allocate('53.03');
    for (let i = 0; i < 6; i++) await Promise.all(Array.from({ length: 10 }, () => enrol(ttu, '53.03.01.2005')));
    for (const [period, paidOn] of [
      ['2025-08', '2025-08-10'],
      ['2025-09', '2025-10-20'],
      ['2025-10', '2025-10-10'],
      ['2025-11', '2025-11-10'],
    ])
      await pay(ttu, period, paidOn);
    await t.http
      .post(`/api/v1/allocations/${ttu}/revisions`)
      .set(finance())
      .send({ amount: 9_000_000, reason: 'APBD Perubahan', legalBasis: 'Perda', revisedOn: '2025-09-30' })
      .expect(200);
    await t.app.get(ProjectionService).waitFor(last, 10_000);
  }, 120_000);
  afterAll(async () => {
    if (!closed) await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const job = (jobId: string, headers = admin()) => t.http.get(`/api/v1/jobs/${jobId}`).set(headers);
  async function finished(jobId: string): Promise<Record<string, unknown>> {
    for (;;) {
      const res = await job(jobId).expect(200);
      if (res.body.status !== 'RUNNING') return res.body;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('answers 202 { jobId }, shows the job with its progress, refuses a second rebuild while one runs (409 naming it)', async () => {
    const store = t.app.get<ReadStore>(READ_STORE);
    const create = store.createGeneration.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    store.createGeneration = async () => {
      await gate;
      return create();
    };
    try {
      const started = await t.http.post('/api/v1/admin/projections/rebuild').set(admin()).expect(202);
      expect(started.body).toEqual({ jobId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const { jobId } = started.body;
      const head = Number(await t.app.get<EventStore>(EVENT_STORE).headPosition());
      const running = await job(jobId).expect(200);
      expect(running.body).toEqual({
        jobId,
        kind: 'PROJECTION_REBUILD',
        status: 'RUNNING',
        progress: { done: 0, total: head },
        startedAt: expect.any(String),
      });
      const second = await t.http.post('/api/v1/admin/projections/rebuild').set(admin('other-admin')).expect(409);
      expect(second.body.detail).toContain(jobId);
      release();
      const done = await finished(jobId);
      expect(done).toMatchObject({
        jobId,
        status: 'SUCCEEDED',
        progress: { done: head, total: head },
        finishedAt: expect.any(String),
        result: { eventsProjected: head },
      });
    } finally {
      release();
      store.createGeneration = create;
    }
  });

  it('is for admins (403 for the other roles), a job for admins and its creator; unknown 404, malformed 400', async () => {
    for (const role of ['analyst', 'operator', 'finance', 'auditor', 'oversight'] as const)
      await t.http
        .post('/api/v1/admin/projections/rebuild')
        .set(t.as([role]))
        .expect(403);
    await t.http.post('/api/v1/admin/projections/rebuild').expect(401);
    const { jobId } = (await t.http.post('/api/v1/admin/projections/rebuild').set(admin()).expect(202)).body;
    await finished(jobId);
    await job(jobId, admin('another-admin')).expect(200);
    await job(jobId, t.as(['auditor'])).expect(403);
    await job('00000000-0000-4000-8000-000000000000').expect(404);
    await job('00000000-0000-4000-8000-000000000000', t.as(['operator'])).expect(403);
    await job('not-a-job').expect(400);
  });

  it('under load never makes a query answer wrong or empty, and ends equal to a replay, document by document', async () => {
    const expected = await answers();
    expect(expected[0].allocated).toBe(9_000_000);
    expect(expected[1].coveredWorkers).toBe(60);
    expect(expected[3].total).toBe(60);
    expect(expected[4].totals.LATE_PAYMENT.count).toBe(60);
    const store = t.app.get<ReadStore>(READ_STORE);
    const before = (await store.active()).generation;
    // Small batches into a slow store: a rebuild of many steps, each giving the queries a turn.
    const rebuilds = t.app.get(RebuildService);
    rebuilds.batchSize = 10;
    const create = store.createGeneration.bind(store);
    store.createGeneration = async () => {
      const fresh = await create();
      const commit = fresh.commit.bind(fresh);
      fresh.commit = async (...args) => {
        await new Promise((r) => setTimeout(r, 3));
        return commit(...args);
      };
      return fresh;
    };
    try {
      const { jobId } = (await t.http.post('/api/v1/admin/projections/rebuild').set(admin()).expect(202)).body;
      let status = 'RUNNING';
      let during = 0;
      const progress: number[] = [];
      // Writes elsewhere (NTB) while it runs: the live runner projects them into the old generation, the rebuild into the new.
      const writes = (async () => {
        const ntb = await allocate('52.71');
        for (let i = 0; i < 3; i++) await enrol(ntb, '52.71.01.1004');
        await pay(ntb, '2025-08', '2025-08-10');
        return last;
      })();
      while (status === 'RUNNING') {
        const got = await answers();
        for (const [i, answer] of got.entries()) expect(answer).toEqual(expected[i]);
        const res = await job(jobId).expect(200);
        status = res.body.status;
        progress.push(res.body.progress.done);
        if (status === 'RUNNING') during++;
      }
      const lastWrite = await writes;
      expect(status).toBe('SUCCEEDED');
      expect(during).toBeGreaterThan(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      const done = (await job(jobId).expect(200)).body;
      expect(done.result.generation).toBeGreaterThan(before);
      expect((await store.active()).generation).toBe(done.result.generation);
      for (const [i, answer] of (await answers()).entries()) expect(answer).toEqual(expected[i]);
      // The writes made during the rebuild are in the new generation too.
      const ntbFunding = await t.http
        .get('/api/v1/funding/52.71')
        .query({ fiscalYear: '2025', consistentWith: lastWrite })
        .set(t.as(['analyst']))
        .expect(200);
      expect(ntbFunding.body.disbursed).toBe(3 * 16_800);

      // Equal to a replay of the whole ledger, collection by collection, document by document.
      const events = t.app.get<EventStore>(EVENT_STORE);
      expect(await t.app.get(ProjectionService).waitFor((await events.headPosition())!, 10_000)).toBe(true);
      const memory = new InMemoryReadModels();
      await new ProjectionRunner(events, async () => memory, LEDGER_PROJECTIONS).catchUp();
      const live = await store.active();
      for (const collection of LEDGER_PROJECTIONS.flatMap((p) => p.collections)) {
        const [a, b] = await Promise.all([live.find(collection), memory.find(collection)]);
        expect({ collection, ids: a.items.map((d) => d.id) }).toEqual({ collection, ids: b.items.map((d) => d.id) });
        for (const [k, doc] of a.items.entries()) expect({ collection, doc }).toEqual({ collection, doc: b.items[k] });
      }
      expect((await checkProjections(events, () => store.active(), LEDGER_PROJECTIONS)).ok).toBe(true);
    } finally {
      rebuilds.batchSize = 1000;
      store.createGeneration = create;
    }
  }, 60_000);

  it('verify --projections: exit 0 on consistent read models; 1 naming the document after one is changed in the SQLite file', async () => {
    const events = t.app.get<EventStore>(EVENT_STORE);
    await t.app.get(ProjectionService).waitFor((await events.headPosition())!, 10_000);
    await t.close();
    closed = true;

    const ok = cli(dataDir, ['verify', '--projections']);
    expect(ok.stderr).not.toMatch(/Error/);
    expect(ok.stdout).toContain('projections: OK');
    expect(ok.stdout).toMatch(/findings v1: \d+ documents/);
    expect(ok.status).toBe(0);

    const db = new Database(join(dataDir, 'read-models.sqlite'));
    try {
      const generation = Number(db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'activeGeneration'").get()!.value);
      const table = `rm_g${generation}_fundingTotals`;
      const row = db.prepare<[string], { doc: string }>(`SELECT doc FROM ${table} WHERE id = ?`).get('53:2025')!;
      const doc = JSON.parse(row.doc);
      db.prepare(`UPDATE ${table} SET doc = ? WHERE id = ?`).run(JSON.stringify({ ...doc, disbursed: doc.disbursed + 1 }), '53:2025');
    } finally {
      db.close();
    }
    const changed = cli(dataDir, ['verify', '--projections']);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('projections: MISMATCH');
    expect(changed.stdout).toContain('fundingTotals/53:2025 (projection funding): differs (disbursed)');
    // The ledger itself is fine: plain verify still passes.
    expect(cli(dataDir, ['verify']).status).toBe(0);
  }, 120_000);
});
