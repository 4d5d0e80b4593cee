/** The ledger's part of the configuration (the HTTP part lives in apps/api). From the environment only. */
export interface LedgerConfig {
  /** Embedded SQLite files live here. */
  dataDir: string;
  /** EventStoreDB / KurrentDB connection string; unset = embedded SQLite ledger. */
  eventStoreUrl?: string;
  /** MongoDB URL; unset = embedded SQLite read models. */
  mongoUrl?: string;
  /**
   * Secret mixed into worker ids (HMAC of the NIK), so that one person always has the same stream
   * without the NIK being guessable from the id. Must never change for a ledger.
   */
  nikPepper?: string;
  /**
   * Run the projector inside this process (the embedded default) or leave it to apps/projector.
   * RUN_PROJECTOR; unset = true on the embedded read models, false whenever MONGO_URL is set (the API
   * scales out there and the projector runs as its own process; several may run, one writer each).
   */
  runProjector: boolean;
  /** How long start-up waits for a configured server before failing. */
  connectTimeoutMs: number;
  /** EVENTSTORE_MAX_APPEND_BYTES: bytes one EventStoreDB append may carry (its MaxAppendSize less a margin); unset = 1 MiB - 64 KiB. */
  maxAppendBytes?: number;
  /** LEDGER_SIGNING_KEY: Ed25519 signer key of the ledger checkpoints (Go sumdb/note encoding); unset = a key file in dataDir (embedded only). */
  signingKey?: string;
  /** Production (EventStoreDB, MongoDB or NODE_ENV=production): start-up fails without signingKey. */
  requireSigningKey?: boolean;
  /**
   * MASTER_KEY: 32 bytes (base64 or hex) wrapping every worker's data key (personal data at rest);
   * unset = a key file in dataDir (embedded only). Production (as for the signing key) requires it.
   */
  masterKey?: string;
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  if (!env.NIK_PEPPER && env.EVENTSTORE_URL) {
    throw new Error('NIK_PEPPER must be set when running on EventStoreDB (it derives worker ids and must never change)');
  }
  return {
    dataDir: env.DATA_DIR ?? './data',
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    mongoUrl: env.MONGO_URL || undefined,
    nikPepper: env.NIK_PEPPER || undefined,
    runProjector: env.RUN_PROJECTOR ? env.RUN_PROJECTOR !== 'false' : !env.MONGO_URL,
    connectTimeoutMs: Number(env.CONNECT_TIMEOUT_MS ?? 10_000),
    maxAppendBytes: env.EVENTSTORE_MAX_APPEND_BYTES ? Number(env.EVENTSTORE_MAX_APPEND_BYTES) : undefined,
    signingKey: env.LEDGER_SIGNING_KEY || undefined,
    masterKey: env.MASTER_KEY || undefined,
    requireSigningKey: !!(env.EVENTSTORE_URL || env.MONGO_URL || env.NODE_ENV === 'production'),
  };
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
