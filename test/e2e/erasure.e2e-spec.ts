import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { makeNik } from '@app/domain';
import { mintToken } from '@app/ledger';
import type { Role } from '../../apps/api/src/auth/user';

const ROOT = join(__dirname, '..', '..');
const SECRET = 'test-secret-for-erasure-e2e';
const WORKER_MONTH = 16_800;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Every file under a directory, as raw bytes (the ledger, its WAL, the read models, the seal and key stores, the secret files…). */
function filesUnder(dir: string): Array<{ file: string; bytes: Buffer }> {
  return readdirSync(dir).flatMap((name) => {
    const file = join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [{ file, bytes: readFileSync(file) }];
  });
}

/**
 * Issue 9, "Done when": the API runs as its own process (embedded stores, pino logs at debug level
 * captured from its output); workers are enrolled, paid and claimed for over HTTP; one is erased.
 * Then every file of DATA_DIR (WAL included), every answer collected, the audit stream and the CLI's
 * ledger export, and the logs are searched as raw UTF-8 bytes for that worker's NIK and name: nothing;
 * while coverage, funding and claims answer the same totals and verification passes.
 */
describe('erasure of personal data (issue 9)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-erasure-'));
  const exportDir = mkdtempSync(join(tmpdir(), 'ledger-erasure-export-'));
  let app: ChildProcess;
  let logs = '';
  let http: ReturnType<typeof request>;
  const answers: string[] = [];
  const env = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_LEVEL: 'debug', RUN_PROJECTOR: 'true' };
  delete (env as Record<string, string | undefined>).MONGO_URL;
  delete (env as Record<string, string | undefined>).EVENTSTORE_URL;

  const as = (roles: Role[], regions = ['ID'], sub = `user-${roles.join('-')}`) => ({
    Authorization: `Bearer ${mintToken(SECRET, { sub, roles, regions })}`,
  });
  const finance = () => as(['finance']);
  const operator = () => as(['operator'], ['53'], 'operator-ana');
  const auditor = () => as(['auditor'], ['ID'], 'auditor-budi');
  const admin = () => as(['admin'], ['53.03'], 'admin-citra');
  const analyst = () => as(['analyst']);

  /** Every answer body is kept, to be searched at the end. */
  async function call(r: request.Test, status: number): Promise<request.Response> {
    const res = await r;
    answers.push(res.text ?? '', JSON.stringify(res.headers));
    if (res.status !== status) throw new Error(`${res.status} instead of ${status}: ${res.text}`);
    return res;
  }

  const erased = {
    nik: makeNik('53.03.01', '1979-04-12', 'F', 4242),
    fullName: 'Ermelinda Sakunab Erasable',
    birthDate: '1979-04-12',
    sex: 'F',
  };
  const kept = { nik: makeNik('53.03.01', '1988-09-30', 'M', 4343), fullName: 'Yakobus Kept Neonbasu', birthDate: '1988-09-30', sex: 'M' };
  const third = { nik: makeNik('53.03.02', '1990-01-15', 'M', 4444), fullName: 'Paulus Third Tefa', birthDate: '1990-01-15', sex: 'M' };
  let allocationId: string;
  const ids: Record<string, string> = {};
  let position = '';

  beforeAll(async () => {
    const port = await freePort();
    app = spawn(process.execPath, ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/api/src/main.ts')], {
      cwd: ROOT,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout!.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    app.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    http = request(`http://127.0.0.1:${port}`);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await http
        .get('/health')
        .then((r) => r.status < 500)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline || app.exitCode !== null) throw new Error(`the API did not start:\n${logs}`);
      await new Promise((r) => setTimeout(r, 300));
    }

    allocationId = (
      await call(
        http
          .post('/api/v1/allocations')
          .set(finance())
          .send({
            regionCode: '53.03',
            fundingSource: 'APBD_KABUPATEN_KOTA',
            fiscalYear: 2025,
            amount: 60 * WORKER_MONTH,
            programName: 'Perlindungan pekerja rentan',
            legalBasis: 'Perbup TTU 12/2025',
            allocatedOn: '2025-07-01',
          }),
        201,
      )
    ).body.allocationId;
    for (const [name, p] of Object.entries({ erased, kept, third })) {
      const regionCode = p === third ? '53.03.02.2001' : '53.03.01.2005';
      const res = await call(
        http
          .post('/api/v1/workers')
          .set(operator())
          .send({ ...p, regionCode, occupation: 'PETANI', allocationId, enrolledOn: '2025-07-07' }),
        201,
      );
      ids[name] = res.body.workerId;
    }
    for (const period of ['2025-08', '2025-09', '2025-10', '2025-11']) {
      position = (
        await call(
          http
            .post('/api/v1/contributions')
            .set(operator())
            .send({ allocationId, period, paidOn: `${period}-10` }),
          201,
        )
      ).body.position;
    }
    // A death claim whose description names the worker: a cause of death is personal data too.
    const claim = await call(
      http
        .post('/api/v1/claims')
        .set(operator())
        .send({
          workerId: ids.erased,
          type: 'JKM',
          incidentDate: '2025-11-20',
          description: `${erased.fullName} meninggal dunia (tenggelam)`,
        }),
      201,
    );
    const benefits = [
      { kind: 'JKM_LUMP_SUM', amount: 20_000_000 },
      { kind: 'JKM_PERIODIC', amount: 12_000_000 },
      { kind: 'JKM_FUNERAL', amount: 10_000_000 },
    ];
    position = (
      await call(
        http
          .post(`/api/v1/claims/${claim.body.claimId}/settlement`)
          .set(operator())
          .send({ settledOn: '2025-12-05', benefits, paymentReference: 'BPJSTK-NTT-0042' }),
        200,
      )
    ).body.position;
  }, 120_000);

  afterAll(async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => app.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(exportDir, { recursive: true, force: true });
  });

  const totals = async (at: string) => ({
    coverage: (await call(http.get('/api/v1/coverage/53.03').query({ period: '2025-10', consistentWith: at }).set(analyst()), 200)).body,
    funding: (await call(http.get('/api/v1/funding/53.03').query({ fiscalYear: '2025', consistentWith: at }).set(analyst()), 200)).body,
    claims: (await call(http.get('/api/v1/claims').query({ regionCode: '53.03', consistentWith: at }).set(analyst()), 200)).body,
  });

  it('erases one worker: nothing anywhere yields their NIK or name, totals stay, the ledger still verifies', async () => {
    // Before: operators and auditors read name and birth date (each read logged); analysts never.
    const before = await call(http.get(`/api/v1/workers/${ids.erased}`).query({ consistentWith: position }).set(operator()), 200);
    expect(before.body).toMatchObject({
      workerId: ids.erased,
      nikMasked: `${erased.nik.slice(0, 6)}******${erased.nik.slice(12)}`,
      fullName: erased.fullName,
      birthDate: erased.birthDate,
    });
    expect(before.headers['cache-control']).toBe('no-store');
    const byAnalyst = await call(http.get(`/api/v1/workers/${ids.erased}`).set(analyst()), 200);
    expect(byAnalyst.body.fullName).toBeUndefined();
    expect(byAnalyst.body.birthDate).toBeUndefined();
    const found = await call(http.get('/api/v1/workers').query({ nik: erased.nik }).set(auditor()), 200);
    expect(found.body).toMatchObject({ total: 1, items: [{ workerId: ids.erased, fullName: erased.fullName }] });
    await call(http.get('/api/v1/workers').query({ nik: erased.nik }).set(analyst()), 403);
    const totalsBefore = await totals(position);
    expect(totalsBefore.claims.totals).toMatchObject({ count: 1, settledAmount: 42_000_000 });
    expect(totalsBefore.funding).toMatchObject({ allocated: 60 * WORKER_MONTH });

    // The erasure: admin only, inside the admin's regions.
    const body = { reason: 'permintaan penghapusan oleh subjek data', legalBasis: 'UU 27/2022 Pasal 8', requestedOn: '2026-01-15' };
    await call(http.post(`/api/v1/workers/${ids.erased}/erasure`).set(operator()).send(body), 403);
    await call(
      http
        .post(`/api/v1/workers/${ids.erased}/erasure`)
        .set(as(['admin'], ['53.01']))
        .send(body),
      404,
    );
    await call(
      http
        .post(`/api/v1/workers/${ids.erased}/erasure`)
        .set(admin())
        .send({ ...body, legalBasis: undefined }),
      400,
    );
    const erasure = await call(http.post(`/api/v1/workers/${ids.erased}/erasure`).set(admin()).send(body), 200);
    // From here on, no answer may carry the worker's NIK or name (before, operators and auditors could read them).
    const answeredBefore = answers.length;
    expect(erasure.body).toEqual({ workerId: ids.erased, position: expect.any(String) });
    position = erasure.body.position;
    // Again: nothing more to erase, the same kind of answer.
    expect((await call(http.post(`/api/v1/workers/${ids.erased}/erasure`).set(admin()).send(body), 200)).body.workerId).toBe(ids.erased);

    // After: null for the erased worker, the others unchanged; the NIK finds no one.
    const after = await call(http.get(`/api/v1/workers/${ids.erased}`).query({ consistentWith: position }).set(auditor()), 200);
    expect(after.body).toMatchObject({
      workerId: ids.erased,
      nikMasked: null,
      fullName: null,
      birthDate: null,
      status: 'EXITED',
      paidPeriods: ['2025-08', '2025-09', '2025-10', '2025-11'],
    });
    expect((await call(http.get(`/api/v1/workers/${ids.kept}`).set(operator()), 200)).body).toMatchObject({
      fullName: kept.fullName,
      birthDate: kept.birthDate,
    });
    expect((await call(http.get('/api/v1/workers').query({ nik: erased.nik }).set(operator()), 200)).body).toMatchObject({
      total: 0,
      items: [],
    });
    const list = await call(http.get('/api/v1/workers').query({ regionCode: '53.03', consistentWith: position }).set(analyst()), 200);
    expect(list.body.items.find((w: { workerId: string }) => w.workerId === ids.erased)).toMatchObject({ nikMasked: null });
    expect(list.body.items.find((w: { workerId: string }) => w.workerId === ids.kept).nikMasked).toMatch(/^530301\*{6}\d{4}$/);
    // New personal data cannot be recorded for the erased worker.
    await call(
      http
        .post(`/api/v1/workers/${ids.erased}/corrections`)
        .set(operator())
        .send({ fullName: erased.fullName, reason: 'typo', correctedOn: '2026-01-16' }),
      409,
    );
    await call(
      http
        .post('/api/v1/workers')
        .set(operator())
        .send({ ...erased, regionCode: '53.03.01.2005', occupation: 'PETANI', allocationId, enrolledOn: '2026-01-16' }),
      409,
    );

    expect(await totals(position)).toEqual(totalsBefore);
    const verify = await call(http.post('/api/v1/audit/verify').set(auditor()), 200);
    expect(verify.body).toMatchObject({ ok: true });

    // The access log: who read or searched, never the data or the NIK.
    const log = await call(http.get('/api/v1/audit/access-log').query({ workerId: ids.erased }).set(auditor()), 200);
    expect(log.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: 'operator-ana',
          role: 'operator',
          action: 'READ',
          workerId: ids.erased,
          fields: ['fullName', 'birthDate'],
        }),
        expect.objectContaining({ userId: 'auditor-budi', role: 'auditor', action: 'SEARCH_NIK', workerId: ids.erased }),
      ]),
    );
    expect(log.body.items.some((e: { userId: string }) => e.userId === 'user-analyst')).toBe(false);
    const searches = await call(
      http.get('/api/v1/audit/access-log').query({ userId: 'operator-ana', from: '2020-01-01' }).set(auditor()),
      200,
    );
    expect(
      searches.body.items.some((e: { action: string; workerId: string | null }) => e.action === 'SEARCH_NIK' && e.workerId === null),
    ).toBe(true);
    await call(http.get('/api/v1/audit/access-log').set(operator()), 403);

    // Exports: the audit stream of the worker and of the claim, and the CLI's ledger export.
    const stream = await call(http.get(`/api/v1/audit/streams/worker-${ids.erased}`).set(auditor()), 200);
    expect(stream.body.items.map((e: { type: string }) => e.type)).toContain('PersonalDataErased');
    const exportFile = join(exportDir, 'ledger.ndjson');
    const cli = spawnSync(
      process.execPath,
      ['-r', join(ROOT, 'test/support/ts-register.js'), join(ROOT, 'apps/cli/src/main.ts'), 'export-ledger', '--out', exportFile],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    const exported = readFileSync(exportFile);
    expect(exported.includes(Buffer.from('"enc":"A256GCM"'))).toBe(true);

    // The search, as raw UTF-8 bytes, while the app runs (WAL files present) and after it stopped.
    const secrets = [erased.nik, erased.fullName, 'Ermelinda', 'Sakunab'];
    const clearAnywhere = [kept.nik, kept.fullName, third.nik, third.fullName];
    const scanFiles = (label: string) => {
      const files = filesUnder(dataDir);
      expect(files.map((f) => f.file.slice(dataDir.length + 1))).toEqual(
        expect.arrayContaining(['ledger.sqlite', 'read-models.sqlite', 'keys.sqlite', 'seal.sqlite', 'nik-pepper', 'master.key']),
      );
      for (const { file, bytes } of files) {
        for (const s of secrets)
          expect({ label, file, found: bytes.includes(Buffer.from(s, 'utf8')) }).toEqual({ label, file, found: false });
        // Nobody's personal data is in any store file in clear: encrypted before append.
        for (const s of clearAnywhere)
          expect({ label, file, clear: s, found: bytes.includes(Buffer.from(s, 'utf8')) }).toEqual({ label, file, clear: s, found: false });
      }
      return files;
    };
    const running = scanFiles('running');
    expect(running.some((f) => f.file.endsWith('-wal'))).toBe(true);
    expect(running.find((f) => f.file.endsWith('keys.sqlite'))!.bytes.length).toBeGreaterThan(0);

    const exited = new Promise((r) => app.once('exit', r));
    app.kill('SIGTERM');
    await exited;
    scanFiles('stopped');

    // A positive control: the search does find what is there (the name in the reads before the erasure).
    expect(answers.slice(0, answeredBefore).join('\n')).toContain(erased.fullName);
    const everything = [
      { what: 'answers after the erasure', text: answers.slice(answeredBefore).join('\n') },
      // Before it, only the reads of operators and auditors (and nothing else) carried the name; never the NIK.
      { what: 'answers before the erasure, NIK', text: answers.slice(0, answeredBefore).join('\n').replaceAll(erased.fullName, '') },
      { what: 'audit stream', text: JSON.stringify(stream.body) },
      { what: 'CLI export', text: exported.toString('utf8') },
      { what: 'logs', text: logs },
    ];
    for (const { what, text } of everything)
      for (const s of secrets) expect({ what, s, found: text.includes(s) }).toEqual({ what, s, found: false });
    // The logs were captured (and say that a NIK search happened, without the NIK).
    expect(logs).toContain('/api/v1/workers');
    expect(logs).toContain('nik=[redacted]');
    expect(logs).not.toContain(kept.nik);
    expect(existsSync(join(dataDir, 'ledger.sqlite'))).toBe(true);
  }, 180_000);
});
