/**
 * Region codes of Kemendagri (Kepmendagri No 300.2.2-2138 Tahun 2025): `53` province, `53.03`
 * regency/city (kabupaten/kota), `53.03.01` district (kecamatan), `53.03.01.2001` village (desa or
 * kelurahan). `ID` is the whole country. Source and licence: see NOTICE.md.
 */
import regionData from './data/regions-kepmendagri-2025.json';
import populationData from './data/population-2025.json';

export const COUNTRY = 'ID';

export type RegionLevel = 'country' | 'province' | 'regency' | 'district' | 'village';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parent?: string;
  /** IANA time zone: WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9). */
  timeZone: 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura';
  utcOffset: '+07:00' | '+08:00' | '+09:00';
}

export interface Population {
  male: number;
  female: number;
  total: number;
}

const LEVELS: RegionLevel[] = ['country', 'province', 'regency', 'district', 'village'];

let names: Map<string, string> | undefined;
let children: Map<string, string[]> | undefined;

function index(): { names: Map<string, string>; children: Map<string, string[]> } {
  if (!names || !children) {
    names = new Map([[COUNTRY, 'Indonesia'], ...(regionData.regions as [string, string][])]);
    children = new Map();
    for (const code of names.keys()) {
      const parent = parentOf(code);
      if (parent === undefined) continue;
      const list = children.get(parent) ?? [];
      list.push(code);
      children.set(parent, list);
    }
  }
  return { names, children };
}

export function parentOf(code: string): string | undefined {
  if (code === COUNTRY) return undefined;
  const dot = code.lastIndexOf('.');
  return dot < 0 ? COUNTRY : code.slice(0, dot);
}

export function timeZoneOf(code: string): Pick<Region, 'timeZone' | 'utcOffset'> {
  const province = Number(code.slice(0, 2));
  if ([51, 52, 53, 63, 64, 65, 71, 72, 73, 74, 75, 76].includes(province)) return { timeZone: 'Asia/Makassar', utcOffset: '+08:00' };
  if ([81, 82, 91, 92, 93, 94, 95, 96].includes(province)) return { timeZone: 'Asia/Jayapura', utcOffset: '+09:00' };
  return { timeZone: 'Asia/Jakarta', utcOffset: '+07:00' };
}

export function isKnownRegion(code: string): boolean {
  return index().names.has(code);
}

export function findRegion(code: string): Region | undefined {
  const name = index().names.get(code);
  if (name === undefined) return undefined;
  const level = code === COUNTRY ? 'country' : LEVELS[code.split('.').length];
  return { code, name, level, parent: parentOf(code), ...timeZoneOf(code) };
}

export function childrenOf(code: string): string[] {
  return index().children.get(code) ?? [];
}

/** The region's ancestors from its parent up to the country. */
export function ancestorsOf(code: string): string[] {
  const out: string[] = [];
  for (let p = parentOf(code); p !== undefined; p = parentOf(p)) out.push(p);
  return out;
}

/** The region itself and every ancestor up to the country: the keys a figure rolls up to. */
export function selfAndAncestors(code: string): string[] {
  return [code, ...ancestorsOf(code)];
}

/** True when `ancestor` is `code` itself or contains it. */
export function contains(ancestor: string, code: string): boolean {
  return ancestor === COUNTRY || code === ancestor || code.startsWith(`${ancestor}.`);
}

/** 2025 population (Kemendagri), for the country, provinces and regencies/cities only. */
export function populationOf(code: string): Population | undefined {
  const row = (populationData.population as unknown as Record<string, [number, number, number]>)[code];
  return row ? { male: row[0], female: row[1], total: row[2] } : undefined;
}

export const REFERENCE_DATA_ATTRIBUTION = regionData.attribution;
