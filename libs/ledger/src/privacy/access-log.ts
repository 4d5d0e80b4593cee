import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { COUNTRY } from '@app/domain';
import { canAccessRegion } from '../access/region-scope';
import type { Caller } from '../command-seam/command-context';
import { AccessLogEntry, AccessLogFilter, KEY_STORE, KeyStore } from './key-store.port';

export const MAX_ACCESS_LOG_ITEMS = 1000;

/**
 * Who read a person's name or birth date, or searched by NIK, and when (api.md "Bounds": each such
 * read is recorded). An entry names the user, their role, the worker and the fields shown, never the
 * data itself, nor the NIK searched for.
 */
@Injectable()
export class AccessLogService {
  constructor(@Inject(KEY_STORE) private readonly store: KeyStore) {}

  async record(entry: Omit<AccessLogEntry, 'id' | 'at'> & { at?: string }): Promise<void> {
    await this.store.appendAccess({ id: randomUUID(), at: entry.at ?? new Date().toISOString(), ...entry });
  }

  /**
   * The entries in time order. An auditor of some regions sees the entries about workers of those
   * regions; searches that found no one name no region and are shown to auditors of the whole country.
   */
  async query(filter: Omit<AccessLogFilter, 'limit'>, reader: Pick<Caller, 'regions'>): Promise<AccessLogEntry[]> {
    const items = await this.store.accessLog({ ...filter, limit: MAX_ACCESS_LOG_ITEMS * 10 });
    return items
      .filter((e) => (e.regionCode === null ? reader.regions.includes(COUNTRY) : canAccessRegion(reader, e.regionCode)))
      .slice(0, MAX_ACCESS_LOG_ITEMS);
  }
}
