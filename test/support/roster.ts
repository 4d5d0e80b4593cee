import * as ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { makeNik } from '@app/domain';
import { PeopleFactory, Person, villagesOf } from '../../apps/cli/src/demo/people';

/** The kinds of bad rows a generated roster holds, each with the field its refusal names. */
export const BAD_KINDS = {
  shortNik: 'nik', // 15 digits
  unknownNikRegion: 'nik', // digits 1-4 not a regency
  age10: 'birthDate', // 10 years old on enrolledOn
  unknownRegion: 'regionCode', // not a Kemendagri code
  outsideAllocation: 'regionCode', // a region the allocation cannot fund
  outsideCaller: 'regionCode', // a region outside the caller's
  futureEnrolment: 'enrolledOn', // enrolledOn (the row's own) in the future
  duplicate: 'nik', // the same row twice
  missingName: 'fullName', // an empty cell
  sexContradictsNik: 'nik', // a woman's NIK (day + 40) with sex M
  badOccupation: 'occupation',
  notADate: 'birthDate', // 31/02/1980
  nikBirthDateMismatch: 'nik',
} as const;
export type BadKind = keyof typeof BAD_KINDS;

export interface Roster {
  header: string[];
  /** Data rows (cells as text), row i is spreadsheet row i + 2. */
  rows: string[][];
  /** Spreadsheet row number → the kind of bad row and the field its refusal names. */
  bad: Map<number, { kind: BadKind; field: string }>;
  /** How many rows are valid (and so enrolled by a first import into a fresh ledger). */
  good: number;
}

export interface RosterOptions {
  rows: number;
  bad: number;
  /** A regency whose villages the workers live in (inside the allocation's region). */
  regency: string;
  /** A region inside the caller's but outside the allocation's, and one outside the caller's. */
  outsideAllocation: string;
  outsideCaller: string;
  /** Indonesian column names, dates DD/MM/YYYY and sex L/P. */
  indonesian?: boolean;
  /** Start of the serials: rosters with different starts hold different people. */
  serialBase?: number;
  /** A seed for which people: rosters with different seeds are different people. */
  people?: PeopleFactory;
}

const ENGLISH = ['nik', 'fullName', 'birthDate', 'sex', 'regionCode', 'occupation', 'enrolledOn'];
const INDONESIAN = ['NIK', 'Nama', 'Tanggal Lahir', 'Jenis Kelamin', 'Kode Wilayah', 'Pekerjaan', 'Tanggal Daftar'];

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/**
 * A roster of valid people (apps/cli/src/demo/people.ts) with `bad` bad rows spread evenly through it,
 * cycling through every kind of BAD_KINDS. Deterministic.
 */
export function makeRoster(options: RosterOptions): Roster {
  const people = options.people ?? new PeopleFactory();
  const villages = villagesOf(options.regency);
  const kinds = Object.keys(BAD_KINDS) as BadKind[];
  const every = options.bad > 0 ? Math.floor(options.rows / options.bad) : Infinity;
  const rows: string[][] = [];
  const bad = new Map<number, { kind: BadKind; field: string }>();
  const district = villages[0].split('.').slice(0, 3).join('.');
  let serial = options.serialBase ?? 9000;
  let good = 0;
  const cellsOf = (p: Person, enrolledOn = '') =>
    options.indonesian
      ? [p.nik, p.fullName, dmy(p.birthDate), p.sex === 'M' ? 'L' : 'P', p.regionCode, p.occupation, enrolledOn && dmy(enrolledOn)]
      : [p.nik, p.fullName, p.birthDate, p.sex, p.regionCode, p.occupation, enrolledOn];
  for (let i = 0; i < options.rows; i++) {
    const row = i + 2;
    const person = people.person(villages[i % villages.length]);
    const badIndex = every === Infinity || i % every !== every - 1 ? -1 : Math.floor(i / every);
    if (badIndex < 0 || badIndex >= options.bad) {
      rows.push(cellsOf(person));
      good++;
      continue;
    }
    const kind = kinds[badIndex % kinds.length];
    bad.set(row, { kind, field: BAD_KINDS[kind] });
    let p: Person = person;
    let enrolledOn = '';
    switch (kind) {
      case 'shortNik':
        p = { ...person, nik: person.nik.slice(1) };
        break;
      case 'unknownNikRegion':
        p = { ...person, nik: `9999${person.nik.slice(4)}` };
        break;
      case 'age10':
        p = { ...person, birthDate: '2015-03-03', sex: 'M', nik: makeNik(district, '2015-03-03', 'M', serial++) };
        break;
      case 'unknownRegion':
        p = { ...person, regionCode: '53.99.99' };
        break;
      case 'outsideAllocation':
        p = { ...person, regionCode: options.outsideAllocation };
        break;
      case 'outsideCaller':
        p = { ...person, regionCode: options.outsideCaller };
        break;
      case 'futureEnrolment':
        enrolledOn = '2099-01-01';
        break;
      case 'duplicate':
        rows.push(rows.find((_, j) => !bad.has(j + 2))!.slice());
        continue;
      case 'missingName':
        p = { ...person, fullName: '' };
        break;
      case 'sexContradictsNik':
        p = { ...person, sex: 'M', nik: makeNik(district, person.birthDate, 'F', serial++) };
        break;
      case 'badOccupation':
        p = { ...person, occupation: 'ASTRONAUT' as Person['occupation'] };
        break;
      case 'notADate':
        p = { ...person, birthDate: '1980-02-31' };
        break;
      case 'nikBirthDateMismatch':
        p = { ...person, birthDate: person.birthDate === '1970-01-01' ? '1970-01-02' : '1970-01-01' };
        break;
    }
    rows.push(cellsOf(p, enrolledOn));
  }
  return { header: options.indonesian ? INDONESIAN : ENGLISH, rows, bad, good };
}

const quote = (v: string) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The roster as CSV (comma separated, CRLF). */
export function rosterCsv(roster: Roster, delimiter = ','): string {
  return [roster.header, ...roster.rows].map((r) => r.map(quote).join(delimiter)).join('\r\n') + '\r\n';
}

/** The roster as an XLSX workbook (one worksheet, every cell text), in memory. */
export async function rosterXlsx(roster: Roster): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Roster');
  sheet.addRow(roster.header);
  for (const row of roster.rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The roster as an XLSX file written with exceljs' streaming writer (large rosters: bounded memory). */
export async function writeRosterXlsx(roster: Roster, path: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path), useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('Roster');
  sheet.addRow(roster.header).commit();
  for (const row of roster.rows) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
}
