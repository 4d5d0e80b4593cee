/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519, and the key encodings of Go's
 * golang.org/x/mod/sumdb/note.
 *
 * A signed note is:
 *   text (UTF-8, ending in "\n", no control characters but "\n")
 *   "\n"                                                  (a blank line)
 *   one or more lines "— <key name> <base64(key id (4 bytes, big-endian) || signature)>\n"
 *                      (U+2014 em dash, space, name, space, standard base64 with padding)
 * The signature is Ed25519 (RFC 8032) over the text bytes, final newline included, blank line not.
 * The text ends at the LAST blank line of the note.
 *
 *   key id        = first 4 bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)
 *   verifier key  = <name>+<8 hex digits key id>+<base64(0x01 || 32-byte public key)>
 *   signer key    = PRIVATE+KEY+<name>+<8 hex digits key id>+<base64(0x01 || 32-byte seed)>
 * Key names are non-empty and contain no Unicode space and no "+".
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';

const ALG_ED25519 = 0x01;
const EM_DASH_PREFIX = '\u2014 ';
/** Ed25519 keys in DER: the fixed prefixes before the 32 raw bytes (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** As Go's note.Open: at most 100 signature lines. */
const MAX_SIGNATURES = 100;

export class NoteKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteKeyError';
  }
}

/** Non-empty, no Unicode white space, no "+". */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !/\u0085/.test(name) && isWellFormed(name);
}

function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Strict standard base64 (RFC 4648 §4, padded, canonical): Buffer.from alone would skip bad characters. */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

/** First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export function keyIdOf(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ALG_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

/** A parsed signer key: the private key never leaves this object except through signing. */
export interface NoteSigner {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  sign(message: Uint8Array): Buffer;
}

/** A parsed verifier key. */
export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  /** The 32-byte Ed25519 public key. */
  publicKey: Buffer;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

function parseKeyBody(kind: string, name: string, id16: string, key64: string): { keyId: Buffer; key: Buffer } {
  if (!isValidKeyName(name)) throw new NoteKeyError(`${kind}: invalid key name`);
  if (!/^[0-9a-f]{8}$/.test(id16)) throw new NoteKeyError(`${kind}: the key id must be 8 lowercase hex digits`);
  const key = decodeBase64Strict(key64);
  if (!key || key.length !== 33 || key[0] !== ALG_ED25519)
    throw new NoteKeyError(`${kind}: the key must be base64 of 0x01 followed by 32 bytes`);
  return { keyId: Buffer.from(id16, 'hex'), key: key.subarray(1) };
}

/** Parses `<name>+<hex id>+<base64(0x01 || public key)>`; throws NoteKeyError if malformed or the id does not match. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!m) throw new NoteKeyError('verifier key: expected <name>+<key id>+<key>');
  const { keyId, key } = parseKeyBody('verifier key', m[1], m[2], m[3]);
  if (!keyIdOf(m[1], key).equals(keyId)) throw new NoteKeyError('verifier key: the key id does not match the name and key');
  const pub = publicKeyFromRaw(key);
  return {
    name: m[1],
    keyId,
    publicKey: Buffer.from(key),
    verify: (message, signature) => signature.length === 64 && verify(null, message, pub, signature),
  };
}

/** Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`; throws NoteKeyError if malformed or the id does not match. */
export function parseSignerKey(skey: string): NoteSigner {
  const m = /^PRIVATE\+KEY\+([^+]*)\+([^+]*)\+(.*)$/s.exec(skey);
  if (!m) throw new NoteKeyError('signer key: expected PRIVATE+KEY+<name>+<key id>+<key>');
  const { keyId, key: seed } = parseKeyBody('signer key', m[1], m[2], m[3]);
  const priv = privateKeyFromSeed(seed);
  const publicKey = rawPublicKey(createPublicKey(priv));
  if (!keyIdOf(m[1], publicKey).equals(keyId)) throw new NoteKeyError('signer key: the key id does not match the name and key');
  return { name: m[1], keyId, publicKey, sign: (message) => sign(null, message, priv) };
}

