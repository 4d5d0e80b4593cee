import { randomBytes } from 'node:crypto';
import { EnvReader, LedgerConfig, readLedgerConfig } from '@app/ledger';

/** The HTTP part of the configuration, beside the ledger's own (stores, data directory, pepper). */
export interface AppConfig extends LedgerConfig {
  port: number;
  /** HS256 secret of the bearer tokens; unset only when JWT_JWKS_URL is given. */
  jwtSecret?: string;
  /** True when no JWT_SECRET (nor JWT_JWKS_URL) was given and one was made up for this run (embedded try-out only). */
  jwtSecretGenerated: boolean;
  /** OIDC/JWKS verifier: RS256/ES256 tokens checked against the keys published at this URL. */
  jwtJwksUrl?: string;
  /** When set, a token's `iss` must equal it. */
  jwtIssuer?: string;
  /** When set, a token's `aud` must contain it. */
  jwtAudience?: string;
  /** NODE_ENV=production, or a production store (EventStoreDB, MongoDB) configured. */
  production: boolean;
  /** Largest accepted request body. */
  bodyLimit: string;
  logLevel: string;
  /** Commands (POST) one user may send per minute (429 beyond). */
  commandRateLimit: number;
  /** "NIK already enrolled" answers one user may get per hour before enrolments are refused with 429. */
  duplicateNikLimit: number;
  /** SHUTDOWN_GRACE_MS: how long SIGTERM waits for the requests in hand before closing their connections. */
  shutdownGraceMs: number;
}

/** pino's levels, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The whole configuration read from the environment and checked against its schema: every bad
 * variable is named, all at once, in one ConfigError (booleans `true`/`false`/`1`/`0`, log levels
 * from pino's list, port numbers, whole numbers, URLs).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const reader = new EnvReader(env);
  const ledger = readLedgerConfig(reader);
  const port = reader.int('PORT', 3000, 0, 65535);
  const production = env.NODE_ENV === 'production' || !!env.EVENTSTORE_URL || !!env.MONGO_URL;
  const jwksUrl = reader.url('JWT_JWKS_URL', ['https:', 'http:'], 'an http(s) URL');
  const jwksGiven = !!reader.raw('JWT_JWKS_URL');
  if (!env.JWT_SECRET && !jwksGiven && production) {
    reader.problem(
      'JWT_SECRET must be set (or JWT_JWKS_URL) in production mode (NODE_ENV=production, EventStoreDB or MongoDB): no token is made up or printed there',
    );
  }
  const bodyLimit = reader.string('BODY_LIMIT', '1mb');
  if (!/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i.test(bodyLimit))
    reader.problem(`BODY_LIMIT must be a size such as 1mb or 512kb, got ${JSON.stringify(bodyLimit)}`);
  const logLevel = reader.oneOf('LOG_LEVEL', LOG_LEVELS, env.NODE_ENV === 'test' ? 'silent' : 'info');
  const commandRateLimit = reader.int('COMMAND_RATE_LIMIT', 6000, 1);
  const duplicateNikLimit = reader.int('DUPLICATE_NIK_LIMIT', 20, 1);
  const shutdownGraceMs = reader.int('SHUTDOWN_GRACE_MS', 30_000, 0);
  reader.done();
  const generated = !env.JWT_SECRET && !jwksUrl;
  return {
    ...ledger,
    port,
    jwtSecret: env.JWT_SECRET || (generated ? randomBytes(32).toString('hex') : undefined),
    jwtSecretGenerated: generated,
    jwtJwksUrl: jwksUrl,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    production,
    bodyLimit,
    logLevel,
    commandRateLimit,
    duplicateNikLimit,
    shutdownGraceMs,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
