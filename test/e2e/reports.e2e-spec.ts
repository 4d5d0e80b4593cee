import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type request from 'supertest';
import { makeNik } from '@app/domain';
import { ReportsService, SealerService, SIGNING_KEY_FILE } from '@app/ledger';
import { canonicalJson, parseSignerKey, verifyReportSignature } from '@app/verifier';
import { startApp, TestApp } from '../support/app';
import { cli } from '../support/tamper';

/** Where the PDF's rendered first page is kept for a human to look at (gitignored: /data/). */
const ARTEFACTS = join(__dirname, '..', '..', 'data', 'test-artefacts', 'reports');
const hasPoppler = ['pdftotext', 'pdftoppm'].every((b) => spawnSync(b, ['-v']).error === undefined);
const WORKER_MONTH = 16_800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 8, "Done when": a year of payments recorded over HTTP, a report as of a moment, then
 * corrections, late exits and more payments; the report as of that moment stays byte for byte the
 * same (JSON and CSV) while a report as of now shows the changes; the report verifies offline.
 */
describe('GET /api/v1/reports/oversight/{regionCode}: point-in-time reports', () => {
  let t: TestApp;
  let dataDir: string;
  let moment: string;
  let ttu: string;
  let province: string;
  const workers: string[] = [];
  let serial = 300;
  const finance = () => t.as(['finance'], ['53'], 'keuangan-ntt');
  const operator = () => t.as(['operator'], ['53'], 'disnaker-ntt');
  const oversight = (regions = ['53']) => t.as(['oversight'], regions, 'dpr-komisi-ix');
  const auditor = () => t.as(['auditor'], ['ID'], 'bpk-auditor');
  const service = () => t.app.get(ReportsService);
  const report = (query: Record<string, string>, accept = 'application/json', region = '53') =>
    t.http.get(`/api/v1/reports/oversight/${region}`).query(query).set(oversight()).set('Accept', accept).buffer(true).parse(rawBody);

  async function allocate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({
        programName: 'Perlindungan Pekerja Rentan',
        legalBasis: 'Pergub NTT 2025',
        fiscalYear: 2025,
        allocatedOn: '2025-01-02',
        ...body,
      })
      .expect(201);
    return res.body.allocationId;
  }
  async function enrol(allocationId: string, regionCode: string, enrolledOn: string): Promise<string> {
    const sex = serial % 2 ? 'M' : 'F';
    const res = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik: makeNik(regionCode.split('.').slice(0, 3).join('.'), '1980-03-01', sex, serial++),
        fullName: 'Maria Bano',
        birthDate: '1980-03-01',
        sex,
        regionCode,
        occupation: serial % 3 ? 'PETANI' : 'NELAYAN',
        allocationId,
        enrolledOn,
      })
      .expect(201);
    return res.body.workerId;
  }
  const pay = (allocationId: string, period: string, paidOn = `${period}-20`) =>
    t.http.post('/api/v1/contributions').set(operator()).send({ allocationId, period, paidOn }).expect(201);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-reports-'));
    t = await startApp({ DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    await t.http
      .post('/api/v1/regions/53/workforce-estimates')
      .set(t.as(['admin']))
      .send({ year: 2025, informalWorkers: 1000, source: 'BPS Sakernas 2025' })
      .expect(201);
    ttu = await allocate({
      regionCode: '53.03',
      fundingSource: 'APBD_KABUPATEN_KOTA',
      amount: 60 * WORKER_MONTH,
      legalBasis: 'Perbup TTU 2025',
    });
    province = await allocate({ regionCode: '53', fundingSource: 'APBD_PROVINSI', amount: 40 * WORKER_MONTH });
    for (const village of ['53.03.01.2005', '53.03.02.2001', '53.03.01.2005', '53.03.02.2001'])
      workers.push(await enrol(ttu, village, '2025-01-06'));
    for (const village of ['53.01.04.2003', '53.01.04.2005']) workers.push(await enrol(province, village, '2025-01-06'));
    for (let m = 1; m <= 12; m++) {
      const period = `2025-${String(m).padStart(2, '0')}`;
      await pay(ttu, period);
      await pay(province, period);
    }
    const claim = await t.http
      .post('/api/v1/claims')
      .set(operator())
      .send({ workerId: workers[0], type: 'JKK', incidentDate: '2025-06-03', description: 'Luka di ladang' })
      .expect(201);
    await t.http
      .post(`/api/v1/claims/${claim.body.claimId}/settlement`)
      .set(operator())
      .send({ settledOn: '2025-06-20', benefits: [{ kind: 'JKK_MEDICAL', amount: 2_500_000 }], paymentReference: 'BPJS-TK-0001' })
      .expect(200);
    await sleep(5);
    moment = new Date().toISOString();
    await sleep(5);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let before: { json: Buffer; csv: Buffer };

  it('reports coverage, funding and claims of NTT and its regencies as of a moment, signed, with digest and checkpoint', async () => {
    const json = await report({ asOf: moment, period: '2025-12', fiscalYear: '2025' })
      .expect(200)
      .expect('Content-Type', /application\/json/);
    const csv = await report({ asOf: moment, period: '2025-12', fiscalYear: '2025' }, 'text/csv')
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    before = { json: json.body, csv: csv.body };
    const r = JSON.parse(json.body.toString('utf8'));
    expect(Object.keys(r)).toEqual([
      'regionCode',
      'regionName',
      'asOf',
      'fiscalYear',
      'period',
      'position',
      'eventCount',
      'treeSize',
      'ledgerDigest',
      'checkpoint',
      'coverage',
      'funding',
      'claims',
      'signature',
    ]);
    expect(r).toMatchObject({
      regionCode: '53',
      regionName: expect.stringMatching(/Nusa Tenggara Timur/i),
      fiscalYear: 2025,
      period: '2025-12',
      position: expect.stringMatching(/^\d{20}$/),
    });
    expect(r.asOf).toMatch(/\+08:00$/);
    expect(Date.parse(r.asOf)).toBe(Date.parse(moment));
    expect(r.eventCount).toBe(r.treeSize);
    expect(r.ledgerDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(r.coverage).toMatchObject({ regionCode: '53', coveredWorkers: 6, enrolledWorkers: 6, coverageRatio: 0.006 });
    expect(r.coverage.children.find((c: { regionCode: string }) => c.regionCode === '53.03')).toMatchObject({ coveredWorkers: 4 });
    expect(r.funding).toMatchObject({ allocated: 100 * WORKER_MONTH, disbursed: 72 * WORKER_MONTH, refunded: 0, workerMonths: 72 });
    expect(r.funding.children.find((c: { regionCode: string }) => c.regionCode === '53.03')).toMatchObject({
      allocated: 60 * WORKER_MONTH,
      disbursed: 48 * WORKER_MONTH,
    });
    expect(r.claims.totals).toEqual({ count: 1, settledAmount: 2_500_000, byType: { JKK: { count: 1, settledAmount: 2_500_000 } } });
    // The same figures as the live queries (one code path), for the moment nothing else was recorded.
    const live = await t.http
      .get('/api/v1/funding/53')
      .query({ fiscalYear: '2025' })
      .set(t.as(['analyst'], ['53']))
      .expect(200);
    expect(r.funding).toEqual(live.body);
    const liveCoverage = await t.http
      .get('/api/v1/coverage/53')
      .query({ period: '2025-12' })
      .set(t.as(['analyst'], ['53']))
      .expect(200);
    expect(r.coverage).toEqual(liveCoverage.body);
    // The checkpoint and the signature verify offline with the CLI's verifier key.
    const key = cli(dataDir, ['verifier-key']).stdout.trim();
    expect(key).toBe(t.app.get(SealerService).key.verifierKey);
    expect(verifyReportSignature(r, key)).toMatchObject({ ok: true, signatureOk: true, checkpointOk: true, problems: [] });
    // CSV: metadata lines, then sections with bilingual labels, RFC 4180 quoting (the checkpoint note spans lines).
    const text = csv.body.toString('utf8');
    expect(text).toContain('Laporan Pengawasan / Oversight report\r\n');
    expect(text).toContain(`Ringkasan buku besar (SHA-256) / Ledger digest,${r.ledgerDigest}\r\n`);
    expect(text).toContain(`Checkpoint bertanda tangan / Signed checkpoint,"${r.checkpoint}"`);
    expect(text).toMatch(/\r\nCakupan \/ Coverage\r\nKode wilayah \/ Region code,/);
    expect(text).toContain('\r\n53.03,');
    expect(text).toContain('\r\nKlaim / Claims');
  });

  it('answers the same bytes for the same request after corrections, late exits and more payments, while a report as of now shows them', async () => {
    // Corrections, a late exit (its months after the exit refunded), more payments and a new claim, all after the moment.
    await t.http
      .post(`/api/v1/allocations/${ttu}/revisions`)
      .set(finance())
      .send({ amount: 70 * WORKER_MONTH, reason: 'APBD Perubahan', legalBasis: 'Perda TTU 9/2025', revisedOn: '2025-10-01' })
      .expect(200);
    await t.http
      .post(`/api/v1/workers/${workers[1]}/exit`)
      .set(operator())
      .send({ reason: 'FORMAL_EMPLOYMENT', effectiveDate: '2025-09-30' })
      .expect(200);
    const extra = await enrol(ttu, '53.03.01.2005', '2025-12-01');
    await t.http
      .post('/api/v1/contributions')
      .set(operator())
      .send({ allocationId: ttu, period: '2025-12', workerIds: [extra], paidOn: '2025-12-22' })
      .expect(201);
    await t.http
      .post('/api/v1/claims')
      .set(operator())
      .send({ workerId: workers[4], type: 'JKK', incidentDate: '2025-11-11', description: 'Jatuh dari perahu' })
      .expect(201);

    const again = await report({ asOf: moment, period: '2025-12', fiscalYear: '2025' }).expect(200);
    const againCsv = await report({ asOf: moment, period: '2025-12', fiscalYear: '2025' }, 'text/csv').expect(200);
    expect(again.body.equals(before.json)).toBe(true);
    expect(againCsv.body.equals(before.csv)).toBe(true);

    const now = JSON.parse((await report({ period: '2025-12', fiscalYear: '2025' }).expect(200)).body.toString('utf8'));
    const then = JSON.parse(before.json.toString('utf8'));
    expect(now.treeSize).toBeGreaterThan(then.treeSize);
    expect(now.ledgerDigest).not.toBe(then.ledgerDigest);
    expect(now.funding.allocated).toBe(110 * WORKER_MONTH);
    expect(now.funding.refunded).toBe(3 * WORKER_MONTH); // October to December of the worker who left in September
    expect(now.funding.disbursed).toBe((72 - 3 + 1) * WORKER_MONTH);
    expect(now.coverage.coveredWorkers).toBe(6); // December: one left (refunded), one joined
    expect(now.claims.totals.count).toBe(2);
    expect(verifyReportSignature(now, t.app.get(SealerService).key.verifierKey).ok).toBe(true);
  });

  it('is all zeros before the first event, and a bare date is the end of that day in the region', async () => {
    const r = JSON.parse((await report({ asOf: '2025-12-31' }).expect(200)).body.toString('utf8'));
    expect(r).toMatchObject({
      asOf: '2025-12-31T23:59:59.999+08:00',
      period: '2025-12',
      fiscalYear: 2025,
      position: null,
      eventCount: 0,
      treeSize: 0,
    });
    expect(r.ledgerDigest).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(r.coverage).toMatchObject({ coveredWorkers: 0, enrolledWorkers: 0 });
    expect(r.funding).toMatchObject({ allocated: 0, disbursed: 0, allocations: [] });
    expect(r.claims.totals).toEqual({ count: 0, settledAmount: 0, byType: {} });
    expect(verifyReportSignature(r, t.app.get(SealerService).key.verifierKey).ok).toBe(true);
  });

  it('verifies offline with the CLI: verify-report --ledger recomputes the figures from an export, and names what a re-signed forgery changed', () => {
    const file = join(dataDir, 'report.json');
    writeFileSync(file, before.json);
    const out = join(dataDir, 'ledger.ndjson');
    expect(cli(dataDir, ['export-ledger', '--out', out]).status).toBe(0);
    const key = t.app.get(SealerService).key.verifierKey;
    const ok = cli(dataDir, ['verify-report', file, '--key', key, '--ledger', out]);
    expect(ok.stdout).toMatch(/signature: OK/);
    expect(ok.stdout).toMatch(/ledger digest from the export: OK/);
    expect(ok.stdout).toMatch(/figures: OK/);
    expect(ok.status).toBe(0);
    // A forger holding the key changes a figure and signs again: the signature holds, the ledger does not.
    const { signature: _s, ...unsigned } = JSON.parse(before.json.toString('utf8'));
    unsigned.funding.disbursed += 1_000_000;
    const signer = parseSignerKey(readFileSync(join(dataDir, SIGNING_KEY_FILE), 'utf8').trim());
    const signature = signer.sign(Buffer.from(canonicalJson(unsigned, { allowFractions: true }), 'utf8')).toString('base64');
    writeFileSync(file, JSON.stringify({ ...unsigned, signature }));
    const forged = cli(dataDir, ['verify-report', file, '--key', key, '--ledger', out]);
    expect(forged.stdout).toMatch(/signature: OK/);
    expect(forged.stdout).toMatch(/figures: MISMATCH/);
    expect(forged.stdout).toMatch(/funding\.disbursed: report \d+, ledger \d+/);
    expect(forged.status).toBe(1);
  }, 120_000);

  it('replays from verified snapshots with the same bytes, and refuses a snapshot whose digest is not the sealed root', async () => {
    const s = service();
    const query = { asOf: moment, period: '2025-12', fiscalYear: '2025' };
    try {
      s.snapshotEvery = 0;
      const full = (await report(query).expect(200)).body;
      expect(s.lastStats?.fromSnapshot).toBeNull();
      s.snapshotEvery = 10;
      const first = (await report(query).expect(200)).body; // writes the snapshots it passes
      const second = (await report(query).expect(200)).body;
      expect(s.lastStats?.fromSnapshot).toBeGreaterThan(0);
      expect(s.lastStats!.replayedEvents).toBeLessThan(10);
      expect(first.equals(full) && second.equals(full)).toBe(true);
      expect((await report(query, 'text/csv').expect(200)).body.equals(before.csv)).toBe(true);
      // A snapshot claiming another digest is refused and removed; the report is unchanged.
      const newest = s.snapshots.headers().at(-1)!;
      const header = join(dataDir, 'report-snapshots', `s-${String(newest.treeSize).padStart(15, '0')}.json`);
      writeFileSync(header, JSON.stringify({ ...newest, ledgerDigest: '0'.repeat(64) }));
      expect((await report(query).expect(200)).body.equals(full)).toBe(true);
      expect(s.lastStats?.fromSnapshot).toBeLessThan(newest.treeSize);
      // Refused, removed, and written again (correctly) by the replay that passed its position.
      expect(JSON.parse(readFileSync(header, 'utf8')).ledgerDigest).toBe(newest.ledgerDigest);
    } finally {
      s.snapshotEvery = 50_000;
    }
  });

  it('answers a PDF a parliament staffer can read (text and a rendered page checked with poppler-utils)', async () => {
    const res = await report({ asOf: moment, period: '2025-12', fiscalYear: '2025' }, 'application/pdf')
      .expect(200)
      .expect('Content-Type', /application\/pdf/);
    const pdf: Buffer = res.body;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    mkdirSync(ARTEFACTS, { recursive: true });
    const file = join(ARTEFACTS, 'oversight-53.pdf');
    writeFileSync(file, pdf);
    if (!hasPoppler) {
      console.warn('reports.e2e-spec: pdftotext/pdftoppm (poppler-utils) not installed: the PDF text and rendering checks are SKIPPED');
      return;
    }
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    const r = JSON.parse(before.json.toString('utf8'));
    expect(text).toContain('Laporan Pengawasan / Oversight report');
    expect(text).toMatch(/Nusa Tenggara Timur \(53\)/i);
    expect(text).toMatch(/WITA \(UTC\+08:00\)/);
    expect(text).toContain('Cakupan / Coverage');
    expect(text).toContain('Pendanaan / Funding');
    expect(text).toContain('Klaim / Claims');
    expect(text).toContain(`Rp ${(100 * WORKER_MONTH).toLocaleString('de-DE')}`); // Rp 1.680.000
    expect(text).toContain('Rp 2.500.000');
    expect(text).toContain(r.ledgerDigest);
    expect(text).toContain(r.checkpoint.split('\n')[2]); // the root in base64, from the checkpoint note
    expect(text).toMatch(/Halaman \/ Page 1 dari \/ of \d+/);
    const png = join(ARTEFACTS, 'oversight-53-page1');
    const rendered = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, png]);
    expect(rendered.status).toBe(0);
    const image = readFileSync(`${png}.png`);
    expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(image.length).toBeGreaterThan(5_000);
  });

  it('is for oversight and auditors only (403), hides other regions like unknown ones (404), names bad parameters (400), refuses the future (422)', async () => {
    const path = '/api/v1/reports/oversight/53';
    for (const role of ['analyst', 'finance', 'operator', 'admin'] as const)
      await t.http
        .get(path)
        .set(t.as([role], ['ID']))
        .expect(403);
    await t.http.get(path).expect(401);
    await t.http.get(path).set(auditor()).expect(200);
    const other = await t.http
      .get(path)
      .set(oversight(['52']))
      .expect(404);
    const unknown = await t.http
      .get('/api/v1/reports/oversight/99.99')
      .set(oversight(['ID']))
      .expect(404);
    expect(other.body.title).toBe(unknown.body.title);
    for (const [query, field] of [
      [{ asOf: 'yesterday' }, 'asOf'],
      [{ asOf: '2025-02-30' }, 'asOf'],
      [{ period: '2025-13' }, 'period'],
      [{ period: '2014-12' }, 'period'],
      [{ fiscalYear: '25' }, 'fiscalYear'],
    ] as const) {
      const bad = await t.http.get(path).query(query).set(oversight()).expect(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(bad.body.errors ?? bad.body.detail)).toContain(field);
    }
    await t.http.get(path).query({ nonsense: '1' }).set(oversight()).expect(400);
    const future = await t.http
      .get(path)
      .query({ asOf: new Date(Date.now() + 3_600_000).toISOString() })
      .set(oversight())
      .expect(422);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
    const todayInNtt = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await t.http.get(path).query({ asOf: todayInNtt }).set(oversight()).expect(422);
  });
});

/** supertest's parser for a raw body (JSON, CSV and PDF alike): the exact bytes. */
function rawBody(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
