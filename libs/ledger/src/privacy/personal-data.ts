import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Conflict } from '@app/domain';
import { EventStore, isConcurrencyConflict, NewEvent } from '@app/event-store';
import { RAW_EVENT_STORE } from '../audit/sealer.service';
import { uuidFrom } from '../command-seam/command-context';
import { isEnvelope, newDataKey, openPersonal, PersonalEnvelope, sealPersonal, unwrapDataKey, wrapDataKey } from './envelope';
import { KEY_STORE, KeyStore, StoredKey } from './key-store.port';
import { checksOf, LEDGER_KEYS_REGISTERED, LEDGER_KEYS_STREAM, LEDGER_SECRETS, LedgerSecrets, LedgerSecretsError } from './ledger-secrets';

/** The command seam's hook: turns an event's clear `data.personal` into its envelope before append. */
export interface PersonalDataEncryption {
  encryptPersonal(event: NewEvent, workerId: string): Promise<NewEvent>;
}

export const PERSONAL_DATA_ENCRYPTION = Symbol('PERSONAL_DATA_ENCRYPTION');

/** Unwrapped data keys a process keeps (32 bytes each, about 100 with the map's entry): the workers its queries show most. */
const DATA_KEYS_KEPT = 20_000;

/** A worker's personal data as the stored envelopes give it back, merged in ledger order; null once erased. */
export type OpenedPersonal = Record<string, unknown> | null;

/**
 * Personal data at rest: one data key per worker (AES-256-GCM, `kid` = worker id), wrapped by the
 * master key and kept in the key store. The seam encrypts every event's `data.personal` before append,
 * so the ledger, its exports and the read models only ever hold envelopes; queries open them for the
 * roles allowed to see them. Erasure destroys the key: every envelope of the worker, past and future
 * copies alike, is then noise. Unwrapped keys are kept in memory (the DATA_KEYS_KEPT most recently
 * used), but one is only ever used once the key store has answered that worker's wrapped key in the
 * same call: an erasure (which deletes the wrapped key) holds at once in every process that shares
 * the key store.
 */
@Injectable()
export class PersonalDataService implements PersonalDataEncryption, OnApplicationShutdown {
  private registration?: Promise<void>;
  /** Unwrapped data keys by worker, with the wrapped key they came from; oldest use first. */
  private readonly unwrapped = new Map<string, { wrapped: string; key: Buffer }>();

  constructor(
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(LEDGER_SECRETS) private readonly secrets: LedgerSecrets,
    @Optional() @Inject(RAW_EVENT_STORE) private readonly raw?: EventStore,
  ) {}

  async encryptPersonal(event: NewEvent, workerId: string): Promise<NewEvent> {
    const personal = (event.data as { personal?: unknown }).personal;
    if (personal === undefined || personal === null || isEnvelope(personal)) return event;
    if (typeof personal !== 'object' || Object.keys(personal).length === 0) return event;
    if (!workerId) throw new Error(`${event.type} carries personal data but names no worker to encrypt it for`);
    const key = await this.keyFor(workerId, true);
    if (!key) throw new Conflict(`the personal data of worker ${workerId} was erased: no new personal data can be recorded for them`);
    return { ...event, data: { ...event.data, personal: sealPersonal(personal, workerId, key, event.id) } };
  }

  /**
   * Opens the envelopes of one worker (clear objects of events written before encryption pass as
   * they are), merged in order; null when the worker's key was destroyed.
   */
  async open(workerId: string, sealed: readonly unknown[]): Promise<OpenedPersonal> {
    const stored = await this.keys.get(workerId);
    return this.openWith(workerId, stored, sealed);
  }

  async openMany(items: ReadonlyArray<{ workerId: string; sealed: readonly unknown[] }>): Promise<Map<string, OpenedPersonal>> {
    const stored = await this.keys.getMany(items.map((i) => i.workerId));
    const out = new Map<string, OpenedPersonal>();
    for (const item of items) out.set(item.workerId, this.openWith(item.workerId, stored.get(item.workerId), item.sealed));
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keys.close();
  }

