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

/** Every problem of a configuration at once, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `the configuration has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const TRUE = ['true', '1'];
const FALSE = ['false', '0'];

/**
 * A small schema reader of environment variables: each accessor checks one variable, records a
 * problem naming it instead of throwing, and answers the default; `done()` throws them all at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(readonly env: NodeJS.ProcessEnv) {}

  /** The raw value; unset and empty are the same. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  /** `true`/`1` or `false`/`0` (any case). */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (TRUE.includes(v)) return true;
    if (FALSE.includes(v)) return false;
    this.problem(`${name} must be true, false, 1 or 0, got ${JSON.stringify(raw)}`);
    return fallback;
  }

  /** A whole number in [min, max]. */
  int(name: string, fallback: number, min: number, max?: number): number;
  int(name: string, fallback: undefined, min: number, max?: number): number | undefined;
  int(name: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `from ${min}` : `from ${min} to ${max}`;
      this.problem(`${name} must be a whole number ${range}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  }

  /** One of a fixed list. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problem(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    return fallback;
  }

  /** A URL whose scheme is one of `protocols` (e.g. `['http:', 'https:']`). */
  url(name: string, protocols: string[], what = `a ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || !protocols.includes(url.protocol)) {
      this.problem(`${name} must be ${what}, got ${JSON.stringify(raw.replace(/\/\/[^@/]*@/, '//***@'))}`);
      return undefined;
    }
    return raw;
  }

  /** Throws a ConfigError listing every problem recorded, if any. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** The ledger's variables read into `reader` (problems recorded there, not thrown). */
export function readLedgerConfig(reader: EnvReader): LedgerConfig {
  const eventStoreUrl = reader.url('EVENTSTORE_URL', [
    'esdb:',
    'esdb+discover:',
    'kurrentdb:',
    'kurrentdb+discover:',
    'kdb:',
    'kdb+discover:',
  ]);
  const mongoUrl = reader.url('MONGO_URL', ['mongodb:', 'mongodb+srv:']);
  const nikPepper = reader.string('NIK_PEPPER');
  if (!nikPepper && reader.raw('EVENTSTORE_URL')) {
    reader.problem('NIK_PEPPER must be set when running on EventStoreDB (it derives worker ids and must never change)');
  }
  const production = !!(reader.raw('EVENTSTORE_URL') || reader.raw('MONGO_URL') || reader.raw('NODE_ENV') === 'production');
  return {
    dataDir: reader.string('DATA_DIR', './data'),
    eventStoreUrl,
    mongoUrl,
    nikPepper,
    runProjector: reader.bool('RUN_PROJECTOR', !reader.raw('MONGO_URL')),
    connectTimeoutMs: reader.int('CONNECT_TIMEOUT_MS', 10_000, 1),
    maxAppendBytes: reader.int('EVENTSTORE_MAX_APPEND_BYTES', undefined, 1),
    signingKey: reader.string('LEDGER_SIGNING_KEY'),
    masterKey: reader.string('MASTER_KEY'),
    requireSigningKey: production,
  };
}

/** The ledger's configuration, checked: throws a ConfigError naming every bad variable at once. */
export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const reader = new EnvReader(env);
  const config = readLedgerConfig(reader);
  reader.done();
  return config;
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
