import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeNik } from '@app/domain';
import { SealerService, SIGNING_KEY_FILE } from '@app/ledger';
import { startApp } from '../support/app';
import { changeData, cli, copyLedger, insertForgedBefore, removeEvent, rewriteWithHashes, swapPositions } from '../support/tamper';

/**
 * Tampering with the embedded ledger file behind the service's back: each kind is caught and
 * located by POST /audit/verify and by `cli verify`, /health reports it, the service still answers,
 * and a careful forger (hashes recomputed) is caught by the sealed leaves and the published checkpoint.
 */
describe('tampering with DATA_DIR/ledger.sqlite', () => {
  const dirs: string[] = [];
  let base: string;
  let stream: string;
  /** Positions of the allocation stream's revisions 0..3. */
  let p: string[];
  let checkpointNote: string;
  let verifierKey: string;

  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    base = newDir();
    const t = await startApp({ DATA_DIR: base });
    try {
      const finance = t.as(['finance'], ['ID'], 'ana');
      const operator = t.as(['operator'], ['53'], 'budi');
      const allocation = await t.http
        .post('/api/v1/allocations')
        .set(finance)
        .send({
          regionCode: '53.03',
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: 1_000_000,
          programName: 'p',
          legalBasis: 'l',
          allocatedOn: '2025-07-01',
        })
        .expect(201);
      const allocationId = allocation.body.allocationId;
      for (const serial of [1, 2]) {
        await t.http
          .post('/api/v1/workers')
          .set(operator)
          .send({
            nik: makeNik('53.03.01', '1985-01-07', 'M', serial),
            fullName: 'x',
            birthDate: '1985-01-07',
            sex: 'M',
            regionCode: '53.03.01.2005',
            occupation: 'PETANI',
            allocationId,
            enrolledOn: '2025-07-07',
          })
          .expect(201);
      }
      for (const period of ['2025-08', '2025-09']) {
        await t.http
          .post('/api/v1/contributions')
          .set(operator)
          .send({ allocationId, period, paidOn: `${period}-10` })
          .expect(201);
      }
      await t.http
        .post(`/api/v1/allocations/${allocationId}/revisions`)
        .set(finance)
        .send({ amount: 1_200_000, reason: 'r', legalBasis: 'l', revisedOn: '2025-09-30' })
        .expect(200);
      stream = `allocation-${allocationId}`;
      const events = await t.http
        .get(`/api/v1/audit/streams/${stream}`)
        .set(t.as(['auditor']))
        .expect(200);
      p = events.body.items.map((e: { position: string }) => e.position);
      expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
        'FundingAllocated',
        'FundsDisbursed',
        'FundsDisbursed',
        'FundingRevised',
      ]);
      checkpointNote = (await t.app.get(SealerService).sealNow()).note;
      verifierKey = t.app.get(SealerService).key.verifierKey;
    } finally {
      await t.close();
    }
  }, 60_000);
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A copy of the base ledger, its seal store and signing key, tampered by `tamper`. */
  function tampered(tamper: (dir: string) => void): string {
    const dir = newDir();
    copyLedger(base, dir);
    const seal = new Database(join(base, 'seal.sqlite'));
    seal.exec(`VACUUM INTO '${join(dir, 'seal.sqlite')}'`);
    seal.close();
    copyFileSync(join(base, SIGNING_KEY_FILE), join(dir, SIGNING_KEY_FILE));
    tamper(dir);
    return dir;
  }

  const cases: Array<[string, (dir: string) => void, () => { problem: string; revision: number; position: string }]> = [
    [
      'an event changed',
      (d) => changeData(d, p[1], (data) => ({ ...data, amount: 1 })),
      () => ({ problem: 'changed', revision: 1, position: p[1] }),
    ],
    ['an event removed', (d) => removeEvent(d, p[1]), () => ({ problem: 'missing', revision: 1, position: p[2] })],
    ['two events reordered', (d) => swapPositions(d, p[1], p[2]), () => ({ problem: 'reordered', revision: 1, position: p[2] })],
    [
      'an event inserted',
      (d) => insertForgedBefore(d, p[1], (data) => ({ ...data, amount: 2 })),
      () => ({ problem: 'inserted', revision: 1, position: p[1] }),
    ],
  ];

  describe.each(cases)('%s', (_name, tamper, expected) => {
    let dir: string;
    beforeAll(() => {
      dir = tampered(tamper);
    });

    it('POST /audit/verify names the stream, revision, position and problem; /health reports it; the service still answers', async () => {
      const t = await startApp({ DATA_DIR: dir });
      try {
        // The service verifies the ledger by itself shortly after start-up.
        let integrity: Record<string, unknown> = {};
        for (let i = 0; i < 100 && !integrity.verified; i++) {
          await new Promise((r) => setTimeout(r, 50));
          integrity = (await t.http.get('/health').expect(200)).body.details.integrity;
        }
        expect(integrity).toMatchObject({ verified: true, ok: false });
        const res = await t.http
          .post('/api/v1/audit/verify')
          .set(t.as(['auditor']))
          .expect(200);
        expect(res.body.ok).toBe(false);
        expect(res.body.firstMismatch).toMatchObject({ streamName: stream, ...expected() });
        const health = await t.http.get('/health').expect(200); // still up: a tampered ledger must stay readable
        expect(health.body.details.integrity).toMatchObject({
          ok: false,
          message: expect.stringMatching(/tampered/),
          firstMismatch: expect.objectContaining(expected()),
        });
        await t.http
          .get(`/api/v1/audit/streams/${stream}`)
          .set(t.as(['auditor']))
          .expect(200);
      } finally {
        await t.close();
      }
    });

    it('`cli verify` exits 1 naming the same place', () => {
      const r = cli(dir, ['verify']);
      const e = expected();
      expect(r.stdout).toContain(`first mismatch: stream ${stream} revision ${e.revision} position ${e.position}: ${e.problem}`);
      expect(r.status).toBe(1);
    }, 60_000);
  });

  describe('a careful forger, who recomputes every hash of the stream after the change', () => {
    let dir: string;
    beforeAll(() => {
      dir = tampered((d) => rewriteWithHashes(d, p[1], (data) => ({ ...data, amount: 3 })));
    });

    it('keeps every chain valid, but the sealed leaves and the signed checkpoint show the change', async () => {
      const t = await startApp({ DATA_DIR: dir });
      try {
        const res = await t.http
          .post('/api/v1/audit/verify')
          .set(t.as(['auditor']))
          .expect(200);
        expect(res.body).toMatchObject({ ok: false, sealed: { matches: false }, checkpoint: { matches: false } });
        expect(res.body.firstMismatch).toMatchObject({ streamName: stream, revision: 1, position: p[1], problem: 'changed' });
      } finally {
        await t.close();
      }
    });

    it('fails `cli verify-consistency` against the checkpoint published before the change', () => {
      const note = join(dir, 'published.note');
      writeFileSync(note, checkpointNote);
      const r = cli(dir, ['verify-consistency', note, '--key', verifierKey]);
      expect(r.stdout).toMatch(/^MISMATCH: the ledger's first \d+ events have root [0-9a-f]{64}, the checkpoint says [0-9a-f]{64}/);
      expect(r.status).toBe(1);
    }, 60_000);
  });

  it('an untouched copy passes `cli verify-consistency`', () => {
    const dir = tampered(() => undefined);
    const note = join(dir, 'published.note');
    writeFileSync(note, checkpointNote);
    const r = cli(dir, ['verify-consistency', note, '--key', verifierKey]);
    expect(r.stdout).toMatch(/^OK/);
    expect(r.status).toBe(0);
  }, 60_000);
});
