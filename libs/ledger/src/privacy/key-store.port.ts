/**
 * The key store (read side, beside the read models): each worker's data key wrapped by the master
 * key, or the tombstone an erasure leaves; and the access log of personal data. Adapters: SQLite
 * (`DATA_DIR/keys.sqlite`, secure_delete on, WAL truncated after each erasure) and MongoDB (collections
 * `dataKeys` and `accessLog` beside the read models). Every adapter passes key-store.contract.ts.
 */
export type StoredKey = { state: 'active'; wrapped: string } | { state: 'erased'; erasedAt: string };

/** One read of a person's data, or one search by NIK: who, which worker, when, which fields; never the data. */
export interface AccessLogEntry {
  id: string;
  at: string;
  userId: string;
  role: string;
  /** READ: a worker's personal fields were shown; SEARCH_NIK: a search by exact NIK (the NIK is not kept). */
  action: 'READ' | 'SEARCH_NIK';
  /** The worker read or found; null for a search that found no one (the searched NIK is never kept). */
  workerId: string | null;
  /** The worker's region (null when none was found): auditors see the entries of their regions. */
  regionCode: string | null;
  fields: string[];
  requestId?: string;
}

export interface AccessLogFilter {
  workerId?: string;
  userId?: string;
  /** Inclusive ISO instants. */
  from?: string;
  to?: string;
  limit: number;
}

export interface KeyStore {
  readonly kind: 'sqlite' | 'mongodb';
  get(kid: string): Promise<StoredKey | undefined>;
  getMany(kids: readonly string[]): Promise<Map<string, StoredKey>>;
  /** Stores `wrapped` unless the kid already has a key or a tombstone; answers what is stored afterwards. */
  putIfAbsent(kid: string, wrapped: string): Promise<StoredKey>;
  /** Destroys the key for good: a tombstone stays (no key can be made for the kid again). Idempotent. */
  destroy(kid: string, erasedAt: string): Promise<void>;
  /** How many active keys are stored (start-up refuses a missing master key when there are any). */
  countActive(): Promise<number>;
  appendAccess(entry: AccessLogEntry): Promise<void>;
  /** In time order (oldest first). */
  accessLog(filter: AccessLogFilter): Promise<AccessLogEntry[]>;
  close(): Promise<void>;
}

export const KEY_STORE = Symbol('KEY_STORE');
