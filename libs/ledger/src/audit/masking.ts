import { maskNik } from '@app/domain';

const NIK = /^\d{16}$/;

/**
 * Personal data as an auditor's view of a stream shows it: every value of `data.personal` masked (a
 * NIK as the API masks it, `530301******0001`; names, birth dates, descriptions and anything
 * encrypted as `***`). The event's other data is shown as stored.
 */
export function maskPersonal(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('personal' in data)) return data;
  const { personal, ...rest } = data as Record<string, unknown>;
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
