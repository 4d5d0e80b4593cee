import { maskNik } from '@app/domain';
import { isEnvelope } from '../privacy/envelope';

const NIK = /^\d{16}$/;

/**
 * Personal data as an auditor's view of a stream shows it: encrypted (`{ enc, kid, iv, ct, tag }`,
 * privacy/envelope.ts) exactly as stored, so that the hash chain can be recomputed from the answer;
 * personal data stored in clear (events written before encryption) masked: a NIK as the API masks it,
 * `530301******0001`, names, birth dates and descriptions as `***`. The event's other data is shown as stored.
 */
export function maskPersonal(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('personal' in data)) return data;
  const { personal, ...rest } = data as Record<string, unknown>;
  if (isEnvelope(personal)) return data;
  return { ...rest, personal: maskValue(personal, 'personal') };
}

function maskValue(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(v, k)]));
  }
  if (key === 'nik' && typeof value === 'string' && NIK.test(value)) return maskNik(value);
  return '***';
}
