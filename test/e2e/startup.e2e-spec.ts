import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';

/** The adapters are chosen by configuration alone, and a configured server that cannot be reached stops start-up with a clear message. */
describe('start-up configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-startup-'));
  const base = { NODE_ENV: 'test', JWT_SECRET: 's', NIK_PEPPER: 'p', CONNECT_TIMEOUT_MS: '1500', DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fails fast when EventStoreDB cannot be reached', async () => {
    await expect(createApp(loadConfig({ ...base, EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' }))).rejects.toThrow(
      /EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false cannot be reached/,
    );
  });

  it('fails fast when MongoDB cannot be reached', async () => {
    await expect(createApp(loadConfig({ ...base, MONGO_URL: 'mongodb://127.0.0.1:1/ledger' }))).rejects.toThrow(
      /MongoDB at mongodb:\/\/127\.0\.0\.1:1\/ledger cannot be reached/,
    );
  });

  it('refuses to run on the production stores without the secrets they need', () => {
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://x:2113?tls=false' })).toThrow(/JWT_SECRET must be set/);
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://x:2113?tls=false', JWT_SECRET: 's' })).toThrow(/NIK_PEPPER must be set/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });

  it('defaults to the embedded stores and a generated secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      eventStoreUrl: undefined,
      mongoUrl: undefined,
      jwtSecretGenerated: true,
      runProjector: true,
    });
  });
});
