import { randomBytes } from 'node:crypto';
import { LedgerConfig, loadLedgerConfig } from '@app/ledger';

/** The HTTP part of the configuration, beside the ledger's own (stores, data directory, pepper). */
export interface AppConfig extends LedgerConfig {
  port: number;
  jwtSecret: string;
  /** True when no JWT_SECRET was given and one was made up for this run (embedded try-out). */
  jwtSecretGenerated: boolean;
  /** Largest accepted request body. */
  bodyLimit: string;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  if (!env.JWT_SECRET && (env.EVENTSTORE_URL || env.MONGO_URL)) {
    throw new Error('JWT_SECRET must be set when running on EventStoreDB or MongoDB');
  }
  return {
    ...loadLedgerConfig(env),
    port,
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    jwtSecretGenerated: !env.JWT_SECRET,
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
