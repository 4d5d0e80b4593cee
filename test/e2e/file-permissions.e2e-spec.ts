import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, TestApp } from '../support/app';

describe('the embedded data files', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('are readable and writable by the service user only, the data directory included', async () => {
    t = await startApp();
    const finance = t.as(['finance'], ['53']);
    await t.http
      .post('/api/v1/allocations')
      .set(finance)
      .send({
        regionCode: '53',
        fundingSource: 'APBD_PROVINSI',
        fiscalYear: 2025,
        amount: 16_800,
        programName: 'p',
        legalBasis: 'l',
        allocatedOn: '2025-07-01',
      })
      .expect(201);
    const dir = t.dataDir;
    expect(statSync(dir).mode & 0o077).toBe(0);
    const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
    expect(files).toEqual(expect.arrayContaining(['ledger.sqlite', 'read-models.sqlite']));
    for (const f of files)
      expect({ file: f, othersMayRead: (statSync(join(dir, f)).mode & 0o077) !== 0 }).toEqual({ file: f, othersMayRead: false });
  });
});
