import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '@app/event-store';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';
import { mintToken } from '@app/ledger';

const SECRET = 'crash-test-secret';
const body = {
  regionCode: '53',
  fundingSource: 'APBD_PROVINSI',
  fiscalYear: 2026,
  amount: 10_080_000_000,
  programName: 'Perlindungan pekerja rentan NTT 2026',
  legalBasis: 'Pergub NTT 2026',
  targetWorkers: 50_000,
  allocatedOn: '2026-01-02',
};

describe('a keyed command killed at the instant it commits', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restarted on the same data and retried with the same key: one allocation and the answer of the first execution', async () => {
    const child = spawnSync(
      process.execPath,
      ['-r', join(__dirname, '../support/ts-register.js'), join(__dirname, 'crash-after-commit.ts')],
      {
        env: { ...process.env, DATA_DIR: dir, JWT_SECRET: SECRET, KEY: 'alloc-ntt-2026', BODY: JSON.stringify(body) },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.signal).toBe('SIGKILL');

    // What the killed process left in the ledger: the allocation and the key's record, no answer given.
    const ledger = new SqliteEventStore(join(dir, 'ledger.sqlite'));
    const written = await ledger.readAll({ maxCount: 100 });
    await ledger.close();
    expect(written.map((e) => e.type)).toEqual(['FundingAllocated', 'CommandAccepted']);

    const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, JWT_SECRET: SECRET }));
    await app.init();
    try {
      const finance = {
        Authorization: `Bearer ${mintToken(SECRET, { sub: 'fin', roles: ['finance'], regions: ['ID'] })}`,
        'Idempotency-Key': 'alloc-ntt-2026',
      };
      const retry = await request(app.getHttpServer()).post('/api/v1/allocations').set(finance).send(body).expect(201);
      // The answer the first execution would have given: its allocation, its position.
      expect(retry.body).toEqual({ allocationId: written[0].streamName.slice('allocation-'.length), position: written[1].position });
      const again = await request(app.getHttpServer()).post('/api/v1/allocations').set(finance).send(body).expect(201);
      expect(again.body).toEqual(retry.body);
      const other = await request(app.getHttpServer())
        .post('/api/v1/allocations')
        .set(finance)
        .send({ ...body, amount: 1 })
        .expect(409);
      expect(other.body.detail).toMatch(/Idempotency-Key/);
      const analyst = { Authorization: `Bearer ${mintToken(SECRET, { sub: 'ana', roles: ['analyst'], regions: ['ID'] })}` };
      const funding = await request(app.getHttpServer())
        .get('/api/v1/funding/53')
        .query({ fiscalYear: '2026', consistentWith: retry.body.position })
        .set(analyst)
        .expect(200);
      expect(funding.body.allocations).toHaveLength(1);
      expect(funding.body.allocated).toBe(10_080_000_000);
    } finally {
      await app.close();
    }
  }, 120_000);
});
