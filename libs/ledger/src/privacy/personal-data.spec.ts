import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@app/event-store';
import * as envelope from './envelope';
import type { LedgerSecrets } from './ledger-secrets';
import { PersonalDataService } from './personal-data';
import { SqliteKeyStore } from './sqlite-key-store';

describe('personal data: the data keys a process keeps in memory', () => {
  let dir: string;
  let here: SqliteKeyStore;
  let elsewhere: SqliteKeyStore;
  let service: PersonalDataService;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-personal-'));
    here = new SqliteKeyStore(join(dir, 'keys.sqlite'));
    // Another process sharing the key store (an API replica, the CLI).
    elsewhere = new SqliteKeyStore(join(dir, 'keys.sqlite'));
    const secrets = { masterKey: randomBytes(32), registered: true } as LedgerSecrets;
    service = new PersonalDataService(here, secrets);
  });
  afterEach(async () => {
    await here.close();
    await elsewhere.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const enrolment = (workerId: string): NewEvent => ({
    id: `e-${workerId}`,
    type: 'WorkerEnrolled',
    data: { workerId, personal: { nik: '5303014701850002', fullName: 'Maria' } },
    effectiveDate: '2026-01-15',
    context: { userId: 'u', role: 'operator', correlationId: 'c', causationId: 'c' },
  });

  it('opens nothing once another process erased the worker, though the key was kept from an earlier read', async () => {
    const sealed = [(await service.encryptPersonal(enrolment('w1'), 'w1')).data.personal];
    const kept = [(await service.encryptPersonal(enrolment('w2'), 'w2')).data.personal];
    // Read twice: the second answer comes from the kept key (unwrapped once, when it was made).
    const unwrap = jest.spyOn(envelope, 'unwrapDataKey');
    for (let i = 0; i < 2; i++) expect(await service.open('w1', sealed)).toEqual({ nik: '5303014701850002', fullName: 'Maria' });
    expect(unwrap).not.toHaveBeenCalled();
    unwrap.mockRestore();

    await elsewhere.destroy('w1', '2026-02-01T00:00:00.000Z');

    expect(await service.open('w1', sealed)).toBeNull();
    const many = await service.openMany([
      { workerId: 'w1', sealed },
      { workerId: 'w2', sealed: kept },
    ]);
    expect(many.get('w1')).toBeNull();
    expect(many.get('w2')).toEqual({ nik: '5303014701850002', fullName: 'Maria' });
  });
});
