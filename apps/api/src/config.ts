import { randomBytes } from 'node:crypto';

/** Configuration comes from the environment only; the adapters are chosen by it alone. */
export interface AppConfig {
  port: number;
  /** Embedded SQLite files live here. */
  dataDir: string;
  /** EventStoreDB / KurrentDB connection string; unset = embedded SQLite ledger. */
  eventStoreUrl?: string;
  /** MongoDB URL; unset = embedded SQLite read models. */
  mongoUrl?: string;
  jwtSecret: string;
  /**
   * Secret mixed into worker ids (HMAC of the NIK), so that one person always has the same stream
   * without the NIK being guessable from the id. Must never change for a ledger.
   */
  nikPepper?: string;
  /** True when no JWT_SECRET was given and one was made up for this run (embedded try-out). */
  jwtSecretGenerated: boolean;
  /** Run the projector inside the API process (the embedded default) or leave it to apps/projector. */
  runProjector: boolean;
  /** Largest accepted request body. */
  bodyLimit: string;
  logLevel: string;
  /** How long start-up waits for a configured server before failing. */
  connectTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  if (!env.JWT_SECRET && (env.EVENTSTORE_URL || env.MONGO_URL)) {
    throw new Error('JWT_SECRET must be set when running on EventStoreDB or MongoDB');
  }
  if (!env.NIK_PEPPER && env.EVENTSTORE_URL) {
    throw new Error('NIK_PEPPER must be set when running on EventStoreDB (it derives worker ids and must never change)');
  }
  return {
    port,
    dataDir: env.DATA_DIR ?? './data',
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    mongoUrl: env.MONGO_URL || undefined,
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    jwtSecretGenerated: !env.JWT_SECRET,
    nikPepper: env.NIK_PEPPER || undefined,
    runProjector: (env.RUN_PROJECTOR ?? 'true') !== 'false',
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    connectTimeoutMs: Number(env.CONNECT_TIMEOUT_MS ?? 10_000),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