function encodeKey(name: string, keyId: Buffer, raw: Buffer): string {
  return `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ALG_ED25519]), raw]).toString('base64')}`;
}

/** The signer key of a 32-byte Ed25519 seed (for keys kept elsewhere, and tests). */
export function signerKeyFromSeed(name: string, seed: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteKeyError('invalid key name: it must be non-empty, without spaces or "+"');
  if (seed.length !== 32) throw new NoteKeyError('an Ed25519 seed is 32 bytes');
  const publicKey = rawPublicKey(createPublicKey(privateKeyFromSeed(seed)));
  return `PRIVATE+KEY+${encodeKey(name, keyIdOf(name, publicKey), Buffer.from(seed))}`;
}

/** A new random Ed25519 signer key named `name`. Keep it secret; publish verifierKeyOf(it). */
export function generateSignerKey(name: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return signerKeyFromSeed(name, der.subarray(der.length - 32));
}

/** The verifier key that checks signatures of `signerKey`. */
export function verifierKeyOf(signerKey: string): string {
  const s = parseSignerKey(signerKey);
  return encodeKey(s.name, s.keyId, s.publicKey);
}

function hasBadCharacters(s: string): boolean {
  // No ASCII controls but newline; valid UTF-16 (so valid UTF-8 once encoded).
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0009\u000b-\u001f]/.test(s) || !isWellFormed(s);
}

/** Signs `text` (which must end in "\n") and returns the signed note with one signature line. */
export function signNote(text: string, signer: string | NoteSigner): string {
  const s = typeof signer === 'string' ? parseSignerKey(signer) : signer;
  if (!text.endsWith('\n') || hasBadCharacters(text))
    throw new Error('note text must end in a newline and contain no control characters but newlines');
  const sig = s.sign(Buffer.from(text, 'utf8'));
  return `${text}\n${EM_DASH_PREFIX}${s.name} ${Buffer.concat([s.keyId, sig]).toString('base64')}\n`;
}

/** Parsed signature line of a note. */
export interface NoteSignature {
  name: string;
  keyId: Buffer;
  signature: Buffer;
}

/** Splits a signed note into its text and signature lines; undefined if it is not well formed. */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } | undefined {
  if (hasBadCharacters(note) || !note.endsWith('\n')) return undefined;
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return undefined;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length === 0 || lines.length > MAX_SIGNATURES) return undefined;
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX)) return undefined;
    const rest = line.slice(EM_DASH_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) return undefined;
    const name = rest.slice(0, space);
    const blob = decodeBase64Strict(rest.slice(space + 1));
    if (!isValidKeyName(name) || !blob || blob.length < 5) return undefined;
    signatures.push({ name, keyId: blob.subarray(0, 4), signature: blob.subarray(4) });
  }
  return { text, signatures };
}

export interface OpenedNote {
  /** The note text (final newline included); '' when the note is malformed. Trust it only if ok. */
  text: string;
  /** A signature line of the given key verifies and no line of that key fails. */
  ok: boolean;
  /** Why not ok. */
  reason?: string;
}

/**
 * Verifies a signed note against one verifier key, as C2SP says: lines of other keys (another name
 * or another key id) are ignored; every line of this key must verify; at least one must exist.
 */
export function openNote(note: string, verifierKey: string | NoteVerifier): OpenedNote {
  let v: NoteVerifier;
  try {
    v = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  } catch (e) {
    return { text: '', ok: false, reason: (e as Error).message };
  }
  const parsed = parseNote(note);
  if (!parsed) return { text: '', ok: false, reason: 'malformed note' };
  const message = Buffer.from(parsed.text, 'utf8');
  let verified = 0;
  for (const s of parsed.signatures) {
    if (s.name !== v.name || !s.keyId.equals(v.keyId)) continue;
    if (!v.verify(message, s.signature)) {
      return { text: parsed.text, ok: false, reason: `invalid signature for key ${v.name}+${v.keyId.toString('hex')}` };
    }
    verified++;
  }
  if (verified === 0) return { text: parsed.text, ok: false, reason: `no signature by key ${v.name}+${v.keyId.toString('hex')}` };
  return { text: parsed.text, ok: true };
}
