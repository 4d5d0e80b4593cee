import { ProjectionService } from '@app/ledger';
import { startApp, TestApp } from '../support/app';

/** /health/live, /health/ready beside /health, and the Prometheus metrics' labels. */
describe('operations: health and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const allocation = {
    regionCode: '53',
    fundingSource: 'APBD_PROVINSI',
    fiscalYear: 2026,
    amount: 10_080_000_000,
    programName: 'Perlindungan pekerja rentan NTT 2026',
    legalBasis: 'Pergub NTT 2026',
    targetWorkers: 50_000,
    allocatedOn: '2026-01-02',
  };

  it('answers /health/live without asking the stores, /health/ready with the stores and the projections', async () => {
    const live = await t.http.get('/health/live').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', info: { process: { status: 'up', pid: process.pid } } });
    const ready = await t.http.get('/health/ready').expect(200);
    expect(Object.keys(ready.body.info).sort()).toEqual(['eventStore', 'projection', 'readStore']);
    await t.http.get('/health').expect(200);
  });

  it('is live but not ready while the projections lag beyond the threshold', async () => {
    const projections = t.app.get(ProjectionService);
    const spy = jest.spyOn(projections, 'lag').mockResolvedValue({ checkpoint: '1', head: '9', caughtUp: false, lagSeconds: 120 });
    try {
      await t.http.get('/health/live').expect(200);
      const ready = await t.http.get('/health/ready').expect(503);
      // The problem filter answers a failed check as problem+json.
      expect(ready.body).toMatchObject({ status: 503, title: 'Not ready' });
    } finally {
      spy.mockRestore();
    }
    await t.http.get('/health/ready').expect(200);
  });

  it('labels requests by route template, counts the events appended and shows lag per projection and job progress', async () => {
    await t.http
      .post('/api/v1/allocations')
      .set(t.as(['finance']))
      .send(allocation)
      .expect(201);
    await t.http
      .get('/api/v1/funding/53')
      .query({ fiscalYear: '2026' })
      .set(t.as(['analyst']))
      .expect(200);
    await t.http
      .get('/api/v1/funding/53.03')
      .query({ fiscalYear: '2026' })
      .set(t.as(['analyst']))
      .expect(200);
    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text: string = res.text;
    // One series for both regions: the template, never the raw URL.
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/api/v1/funding/:regionCode",status="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{method="POST",route="/api/v1/allocations",status="201"} 1');
    expect(text).not.toMatch(/route="\/api\/v1\/funding\/53/);
    expect(text).toMatch(/^ledger_events_appended_total\{type="\w+"\} [1-9]/m);
    for (const projection of ['funding', 'workers', 'coverage', 'claims', 'findings']) {
      expect(text).toMatch(new RegExp(`^ledger_projection_lag_seconds_by_projection\\{projection="${projection}"\\} \\d`, 'm'));
    }
    expect(text).toMatch(/^ledger_projection_lag_seconds \d/m);
    expect(text).toMatch(/^ledger_sealer_lag_seconds \d/m);
    expect(text).toMatch(/^ledger_jobs_running\{kind="WORKER_IMPORT"\} 0/m);
    expect(text).toMatch(/^ledger_job_progress_done\{kind="PROJECTION_REBUILD"\} \d/m);
    expect(text).toMatch(/^http_requests_in_flight \d/m);
  });
});
