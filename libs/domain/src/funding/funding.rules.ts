import { contains, findRegion } from '../reference/regions';
import { RuleViolation } from '../shared/errors';
import type { FundingSource } from './funding.events';

/** Rule 2: a worker is funded only by an allocation of their own region or an ancestor of it. */
export function assertSponsorCanFund(allocationId: string, allocationRegion: string, workerRegion: string): void {
  if (!contains(allocationRegion, workerRegion)) {
    throw new RuleViolation(`allocation ${allocationId} of region ${allocationRegion} cannot fund a worker in ${workerRegion}`);
  }
}

/**
 * A regional budget belongs to a region of its level: APBD Provinsi to a province, APBD Kabupaten/Kota
 * to a regency or city, Dana Desa to a desa (kelurahan, urban villages, get no village fund). APBN, CSR
 * and MANDIRI money can be earmarked for any region.
 */
export function assertSourceFitsRegion(source: FundingSource, regionCode: string): void {
  const level = findRegion(regionCode)?.level;
  const isDesa = level === 'village' && regionCode.split('.')[3]?.startsWith('2');
  const fits =
    source === 'APBD_PROVINSI'
      ? level === 'province'
      : source === 'APBD_KABUPATEN_KOTA'
        ? level === 'regency'
        : source === 'DANA_DESA'
          ? isDesa
          : true;
  if (!fits) {
    const needs = {
      APBD_PROVINSI: 'a province',
      APBD_KABUPATEN_KOTA: 'a regency or city',
      DANA_DESA: 'a desa (village code ending 2xxx)',
    } as Record<string, string>;
    throw new RuleViolation(`${source} funds must be allocated by ${needs[source]}; ${regionCode} is not one`);
  }
}
