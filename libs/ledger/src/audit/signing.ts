import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, NoteSigner, parseSignerKey, verifierKeyOf } from '@app/verifier';
import type { LedgerConfig } from '../config';

/** The embedded default's signing key file, in DATA_DIR (mode 0600, created once). */
export const SIGNING_KEY_FILE = 'ledger-signing.key';

/** Where the checkpoint signer key comes from, and the key itself (Go `sumdb/note` signer key encoding). */
export interface LedgerSigningKey {
  /** `PRIVATE+KEY+<name>+<id>+<key>`: never log it. */
  signerKey: string;
  signer: NoteSigner;
  /** `<name>+<id>+<key>`: publish it; auditors verify checkpoints and reports with it. */
  verifierKey: string;
  /** The checkpoints' origin line: the key's name (e.g. `jaminan-ledger/ntt-prod`). */
  origin: string;
  source: 'configuration' | 'file' | 'generated';
}

export class SigningKeyMissingError extends Error {
  constructor() {
    super(
      'LEDGER_SIGNING_KEY must be set when running on EventStoreDB or MongoDB or with NODE_ENV=production: ' +
        'it signs the ledger checkpoints that auditors verify and must never change. Make one with ' +
        '`npm run cli -- signing-key --name jaminan-ledger/<your deployment>` and keep it secret.',
    );
    this.name = 'SigningKeyMissingError';
  }
}

/**
 * The signing key of the ledger's checkpoints: LEDGER_SIGNING_KEY when configured; otherwise, on the
 * embedded default only, a key kept in DATA_DIR/ledger-signing.key (created at first start with a
 * random name `jaminan-ledger/embedded-<8 hex>`, mode 0600, and reused). A production configuration
 * (EventStoreDB, MongoDB or NODE_ENV=production) without LEDGER_SIGNING_KEY fails.
 */
export function loadSigningKey(config: Pick<LedgerConfig, 'dataDir' | 'signingKey' | 'requireSigningKey'>): LedgerSigningKey {
  if (config.signingKey) return describe(config.signingKey.trim(), 'configuration', 'LEDGER_SIGNING_KEY');
  if (config.requireSigningKey) throw new SigningKeyMissingError();
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, SIGNING_KEY_FILE);
  try {
    return describe(readFileSync(file, 'utf8').trim(), 'file', file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateSignerKey(`jaminan-ledger/embedded-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return describe(key, 'generated', file);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return describe(readFileSync(file, 'utf8').trim(), 'file', file);
    throw error;
  }
}

function describe(signerKey: string, source: LedgerSigningKey['source'], where: string): LedgerSigningKey {
  let signer: NoteSigner;
  try {
    signer = parseSignerKey(signerKey);
  } catch (error) {
    throw new Error(`${where} is not a signer key (PRIVATE+KEY+<name>+<key id>+<base64 key>): ${(error as Error).message}`);
  }
  return { signerKey, signer, verifierKey: verifierKeyOf(signerKey), origin: signer.name, source };
}

export const LEDGER_SIGNING_KEY = Symbol('LEDGER_SIGNING_KEY');
