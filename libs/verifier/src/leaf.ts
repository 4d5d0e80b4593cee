/**
 * The two hashes every ledger event carries, as api.md "Integrity" and "Audit formats (1.1)" define:
 *
 * 1. Its link in its stream's hash chain:
 *      hash = lowercase hex SHA-256( prevHash || canonical JSON of
 *                                    { streamName, revision, type, data, effectiveDate } )
 *    where prevHash is the 64-hex-digit hash of the previous event of the same stream (64 zeros for
 *    revision 0) and `||` is plain text concatenation (both parts are hashed as UTF-8).
 *
 * 2. Its leaf in the ledger's Merkle tree (the ledger digest), at its 0-based index in ledger order:
 *      leaf      = UTF-8 bytes of the canonical JSON of
 *                  { "actor": { "role", "userId" }, "hash", "position", "recordedAt", "revision", "streamName" }
 *      leaf hash = SHA-256(0x00 || leaf)
 */
import { canonicalJson } from './canonical-json';
import { sha256Hex, sha256Into } from './sha256';

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its chain hash covers. */
export interface ChainedFields {
  streamName: string;
  revision: number;
  type: string;
  data: unknown;
  effectiveDate: string;
}

/**
 * The chain hash of an event: sha256(prevHash + canonicalJson({ streamName, revision, type, data,
 * effectiveDate })) in lowercase hex. This is what the ledger's writer computes
 * (libs/event-store/src/hashing.ts `eventHash`): a JSON text with keys sorted by UTF-16 code units,
 * which for the ledger's values is RFC 8785. To stay byte-identical to that writer on every value it
 * accepts, fractions (written as RFC 8785 writes them) and lone surrogates (escaped \udxxx) are
 * accepted here rather than refused.
 */
export function chainHash(prevHash: string, e: ChainedFields): string {
  // canonicalJson({ streamName, revision, type, data, effectiveDate }) written out with the keys in
  // their sorted order (data, effectiveDate, revision, streamName, type); the tests check it is the same.
  if (
    e.data === undefined ||
    typeof e.streamName !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.effectiveDate !== 'string' ||
    !Number.isSafeInteger(e.revision)
  ) {
    return sha256Hex(
      prevHash +
        canonicalJson(
          { streamName: e.streamName, revision: e.revision, type: e.type, data: e.data, effectiveDate: e.effectiveDate },
          CHAIN_OPTIONS,
        ),
    );
  }
  return chainHashOfDataJson(prevHash, e, canonicalJson(e.data, CHAIN_OPTIONS));
}

/**
 * chainHash, given the canonical JSON of the event's data (`dataJson`: the caller knows it is, e.g. by
 * isSimpleCanonicalJson) and its other fields checked (strings, a safe integer revision).
 */
export function chainHashOfDataJson(prevHash: string, e: Omit<ChainedFields, 'data'>, dataJson: string): string {
  const body =
    `{"data":${dataJson},"effectiveDate":${JSON.stringify(e.effectiveDate)},` +
    `"revision":${e.revision === 0 ? 0 : e.revision},"streamName":${JSON.stringify(e.streamName)},"type":${JSON.stringify(e.type)}}`;
  return sha256Hex(prevHash + body);
}

const CHAIN_OPTIONS = { allowFractions: true, allowLoneSurrogates: true };

/** Who acted: the `userId` and `role` of the event's metadata. */
export interface Actor {
  userId: string;
  role: string;
}

/** The fields of an event that its Merkle leaf covers. */
export interface LeafFields {
  actor: Actor;
  /** The event's chain hash (metadata.hash), lowercase hex. */
  hash: string;
  /** The ledger position as the API shows it (a string). */
  position: string;
  /** ISO 8601 UTC with milliseconds, as the API shows it. */
  recordedAt: string;
  revision: number;
  streamName: string;
}

function str(name: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`leaf: ${name} must be a string, got ${v === null ? 'null' : typeof v}`);
  return JSON.stringify(v);
}

/**
 * The leaf's canonical JSON text. The keys below are written in their sorted order, so this is
 * exactly canonicalJson(leafObject) (the tests check that) without building and sorting an object.
 */
export function leafJson(e: LeafFields): string {
  if (!Number.isSafeInteger(e.revision) || e.revision < 0)
    throw new TypeError(`leaf: revision must be a non-negative integer, got ${e.revision}`);
  if (e.actor === null || typeof e.actor !== 'object') throw new TypeError('leaf: actor must be an object { userId, role }');
  return (
    `{"actor":{"role":${str('actor.role', e.actor.role)},"userId":${str('actor.userId', e.actor.userId)}},` +
    `"hash":${str('hash', e.hash)},"position":${str('position', e.position)},"recordedAt":${str('recordedAt', e.recordedAt)},` +
    `"revision":${e.revision},"streamName":${str('streamName', e.streamName)}}`
  );
}

/** The leaf bytes: UTF-8 of leafJson. */
export function leafBytes(e: LeafFields): Buffer {
  return Buffer.from(leafJson(e), 'utf8');
}

/** SHA-256(0x00 || leaf bytes) in lowercase hex ('\0' is the single byte 0x00 in UTF-8). */
export function leafHashHex(e: LeafFields): string {
  return sha256Hex('\0' + leafJson(e));
}

/** SHA-256(0x00 || leaf bytes), written as 32 bytes into `out` at `offset`. */
export function leafHashInto(e: LeafFields, out: Uint8Array, offset: number): void {
  sha256Into('\0' + leafJson(e), out, offset);
}

/** SHA-256(0x00 || leaf bytes): the event's leaf hash in the ledger's Merkle tree. */
export function leafHash(e: LeafFields): Buffer {
  return Buffer.from(leafHashHex(e), 'hex');
}
