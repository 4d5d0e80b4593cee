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
