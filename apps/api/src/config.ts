import { randomBytes } from 'node:crypto';
import { LedgerConfig, loadLedgerConfig } from '@app/ledger';

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
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number from 1, got ${raw}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const production = env.NODE_ENV === 'production' || !!env.EVENTSTORE_URL || !!env.MONGO_URL;
  const jwksUrl = env.JWT_JWKS_URL || undefined;
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new Error('JWT_JWKS_URL must be an http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('JWT_JWKS_URL must be an http(s) URL');
  }
  if (!env.JWT_SECRET && !jwksUrl && production) {
    throw new Error(
      'JWT_SECRET must be set (or JWT_JWKS_URL) in production mode (NODE_ENV=production, EventStoreDB or MongoDB): no token is made up or printed there',
    );
  }
  const generated = !env.JWT_SECRET && !jwksUrl;
  return {
    ...loadLedgerConfig(env),
    port,
    jwtSecret: env.JWT_SECRET || (generated ? randomBytes(32).toString('hex') : undefined),
    jwtSecretGenerated: generated,
    jwtJwksUrl: jwksUrl,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    production,
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    commandRateLimit: positiveInt(env, 'COMMAND_RATE_LIMIT', 6000),
    duplicateNikLimit: positiveInt(env, 'DUPLICATE_NIK_LIMIT', 20),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
