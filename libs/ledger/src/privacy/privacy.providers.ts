import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { EVENT_STORE } from '@app/event-store';
import { READ_STORE } from '@app/read-models';
import { RAW_EVENT_STORE } from '../audit/sealer.service';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { AccessLogService } from './access-log';
import { KEY_STORE, KeyStore } from './key-store.port';
import { LEDGER_SECRETS, loadLedgerSecrets } from './ledger-secrets';
import { MongoKeyStore } from './mongo-key-store';
import { PERSONAL_DATA_ENCRYPTION, PersonalDataService } from './personal-data';
import { SqliteKeyStore } from './sqlite-key-store';

export const KEY_STORE_FILE = 'keys.sqlite';

/** The key store named by the configuration: MongoDB when MONGO_URL is set, else DATA_DIR/keys.sqlite. */
export async function openKeyStore(config: Pick<LedgerConfig, 'mongoUrl' | 'dataDir' | 'connectTimeoutMs'>): Promise<KeyStore> {
  if (config.mongoUrl) return MongoKeyStore.connect(config.mongoUrl, config.connectTimeoutMs);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteKeyStore(join(config.dataDir, KEY_STORE_FILE));
}

/**
 * The privacy part of LedgerModule: the key store (after the stores have connected), the ledger's
 * secrets checked against the ledger (start-up stops on a missing or different pepper or master
 * key), the personal data service the command seam encrypts with, and the access log.
 */
export const PRIVACY_PROVIDERS: Provider[] = [
  { provide: KEY_STORE, useFactory: (config: LedgerConfig) => openKeyStore(config), inject: [LEDGER_CONFIG, EVENT_STORE, READ_STORE] },
  { provide: LEDGER_SECRETS, useFactory: loadLedgerSecrets, inject: [LEDGER_CONFIG, RAW_EVENT_STORE, KEY_STORE] },
  PersonalDataService,
  { provide: PERSONAL_DATA_ENCRYPTION, useExisting: PersonalDataService },
  AccessLogService,
];

export const PRIVACY_EXPORTS = [KEY_STORE, LEDGER_SECRETS, PersonalDataService, AccessLogService];
