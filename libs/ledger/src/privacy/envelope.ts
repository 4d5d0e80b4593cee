import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The stored form of an event's `data.personal`: AES-256-GCM under the worker's data key.
 *
 *   { "enc": "A256GCM", "kid": "<workerId>", "iv": b64url(12 bytes), "ct": b64url, "tag": b64url(16 bytes) }
 *
 * The plaintext is the UTF-8 JSON of the clear `personal` object; the additional authenticated data
 * is `jaminan-ledger/personal/v1:<kid>`, so an envelope cannot be moved to another worker. The IV is
 * synthetic: HMAC-SHA256(HKDF(data key, "siv"), event id ‖ 0x00 ‖ plaintext), first 12 bytes. A
 * retried append (same event id, same plaintext) is then byte for byte the same event, and two
 * different plaintexts never share an IV under one key.
 */
export interface PersonalEnvelope {
  enc: 'A256GCM';
  kid: string;
  iv: string;
  ct: string;
  tag: string;
}

export const ENVELOPE_ALG = 'A256GCM' as const;

export function isEnvelope(value: unknown): value is PersonalEnvelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    v.enc === ENVELOPE_ALG && typeof v.kid === 'string' && typeof v.iv === 'string' && typeof v.ct === 'string' && typeof v.tag === 'string'
  );
}

const aad = (kid: string) => Buffer.from(`jaminan-ledger/personal/v1:${kid}`, 'utf8');

export function sealPersonal(personal: object, kid: string, dataKey: Buffer, eventId: string): PersonalEnvelope {
  const plaintext = Buffer.from(JSON.stringify(personal), 'utf8');
  const sivKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'jaminan-ledger/siv', 32));
  const iv = createHmac('sha256', sivKey)
    .update(eventId)
    .update(Buffer.from([0]))
    .update(plaintext)
    .digest()
    .subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(aad(kid));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    enc: ENVELOPE_ALG,
    kid,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  };
}

/** The clear `personal` object; throws when the key or the envelope is not the right one. */
export function openPersonal<T = Record<string, unknown>>(envelope: PersonalEnvelope, dataKey: Buffer): T {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(envelope.iv, 'base64url'));
  decipher.setAAD(aad(envelope.kid));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
  const plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64url')), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8')) as T;
}

/**
 * A data key wrapped by the master key: `v1.<b64url iv>.<b64url ciphertext>.<b64url tag>`, AES-256-GCM
 * with a random IV and `jaminan-ledger/data-key/v1:<kid>` as additional data.
 */
export function wrapDataKey(dataKey: Buffer, kid: string, masterKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(`jaminan-ledger/data-key/v1:${kid}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return ['v1', iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function unwrapDataKey(wrapped: string, kid: string, masterKey: Buffer): Buffer {
  const [version, iv, ct, tag] = wrapped.split('.');
  if (version !== 'v1' || !iv || !ct || !tag) throw new Error(`the data key of ${kid} is not in a known format`);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`jaminan-ledger/data-key/v1:${kid}`, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}
