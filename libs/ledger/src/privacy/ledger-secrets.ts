import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '@app/event-store';
import type { LedgerConfig } from '../config';
import type { KeyStore } from './key-store.port';

/** The embedded default's secret files in DATA_DIR (mode 0600, created once, on a new ledger only). */
export const NIK_PEPPER_FILE = 'nik-pepper';
export const MASTER_KEY_FILE = 'master.key';

/** The stream holding the check values of the ledger's secrets (one `LedgerKeysRegistered` event). */
export const LEDGER_KEYS_STREAM = 'ledger-keys';
export const LEDGER_KEYS_REGISTERED = 'LedgerKeysRegistered';

/** HMAC-SHA256 check values: they tell whether a secret is the ledger's without revealing it. */
export interface LedgerKeyChecks {
  nikPepperCheck: string;
  masterKeyCheck: string;
}

export interface LedgerSecrets {
  /** Never log it. */
  nikPepper: string;
  /** 32 bytes; never log it. */
  masterKey: Buffer;
  checks: LedgerKeyChecks;
  /** True when the ledger already holds the check values (LedgerKeysRegistered). */
  registered: boolean;
  sources: { nikPepper: 'configuration' | 'file' | 'generated'; masterKey: 'configuration' | 'file' | 'generated' };
}

export const LEDGER_SECRETS = Symbol('LEDGER_SECRETS');

export class LedgerSecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerSecretsError';
  }
}

export function keyChecks(nikPepper: string, masterKey: Buffer): LedgerKeyChecks {
  return {
    nikPepperCheck: createHmac('sha256', nikPepper).update('jaminan-ledger/nik-pepper-check/v1').digest('hex'),
    masterKeyCheck: createHmac('sha256', masterKey).update('jaminan-ledger/master-key-check/v1').digest('hex'),
  };
}

/** MASTER_KEY: 32 bytes as 64 hex digits or base64 (standard or URL-safe). */
export function parseMasterKey(text: string, where = 'MASTER_KEY'): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64')
      : undefined;
  if (!key || key.length !== 32)
    throw new LedgerSecretsError(
      `${where} must be 32 random bytes written as 64 hex digits or base64 (make one with \`openssl rand -base64 32\`)`,
    );
  return key;
}

/** The check values the ledger holds, if any. */
export async function registeredChecks(events: EventStore): Promise<LedgerKeyChecks | undefined> {
  const [first] = await events.readStream(LEDGER_KEYS_STREAM);
  return first ? checksOf(first) : undefined;
}

export function checksOf(e: RecordedEvent): LedgerKeyChecks {
  const d = e.data as Partial<LedgerKeyChecks>;
  return { nikPepperCheck: String(d.nikPepperCheck), masterKeyCheck: String(d.masterKeyCheck) };
}

/**
 * The NIK pepper and the master key, checked against the ledger before anything else runs.
 *
 * - NIK_PEPPER / MASTER_KEY when configured. Production (EventStoreDB, MongoDB or NODE_ENV=production)
 *   requires MASTER_KEY (and, on EventStoreDB, NIK_PEPPER: loadLedgerConfig).
 * - Otherwise files in DATA_DIR, created only while the ledger holds no personal data: before its
 *   first enrolment registers the check values (below), and, for the master key, while no data key
 *   was ever wrapped. A missing file on a ledger with personal data stops start-up: a new pepper
 *   would let enrolled NIKs enrol again as new workers, a new master key would make every stored
 *   name unreadable. (A ledger written before encryption holds no check values: its pepper file is
 *   not protected this way; README, "Keys and personal data".)
 * - A ledger that holds check values (LedgerKeysRegistered) refuses a pepper or master key that does
 *   not match them.
 */
export async function loadLedgerSecrets(
  config: Pick<LedgerConfig, 'dataDir' | 'nikPepper' | 'masterKey' | 'requireSigningKey'>,
  events: EventStore,
  keys: KeyStore,
): Promise<LedgerSecrets> {
  const registered = await registeredChecks(events);

  let nikPepper: string;
  let pepperSource: LedgerSecrets['sources']['nikPepper'];
  if (config.nikPepper) {
    nikPepper = config.nikPepper;
    pepperSource = 'configuration';
  } else {
    const file = readSecretFile(config.dataDir, NIK_PEPPER_FILE);
    if (file !== undefined) {
      nikPepper = file;
      pepperSource = 'file';
    } else if (registered !== undefined) {
      throw new LedgerSecretsError(
        `the NIK pepper is missing (${join(config.dataDir, NIK_PEPPER_FILE)} and NIK_PEPPER) but the ledger already holds workers enrolled with one: restore it from your backup. ` +
          'A new pepper would give every enrolled NIK a new worker id, so enrolled workers could enrol again.',
      );
    } else {
      nikPepper = createSecretFile(config.dataDir, NIK_PEPPER_FILE, randomBytes(32).toString('hex'));
      pepperSource = 'generated';
    }
  }

  let masterKey: Buffer;
  let masterSource: LedgerSecrets['sources']['masterKey'];
  if (config.masterKey) {
    masterKey = parseMasterKey(config.masterKey);
    masterSource = 'configuration';
  } else if (config.requireSigningKey) {
    throw new LedgerSecretsError(
      'MASTER_KEY must be set when running on EventStoreDB or MongoDB or with NODE_ENV=production: it wraps the data keys of every ' +
        "worker's personal data and must be backed up. Make one with `openssl rand -base64 32` and keep it secret.",
    );
  } else {
    const file = readSecretFile(config.dataDir, MASTER_KEY_FILE);
    if (file !== undefined) {
      masterKey = parseMasterKey(file, join(config.dataDir, MASTER_KEY_FILE));
      masterSource = 'file';
    } else if (registered !== undefined || (await keys.countActive()) > 0) {
      throw new LedgerSecretsError(
        `the master key is missing (${join(config.dataDir, MASTER_KEY_FILE)} and MASTER_KEY) but this ledger's personal data was encrypted under one: restore it from your backup.`,
      );
    } else {
      masterKey = parseMasterKey(createSecretFile(config.dataDir, MASTER_KEY_FILE, randomBytes(32).toString('base64')));
      masterSource = 'generated';
    }
  }

  const checks = keyChecks(nikPepper, masterKey);
  if (registered) {
    if (registered.nikPepperCheck !== checks.nikPepperCheck) {
      throw new LedgerSecretsError(
        'the NIK pepper is not the one this ledger was written with (its check value differs): restore the original NIK_PEPPER or nik-pepper file.',
      );
    }
    if (registered.masterKeyCheck !== checks.masterKeyCheck) {
      throw new LedgerSecretsError(
        'the master key is not the one this ledger was written with (its check value differs): restore the original MASTER_KEY or master.key file.',
      );
    }
  }
  return {
    nikPepper,
    masterKey,
    checks,
    registered: registered !== undefined,
    sources: { nikPepper: pepperSource, masterKey: masterSource },
  };
}

function readSecretFile(dataDir: string, name: string): string | undefined {
  try {
    const text = readFileSync(join(dataDir, name), 'utf8').trim();
    return text.length > 0 ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function createSecretFile(dataDir: string, name: string, value: string): string {
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(join(dataDir, name), `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    // Another process of the same deployment created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(join(dataDir, name), 'utf8').trim();
    throw error;
  }
}
