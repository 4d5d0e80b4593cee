import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNik } from '@app/domain';
import { SealerService, SIGNING_KEY_FILE } from '@app/ledger';
import {
  canonicalJson,
  generateSignerKey,
  parseSignerKey,
  verifierKeyOf,
  leafHash,
  openNote,
  parseCheckpoint,
  readLedgerExport,
  verifyCheckpointExtension,
  verifyConsistency,
  verifyInclusion,
  verifyLedger,
} from '@app/verifier';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';
import { startApp, TestApp } from '../support/app';
import { cli } from '../support/tamper';

describe('audit over HTTP (embedded default)', () => {
  let t: TestApp;
  let dataDir: string;
  let allocationId: string;
  let workerId: string;
  let nik: string;
  const auditor = (regions = ['ID']) => t.as(['auditor'], regions, 'bpk-auditor');
  const finance = () => t.as(['finance'], ['ID'], 'ana');
  const operator = () => t.as(['operator'], ['53'], 'budi');
  const sealer = () => t.app.get(SealerService);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
    t = await startApp({ DATA_DIR: dataDir });
    const allocation = await t.http
      .post('/api/v1/allocations')
      .set(finance())
      .send({
        regionCode: '53.03',
        fundingSource: 'APBD_KABUPATEN_KOTA',
        fiscalYear: 2025,
        amount: 1_000_000,
        programName: 'Pekerja rentan TTU',
        legalBasis: 'Perbup TTU 2025',
        allocatedOn: '2025-07-01',
      })
      .expect(201);
    allocationId = allocation.body.allocationId;
    nik = makeNik('53.03.01', '1985-01-07', 'M', 4242);
    const worker = await t.http
      .post('/api/v1/workers')
      .set(operator())
      .send({
        nik,
        fullName: 'Yohanes Taek',
        birthDate: '1985-01-07',
        sex: 'M',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
      })
      .expect(201);
    workerId = worker.body.workerId;
    await t.http.post('/api/v1/contributions').set(operator()).send({ allocationId, period: '2025-08', paidOn: '2025-08-10' }).expect(201);
    await t.http
      .post(`/api/v1/allocations/${allocationId}/revisions`)
      .set(finance())
      .send({ amount: 1_200_000, reason: 'APBD Perubahan', legalBasis: 'Perda 5/2025', revisedOn: '2025-09-30' })
      .expect(200);
    await sealer().sealNow();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('GET /audit/streams/{streamName}', () => {
    it('answers every event of the stream in order, as stored, with the chain', async () => {
      const res = await t.http.get(`/api/v1/audit/streams/allocation-${allocationId}`).set(auditor()).expect(200);
      expect(res.body.items.map((e: { type: string }) => e.type)).toEqual(['FundingAllocated', 'FundsDisbursed', 'FundingRevised']);
      expect(res.body.items.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2]);
      const [first, second] = res.body.items;
      expect(first).toMatchObject({
        streamName: `allocation-${allocationId}`,
        position: expect.stringMatching(/^\d{20}$/),
        recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        effectiveDate: '2025-07-01',
        data: { allocationId, amount: 1_000_000 },
        metadata: { userId: 'ana', role: 'finance', hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: '0'.repeat(64) },
      });
      expect(second.metadata.prevHash).toBe(first.metadata.hash);
    });

    it("shows a worker's personal data only as stored: encrypted", async () => {
      const res = await t.http
        .get(`/api/v1/audit/streams/worker-${workerId}`)
        .set(auditor(['53.03']))
        .expect(200);
      const enrolled = res.body.items[0];
      expect(enrolled.type).toBe('WorkerEnrolled');
      expect(enrolled.data.personal).toEqual({
        enc: 'A256GCM',
        kid: workerId,
        iv: expect.any(String),
        ct: expect.any(String),
        tag: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toContain('Yohanes');
      expect(JSON.stringify(res.body)).not.toContain(nik);
      expect(enrolled.data).toMatchObject({ workerId, regionCode: '53.03.01.2005', occupation: 'PETANI' });
    });

    it('is for auditors only (403), hides other regions and unknown streams alike (404), refuses a malformed name (400)', async () => {
      await t.http
        .get(`/api/v1/audit/streams/allocation-${allocationId}`)
        .set(t.as(['analyst']))
        .expect(403);
      await t.http
        .get(`/api/v1/audit/streams/allocation-${allocationId}`)
        .set(t.as(['admin']))
        .expect(403);
      await t.http.get(`/api/v1/audit/streams/allocation-${allocationId}`).expect(401);
      const other = await t.http
        .get(`/api/v1/audit/streams/allocation-${allocationId}`)
        .set(auditor(['52']))
        .expect(404);
      const unknown = await t.http.get('/api/v1/audit/streams/allocation-00000000-0000-4000-8000-000000000000').set(auditor()).expect(404);
      expect(other.body.title).toBe(unknown.body.title);
      // Says no more of a stream in another region than of one that does not exist (its random id may hold "53").
      expect(other.body.detail.replace(allocationId, '<id>')).toBe(
        unknown.body.detail.replace('00000000-0000-4000-8000-000000000000', '<id>'),
      );
      const bad = await t.http.get('/api/v1/audit/streams/bad%20name').set(auditor()).expect(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'streamName' })]);
      await t.http.get(`/api/v1/audit/streams/allocation-${allocationId}`).query({ nonsense: '1' }).set(auditor()).expect(400);
    });
  });

  describe('GET /audit/allocations/{id}/history', () => {
    it('answers the funding history with the balance after each event and who acted', async () => {
      const res = await t.http
        .get(`/api/v1/audit/allocations/${allocationId}/history`)
        .set(auditor(['53']))
        .expect(200);
      expect(res.body).toMatchObject({ allocationId, regionCode: '53.03', fiscalYear: 2025, asOf: null });
      expect(
        res.body.items.map((i: Record<string, unknown>) => [i.type, i.amount, i.balance, (i.actor as { userId: string }).userId]),
      ).toEqual([
        ['FundingAllocated', 1_000_000, 1_000_000, 'ana'],
        ['FundsDisbursed', 16_800, 983_200, 'budi'],
        ['FundingRevised', 1_200_000, 1_183_200, 'ana'],
      ]);
      expect(res.body.items[1]).toMatchObject({
        effectiveDate: '2025-08-10',
        actor: { userId: 'budi', role: 'operator' },
        position: expect.stringMatching(/^\d{20}$/),
      });
    });

    it('asOf keeps only what was recorded by then', async () => {
      const all = await t.http.get(`/api/v1/audit/allocations/${allocationId}/history`).set(auditor()).expect(200);
      const cut = all.body.items[1].recordedAt;
      const res = await t.http.get(`/api/v1/audit/allocations/${allocationId}/history`).query({ asOf: cut }).set(auditor()).expect(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(2);
      expect(res.body.items.every((i: { recordedAt: string }) => i.recordedAt <= cut)).toBe(true);
      const before = await t.http
        .get(`/api/v1/audit/allocations/${allocationId}/history`)
        .query({ asOf: '2020-01-01' })
        .set(auditor())
        .expect(200);
      expect(before.body.items).toEqual([]);
      expect(before.body.asOf).toBe('2020-01-01T15:59:59.999Z'); // the end of the day in WITA (NTT)
    });

    it('403 for other roles, 404 for another region or an unknown allocation, 400 for a bad asOf', async () => {
      await t.http
        .get(`/api/v1/audit/allocations/${allocationId}/history`)
        .set(t.as(['finance']))
        .expect(403);
      await t.http
        .get(`/api/v1/audit/allocations/${allocationId}/history`)
        .set(auditor(['53.01']))
        .expect(404);
      await t.http.get('/api/v1/audit/allocations/00000000-0000-4000-8000-000000000000/history').set(auditor()).expect(404);
      const bad = await t.http
        .get(`/api/v1/audit/allocations/${allocationId}/history`)
        .query({ asOf: 'yesterday' })
        .set(auditor())
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
      await t.http.get(`/api/v1/audit/allocations/${allocationId}/history`).query({ asOf: '2025-02-30' }).set(auditor()).expect(400);
    });
  });

  describe('POST /audit/verify', () => {
    it('recomputes the chains and the tree: an untouched ledger verifies, and /health says so', async () => {
      const res = await t.http.post('/api/v1/audit/verify').set(auditor()).expect(200);
      const size = await sealer().sealer.treeSize();
      expect(res.body).toMatchObject({
        ok: true,
        checkedEvents: size,
        treeSize: size,
        rootHash: (await sealer().sealer.rootAt(size)).toString('hex'),
        sealed: { matches: true },
      });
      expect(res.body.firstMismatch).toBeUndefined();
      const health = await t.http.get('/health').expect(200);
      expect(health.body.details.integrity).toMatchObject({ status: 'up', ok: true });
    });

    it('is for auditors only', async () => {
      await t.http
        .post('/api/v1/audit/verify')
        .set(t.as(['analyst', 'oversight', 'admin']))
        .expect(403);
    });
  });

  describe('checkpoints and proofs', () => {
    it('signs checkpoints that open with the verifier key the CLI prints, and proves inclusion and consistency against them', async () => {
      const key = cli(dataDir, ['verifier-key']);
      expect(key.status).toBe(0);
      const verifierKey = key.stdout.trim();
      expect(verifierKey).toMatch(/^jaminan-ledger\/embedded-[0-9a-f]{8}\+[0-9a-f]{8}\+/);

      const latest = await t.http.get('/api/v1/audit/checkpoints/latest').set(auditor()).expect(200);
      const opened = openNote(latest.body.note, verifierKey);
      expect(opened.ok).toBe(true);
      const checkpoint = parseCheckpoint(opened.text);
      expect(checkpoint).toEqual({ origin: verifierKey.split('+')[0], treeSize: latest.body.treeSize, rootHash: latest.body.rootHash });
      expect(latest.body).toMatchObject({ position: expect.stringMatching(/^\d{20}$/), recordedAt: expect.any(String) });

      // Inclusion of the allocation's revision, its leaf recomputed here from what /audit/streams shows.
      const stream = await t.http.get(`/api/v1/audit/streams/allocation-${allocationId}`).set(auditor()).expect(200);
      const revised = stream.body.items[2];
      const leaf = leafHash({
        actor: { userId: revised.metadata.userId, role: revised.metadata.role },
        hash: revised.metadata.hash,
        position: revised.position,
        recordedAt: revised.recordedAt,
        revision: revised.revision,
        streamName: revised.streamName,
      });
      const inclusion = await t.http
        .get('/api/v1/audit/proofs/inclusion')
        .query({ position: revised.position, treeSize: String(checkpoint.treeSize) })
        .set(auditor())
        .expect(200);
      expect(inclusion.body).toMatchObject({ treeSize: checkpoint.treeSize, leafHash: leaf.toString('hex') });
      const path = inclusion.body.path.map((h: string) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(leaf, inclusion.body.leafIndex, checkpoint.treeSize, path, Buffer.from(checkpoint.rootHash, 'hex'))).toBe(
        true,
      );
      expect(verifyInclusion(leaf, inclusion.body.leafIndex + 1, checkpoint.treeSize, path, Buffer.from(checkpoint.rootHash, 'hex'))).toBe(
        false,
      );
      // Without treeSize: the latest checkpoint's.
      const byDefault = await t.http.get('/api/v1/audit/proofs/inclusion').query({ position: revised.position }).set(auditor()).expect(200);
      expect(byDefault.body.treeSize).toBe(checkpoint.treeSize);

      // More events, a new checkpoint; the consistency proof links the two signed roots.
      await t.http
        .post('/api/v1/allocations')
        .set(finance())
        .send({
          regionCode: '53',
          fundingSource: 'APBD_PROVINSI',
          fiscalYear: 2026,
          amount: 5_000_000,
          programName: 'p',
          legalBasis: 'l',
          allocatedOn: '2026-01-02',
        })
        .expect(201);
      const newer = await sealer().sealNow();
      expect(newer.treeSize).toBeGreaterThan(checkpoint.treeSize);
      const latest2 = await t.http.get('/api/v1/audit/checkpoints/latest').set(auditor()).expect(200);
      expect(latest2.body.treeSize).toBe(newer.treeSize);
      const consistency = await t.http
        .get('/api/v1/audit/proofs/consistency')
        .query({ from: String(checkpoint.treeSize), to: String(newer.treeSize) })
        .set(auditor())
        .expect(200);
      expect(consistency.body).toMatchObject({ from: checkpoint.treeSize, to: newer.treeSize });
      const cpath = consistency.body.path.map((h: string) => Buffer.from(h, 'hex'));
      expect(
        verifyConsistency(
          checkpoint.treeSize,
          newer.treeSize,
          Buffer.from(checkpoint.rootHash, 'hex'),
          Buffer.from(newer.rootHash, 'hex'),
          cpath,
        ),
      ).toBe(true);
      expect(verifyCheckpointExtension(latest.body.note, latest2.body.note, consistency.body.path, verifierKey)).toMatchObject({
        ok: true,
      });

      const list = await t.http.get('/api/v1/audit/checkpoints').query({ from: '2020-01-01', to: '2100-01-01' }).set(auditor()).expect(200);
      expect(list.body.items.map((c: { treeSize: number }) => c.treeSize)).toEqual(
        expect.arrayContaining([checkpoint.treeSize, newer.treeSize]),
      );
      for (const c of list.body.items) expect(openNote(c.note, verifierKey).ok).toBe(true);
      const none = await t.http.get('/api/v1/audit/checkpoints').query({ to: '2020-01-01' }).set(auditor()).expect(200);
      expect(none.body.items).toEqual([]);
    }, 60_000);

    it('refuses bad proof parameters naming the field (400), an unknown position (404), other roles (403)', async () => {
      const size = await sealer().sealer.treeSize();
      const field = async (query: Record<string, string>, path = 'inclusion') => {
        const res = await t.http.get(`/api/v1/audit/proofs/${path}`).query(query).set(auditor()).expect(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        return [...new Set(res.body.errors.map((e: { field: string }) => e.field))];
      };
      expect(await field({})).toEqual(['position']);
      expect(await field({ position: 'yesterday' })).toEqual(['position']);
      expect(await field({ position: '00000000000000000001', treeSize: '-1' })).toEqual(['treeSize']);
      expect(await field({ position: '00000000000000000001', treeSize: String(size + 1) })).toEqual(['treeSize']);
      expect(await field({ position: '00000000000000000002', treeSize: '1' })).toEqual(['treeSize']);
      expect(await field({ from: '1' }, 'consistency')).toEqual(['to']);
      expect(await field({ from: 'x', to: '2' }, 'consistency')).toEqual(['from']);
      expect(await field({ from: '3', to: '2' }, 'consistency')).toEqual(['from']);
      expect(await field({ from: '1', to: String(size + 1) }, 'consistency')).toEqual(['to']);
      const bad = await t.http.get('/api/v1/audit/checkpoints').query({ from: 'last week' }).set(auditor()).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
      await t.http.get('/api/v1/audit/proofs/inclusion').query({ position: '99999999999999999999' }).set(auditor()).expect(404);
      for (const path of [
        'checkpoints/latest',
        'checkpoints',
        'proofs/consistency?from=1&to=2',
        'proofs/inclusion?position=00000000000000000001',
      ]) {
        await t.http
          .get(`/api/v1/audit/${path}`)
          .set(t.as(['analyst', 'oversight']))
          .expect(403);
      }
    });

    it('consistency from 0 and to the same size is the empty path', async () => {
      const size = await sealer().sealer.treeSize();
      const res = await t.http
        .get('/api/v1/audit/proofs/consistency')
        .query({ from: String(size), to: String(size) })
        .set(auditor())
        .expect(200);
      expect(res.body.path).toEqual([]);
      const zero = await t.http
        .get('/api/v1/audit/proofs/consistency')
        .query({ from: '0', to: String(size) })
        .set(auditor())
        .expect(200);
      expect(zero.body.path).toEqual([]);
    });
  });

  describe('the CLI on the same data directory', () => {
    it('exports the ledger as NDJSON that libs/verifier verifies to the sealed root, and verifies the ledger itself', async () => {
      const out = join(dataDir, 'export.ndjson');
      const exported = cli(dataDir, ['export-ledger', '--out', out]);
      expect(exported.status).toBe(0);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      const size = await sealer().sealer.treeSize();
      expect(lines).toHaveLength(size);
      expect(readFileSync(out, 'utf8')).not.toContain(nik); // personal data left as stored: encrypted
      expect(readFileSync(out, 'utf8')).toMatch(/"personal":\{[^}]*"enc":"A256GCM"/);
      const verified = await verifyLedger(readLedgerExport(out));
      expect(verified).toMatchObject({ ok: true, treeSize: size, rootHash: (await sealer().sealer.rootAt(size)).toString('hex') });

      const verify = cli(dataDir, ['verify']);
      expect(verify.stdout).toMatch(/^OK: \d+ events checked/);
      expect(verify.status).toBe(0);

      const note = join(dataDir, 'checkpoint.note');
      writeFileSync(note, (await sealer().sealNow()).note);
      const key = cli(dataDir, ['verifier-key']).stdout.trim();
      const consistent = cli(dataDir, ['verify-consistency', note, '--key', key]);
      expect(consistent.stdout).toMatch(/^OK: the ledger extends the checkpoint/);
      expect(consistent.status).toBe(0);
      const offline = cli(dataDir, ['verify-consistency', note, '--key', key, '--ledger', out]);
      expect(offline.status).toBe(0);
    }, 120_000);

    it('prints help and nothing else for --help', () => {
      for (const command of ['verify', 'export-ledger', 'verifier-key', 'verify-consistency', 'verify-report']) {
        const r = cli(join(tmpdir(), 'no-such-ledger-dir'), [command, '--help']);
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: npm run cli -- ${command}`));
      }
    }, 120_000);
  });

  describe('a signed report checked offline with the CLI', () => {
    it('verify-report accepts the signature of a report signed with the ledger key, recomputes its figures from an export, and refuses one changed after signing', async () => {
      const out = join(dataDir, 'export-for-report.ndjson');
      expect(cli(dataDir, ['export-ledger', '--out', out]).status).toBe(0);
      const size = readFileSync(out, 'utf8').trim().split('\n').length;
      const cp = await sealer().checkpointAt(size);
      // The shape api.md gives reports; the figures are made up here (the reports are built elsewhere).
      const unsigned = {
        regionCode: '53.03',
        regionName: 'Kabupaten Timor Tengah Utara',
        asOf: '2026-11-23T00:00:00.000Z',
        fiscalYear: 2025,
        period: '2025-12',
        position: cp.position,
        eventCount: size,
        treeSize: size,
        ledgerDigest: cp.rootHash,
        checkpoint: cp.note,
        coverage: { coverageRatio: 0.4375 },
        funding: { allocated: 1_200_000 },
        claims: { count: 0 },
      };
      const signer = parseSignerKey(readFileSync(join(dataDir, SIGNING_KEY_FILE), 'utf8').trim());
      const signature = signer.sign(Buffer.from(canonicalJson(unsigned, { allowFractions: true }), 'utf8')).toString('base64');
      const file = join(dataDir, 'report.json');
      writeFileSync(file, JSON.stringify({ ...unsigned, signature }));
      const key = sealer().key.verifierKey;
      const ok = cli(dataDir, ['verify-report', file, '--key', key, '--ledger', out]);
      expect(ok.stdout).toMatch(/signature: OK/);
      expect(ok.stdout).toMatch(/ledger digest from the export: OK/);
      // Made-up figures: the signature and the digest hold, the figures recomputed from the export do not.
      expect(ok.stdout).toMatch(/figures: MISMATCH/);
      expect(ok.status).toBe(1);
      const signatureOnly = cli(dataDir, ['verify-report', file, '--key', key]);
      expect(signatureOnly.stdout).toMatch(/signature: OK/);
      expect(signatureOnly.status).toBe(0);
      writeFileSync(file, JSON.stringify({ ...unsigned, funding: { allocated: 9 }, signature }));
      const changed = cli(dataDir, ['verify-report', file, '--key', key]);
      expect(changed.stdout).toMatch(/signature: INVALID/);
      expect(changed.status).toBe(1);
      const otherKey = cli(dataDir, ['verify-report', file, '--key', verifierKeyOf(generateSignerKey('someone-else'))]);
      expect(otherKey.status).toBe(1);
    }, 120_000);
  });

  describe('the signing key', () => {
    it('is kept in DATA_DIR, readable by its owner only', () => {
      expect(statSync(join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    });

    it('is required in production: start-up fails without LEDGER_SIGNING_KEY, and uses it when given', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ledger-prod-'));
      try {
        const env = {
          NODE_ENV: 'production',
          JWT_SECRET: 's',
          DATA_DIR: dir,
          LOG_LEVEL: 'silent',
          MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
        };
        await expect(createApp(loadConfig(env))).rejects.toThrow(/LEDGER_SIGNING_KEY must be set/);
        const signingKey = generateSignerKey('jaminan-ledger/test-prod');
        const app = await createApp(loadConfig({ ...env, LEDGER_SIGNING_KEY: signingKey }));
        try {
          await app.init();
          const sealing = app.get(SealerService);
          expect(sealing.key).toMatchObject({
            origin: 'jaminan-ledger/test-prod',
            verifierKey: verifierKeyOf(signingKey),
            source: 'configuration',
          });
          expect(parseCheckpoint(openNote((await sealing.sealNow()).note, verifierKeyOf(signingKey)).text).origin).toBe(
            'jaminan-ledger/test-prod',
          );
        } finally {
          await app.close();
        }
        await expect(createApp(loadConfig({ ...env, LEDGER_SIGNING_KEY: 'not a key' }))).rejects.toThrow(
          /LEDGER_SIGNING_KEY is not a signer key/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