  /** Destroys the worker's data key for good (idempotent). */
  async erase(workerId: string): Promise<void> {
    this.unwrapped.delete(workerId);
    await this.keys.destroy(workerId, new Date().toISOString());
    this.unwrapped.delete(workerId);
  }

  async isErased(workerId: string): Promise<boolean> {
    return (await this.keys.get(workerId))?.state === 'erased';
  }

  private openWith(workerId: string, stored: StoredKey | undefined, sealed: readonly unknown[]): OpenedPersonal {
    if (stored?.state === 'erased') return null;
    const key = stored ? this.dataKey(workerId, stored.wrapped) : undefined;
    let merged: Record<string, unknown> = {};
    let any = false;
    for (const s of sealed) {
      if (isEnvelope(s)) {
        if (!key || s.kid !== workerId) continue;
        try {
          merged = { ...merged, ...openPersonal(s as PersonalEnvelope, key) };
          any = true;
        } catch {
          // Not under this worker's key: nothing to show from it.
        }
      } else if (s && typeof s === 'object') {
        merged = { ...merged, ...(s as Record<string, unknown>) };
        any = true;
      }
    }
    return any ? merged : stored ? {} : null;
  }

  /** The worker's data key, made (and the ledger's key check values registered) when `create`; undefined once erased. */
  private async keyFor(workerId: string, create: boolean): Promise<Buffer | undefined> {
    let stored = await this.keys.get(workerId);
    if (!stored && create) {
      await this.ensureRegistered();
      stored = await this.keys.putIfAbsent(workerId, wrapDataKey(newDataKey(), workerId, this.secrets.masterKey));
    }
    if (!stored || stored.state === 'erased') return undefined;
    return this.dataKey(workerId, stored.wrapped);
  }

  /**
   * The worker's data key, unwrapped from `wrapped` as the key store has just answered it (kept, so a
   * page of workers does not unwrap 50 keys at every request: a fifth of the workers list's time).
   */
  private dataKey(workerId: string, wrapped: string): Buffer {
    const kept = this.unwrapped.get(workerId);
    if (kept) this.unwrapped.delete(workerId);
    const key = kept?.wrapped === wrapped ? kept.key : unwrapDataKey(wrapped, workerId, this.secrets.masterKey);
    this.unwrapped.set(workerId, { wrapped, key });
    if (this.unwrapped.size > DATA_KEYS_KEPT) this.unwrapped.delete(this.unwrapped.keys().next().value!);
    return key;
  }

  /**
   * Before the first data key is made, the ledger records the check values of the NIK pepper and the
   * master key (`LedgerKeysRegistered` on `ledger-keys`), so no later start-up can run on other ones.
   */
  private ensureRegistered(): Promise<void> {
    if (this.secrets.registered || !this.raw) return Promise.resolve();
    this.registration ??= (async () => {
      const raw = this.raw!;
      const checks = this.secrets.checks;
      const event: NewEvent = {
        id: uuidFrom('ledger-keys', checks.nikPepperCheck, checks.masterKeyCheck),
        type: LEDGER_KEYS_REGISTERED,
        data: {
          ...checks,
          algorithm: 'HMAC-SHA256',
          note: 'check values of the NIK pepper and the master key; the secrets themselves are never stored in the ledger',
        },
        effectiveDate: new Date().toISOString().slice(0, 10),
        context: { userId: 'ledger', role: 'system', correlationId: 'ledger-keys', causationId: 'ledger-keys' },
        schemaVersion: 1,
      };
      try {
        await raw.append(LEDGER_KEYS_STREAM, [event], 'no_stream');
      } catch (error) {
        if (!isConcurrencyConflict(error as Error)) throw error;
        const [first] = await raw.readStream(LEDGER_KEYS_STREAM);
        const theirs = first && checksOf(first);
        if (!theirs || theirs.nikPepperCheck !== checks.nikPepperCheck || theirs.masterKeyCheck !== checks.masterKeyCheck) {
          throw new LedgerSecretsError('another process registered other secrets for this ledger: check NIK_PEPPER and MASTER_KEY');
        }
      }
      this.secrets.registered = true;
    })();
    return this.registration.catch((error) => {
      this.registration = undefined;
      throw error;
    });
  }
}
