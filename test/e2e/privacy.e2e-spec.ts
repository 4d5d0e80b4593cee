import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { makeNik } from '@app/domain';
import { LEDGER_KEYS_STREAM, loadLedgerSecrets, mintToken, ProjectionService, RAW_EVENT_STORE } from '@app/ledger';
import type { EventStore } from '@app/event-store';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';

const SECRET = 'test-secret-for-privacy-e2e';
const token = (roles: string[]) => ({ Authorization: `Bearer ${mintToken(SECRET, { sub: 'u', roles: roles as never, regions: ['ID'] })}` });

/**
 * The pepper and the master key are the ledger's: the service refuses to start on an existing ledger
 * whose pepper or master key is missing or different, and never makes new ones for it (issue 9: deleting
 * `nik-pepper` let an enrolled NIK enrol again as a new worker).
 */
describe('the secrets of a ledger', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-privacy-'));
  const env = { NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: SECRET };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const nik = makeNik('53.03.01', '1985-01-07', 'M', 77);

  it('makes the secret files once for a new ledger, registers their check values, and encrypts personal data', async () => {
    const app = await createApp(loadConfig(env));
    await app.init();
    const http = request(app.getHttpServer());
    const allocationId = (
      await http
        .post('/api/v1/allocations')
        .set(token(['finance']))
        .send({
          regionCode: '53.03',
          fundingSource: 'APBD_KABUPATEN_KOTA',
          fiscalYear: 2025,
          amount: 1_000_000,
          programName: 'p',
          legalBasis: 'l',
          allocatedOn: '2025-07-01',
        })
        .expect(201)
    ).body.allocationId;
    await http
      .post('/api/v1/workers')
      .set(token(['operator']))
      .send({
        nik,
        fullName: 'Markus Privacy Test',
        birthDate: '1985-01-07',
        sex: 'M',
        regionCode: '53.03.01.2005',
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-07-07',
      })
      .expect(201);
    const raw = app.get<EventStore>(RAW_EVENT_STORE);
    const [registered] = await raw.readStream(LEDGER_KEYS_STREAM);
    expect(registered).toMatchObject({
      type: 'LedgerKeysRegistered',
      data: { nikPepperCheck: expect.stringMatching(/^[0-9a-f]{64}$/), masterKeyCheck: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const enrolled = (await raw.readAll({ maxCount: 100 })).find((e) => e.type === 'WorkerEnrolled')!;
    expect(enrolled.data.personal).toEqual({
      enc: 'A256GCM',
      kid: enrolled.data.workerId,
      iv: expect.any(String),
      ct: expect.any(String),
      tag: expect.any(String),
    });
    await app.close();
    for (const f of ['nik-pepper', 'master.key', 'keys.sqlite']) expect(statSync(join(dataDir, f)).mode & 0o777).toBe(0o600);
  });

  it('refuses to start when nik-pepper is missing, instead of letting the NIK enrol again as a new worker', async () => {
    const pepper = readFileSync(join(dataDir, 'nik-pepper'));
    unlinkSync(join(dataDir, 'nik-pepper'));
    await expect(createApp(loadConfig(env))).rejects.toThrow(/NIK pepper is missing .* restore it from your backup/);
    await expect(createApp(loadConfig({ ...env, NIK_PEPPER: 'another pepper' }))).rejects.toThrow(
      /NIK pepper is not the one this ledger was written with/,
    );
    writeFileSync(join(dataDir, 'nik-pepper'), pepper, { mode: 0o600 });
  });

  it('refuses to start when the master key is missing or another', async () => {
    const master = readFileSync(join(dataDir, 'master.key'));
    unlinkSync(join(dataDir, 'master.key'));
    await expect(createApp(loadConfig(env))).rejects.toThrow(/master key is missing/);
    await expect(createApp(loadConfig({ ...env, MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }))).rejects.toThrow(
      /master key is not the one this ledger was written with/,
    );
    await expect(createApp(loadConfig({ ...env, MASTER_KEY: 'too short' }))).rejects.toThrow(/MASTER_KEY must be 32 random bytes/);
    writeFileSync(join(dataDir, 'master.key'), master, { mode: 0o600 });
  });

  it('starts again with its own secrets: the enrolled NIK is still enrolled', async () => {
    const app = await createApp(loadConfig(env));
    await app.init();
    // The projector of the restarted app catches up in the background: the query waits for it.
    const head = await app.get<EventStore>(RAW_EVENT_STORE).headPosition();
    expect(await app.get(ProjectionService).waitFor(head!, 10_000)).toBe(true);
    const http = request(app.getHttpServer());
    const found = await http
      .get('/api/v1/workers')
      .query({ nik })
      .set(token(['operator']))
      .expect(200);
    expect(found.body).toMatchObject({ total: 1, items: [{ fullName: 'Markus Privacy Test', birthDate: '1985-01-07' }] });
    await app.close();
  });

  it('refuses production without MASTER_KEY', async () => {
    const keys = { countActive: async () => 0 } as never;
    const events = { readStream: async () => [] } as unknown as EventStore;
    await expect(loadLedgerSecrets({ dataDir, nikPepper: 'p', requireSigningKey: true }, events, keys)).rejects.toThrow(
      /MASTER_KEY must be set/,
    );
    await expect(
      loadLedgerSecrets({ dataDir, nikPepper: 'p', requireSigningKey: true, masterKey: Buffer.alloc(32, 1).toString('hex') }, events, keys),
    ).resolves.toMatchObject({ sources: { masterKey: 'configuration' } });
  });
});
