import { createHash } from 'node:crypto';

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in ledger data');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface HashedFields {
  streamName: string;
  revision: number;
  type: string;
  data: unknown;
  effectiveDate: string;
}

/** hash = sha256(prevHash + canonical JSON of { streamName, revision, type, data, effectiveDate }) */
export function eventHash(prevHash: string, e: HashedFields): string {
  return sha256(
    prevHash +
      canonicalJson({ streamName: e.streamName, revision: e.revision, type: e.type, data: e.data, effectiveDate: e.effectiveDate }),
  );
}

/**
 * eventHash, given the canonical JSON of the event's data: the members written out in their sorted
 * order (data, effectiveDate, revision, streamName, type), so this is canonicalJson of the whole
 * object (hashing.spec.ts checks it) and the data's text can be stored as it was hashed.
 */
export function eventHashOfDataJson(prevHash: string, e: Omit<HashedFields, 'data'>, dataJson: string): string {
  if (
    typeof e.effectiveDate !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.streamName !== 'string' ||
    !Number.isSafeInteger(e.revision)
  )
    return eventHash(prevHash, { ...e, data: JSON.parse(dataJson) });
  return sha256(
    `${prevHash}{"data":${dataJson},"effectiveDate":${canonicalJson(e.effectiveDate)},"revision":${canonicalJson(e.revision)},` +
      `"streamName":${canonicalJson(e.streamName)},"type":${canonicalJson(e.type)}}`,
  );
}
