import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import * as ExcelJS from 'exceljs';
import { FieldError, InvalidInput, isDate, OCCUPATIONS } from '@app/domain';

/** The formats a roster comes in. */
export type RosterFormat = 'csv' | 'xlsx';

/** The media type of an XLSX workbook. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The enrolment fields a roster row carries (the body of `POST /workers` without allocationId and enrolledOn). */
export const ROSTER_FIELDS = ['nik', 'fullName', 'birthDate', 'sex', 'regionCode', 'occupation'] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/** The Indonesian column names, as the manpower offices' rosters write them. */
export const INDONESIAN_COLUMNS: Record<RosterField | 'enrolledOn', string> = {
  nik: 'NIK',
  fullName: 'Nama',
  birthDate: 'Tanggal Lahir',
  sex: 'Jenis Kelamin',
  regionCode: 'Kode Wilayah',
  occupation: 'Pekerjaan',
  enrolledOn: 'Tanggal Daftar',
};

/** A header cell, as compared: lower case, no spaces, underscores, dashes or dots. */
const keyOf = (header: string) => header.toLowerCase().replace(/[\s_.-]+/g, '');

const COLUMN_KEYS = new Map<string, RosterField | 'enrolledOn'>();
for (const field of [...ROSTER_FIELDS, 'enrolledOn'] as const) {
  COLUMN_KEYS.set(keyOf(field), field);
  COLUMN_KEYS.set(keyOf(INDONESIAN_COLUMNS[field]), field);
}
// Common spellings of the Indonesian headers.
COLUMN_KEYS.set(keyOf('Nama Lengkap'), 'fullName');
COLUMN_KEYS.set(keyOf('L/P'), 'sex');

/** Where each field sits in a row (0-based cell index). */
export type ColumnMap = Partial<Record<RosterField | 'enrolledOn', number>>;

/**
 * The header row: English (`nik, fullName, birthDate, sex, regionCode, occupation`) or Indonesian
 * (`NIK, Nama, Tanggal Lahir, Jenis Kelamin, Kode Wilayah, Pekerjaan`), in any order and case; an
 * optional `enrolledOn` (`Tanggal Daftar`) column overrides the import's `enrolledOn` for its row.
 * Unknown columns (a row number, notes) are ignored. A missing or repeated column is a 400.
 */
export function columnsOf(header: readonly string[]): ColumnMap {
  const map: ColumnMap = {};
  const errors: FieldError[] = [];
  header.forEach((cell, index) => {
    const field = COLUMN_KEYS.get(keyOf(cell));
    if (!field) return;
    if (map[field] !== undefined) errors.push({ field: cell, message: `the column of ${field} appears twice in the header row` });
    else map[field] = index;
  });
  for (const field of ROSTER_FIELDS) {
    if (map[field] === undefined)
      errors.push({ field, message: `the header row has no column ${field} (in Indonesian: ${INDONESIAN_COLUMNS[field]})` });
  }
  if (errors.length) throw new InvalidInput(errors);
  return map;
}

/** One row of the roster: its number as a spreadsheet shows it (the header is row 1) and its cells as text. */
export interface RosterRow {
  row: number;
  cells: string[];
}

/** A date as the rosters write it: YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (Indonesian order: day first). */
export function normalDate(value: string): string {
  const v = value.trim();
  const dayFirst = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(v);
  if (dayFirst) return `${dayFirst[3]}-${dayFirst[2].padStart(2, '0')}-${dayFirst[1].padStart(2, '0')}`;
  return v;
}

/** `L`/`P` (laki-laki, perempuan) as `M`/`F`; `M`/`F` in any case. */
export function normalSex(value: string): string {
  const v = value.trim().toUpperCase();
  return v === 'L' || v === 'LAKI-LAKI' ? 'M' : v === 'P' || v === 'PEREMPUAN' ? 'F' : v;
}

/** An occupation in any case, with spaces for underscores (`Buruh Harian`). */
export function normalOccupation(value: string): string {
  const v = value.trim().toUpperCase().replace(/\s+/g, '_');
  return (OCCUPATIONS as readonly string[]).includes(v) ? v : value.trim();
}

/** The enrolment fields of a row, normalized; `enrolledOn` falls back to the import's. */
export function enrolmentFieldsOf(
  row: RosterRow,
  columns: ColumnMap,
  defaults: { allocationId: string; enrolledOn: string },
  format: RosterFormat = 'csv',
): Record<string, string> {
  const text = (field: RosterField | 'enrolledOn') => {
    const index = columns[field];
    return index === undefined ? '' : (row.cells[index] ?? '').trim();
  };
  const cell = (field: RosterField | 'enrolledOn') =>
    format === 'xlsx' && (field === 'birthDate' || field === 'enrolledOn') ? xlsxDate(text(field)) : text(field);
  const enrolledOn = cell('enrolledOn');
  return {
    nik: cell('nik'),
    fullName: cell('fullName'),
    birthDate: normalDate(cell('birthDate')),
    sex: normalSex(cell('sex')),
    regionCode: cell('regionCode'),
    occupation: normalOccupation(cell('occupation')),
    allocationId: defaults.allocationId,
    enrolledOn: enrolledOn === '' ? defaults.enrolledOn : normalDate(enrolledOn),
  };
}

/** The delimiter of a CSV file, from its first line: `,` or, as spreadsheets in an Indonesian locale write it, `;` (or a tab). */
async function sniffDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
    return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
  } finally {
    await handle.close();
  }
}

/** The rows of a CSV file, the header first, streamed (csv-parse): bounded memory whatever the size. */
export async function* csvRows(path: string): AsyncGenerator<RosterRow> {
  const delimiter = await sniffDelimiter(path);
  const parser = createReadStream(path).pipe(
    parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: false, info: true }),
  );
  let row = 0;
  try {
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) {
      row++;
      yield { row, cells: record };
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    throw new InvalidInput([{ field: 'file', message: `row ${row + 1} is not valid CSV: ${(error as Error).message}` }]);
  } finally {
    parser.destroy();
  }
}

/** Excel's day 0 (serial dates count days from 1899-12-30, counting the 1900 leap-year bug). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A cell's value as text: dates as YYYY-MM-DD, rich text joined, a formula's result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') {
    // A NIK typed as a number loses its last digits beyond 2^53: say so rather than guess.
    if (Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER) return `#NUMBER:${value}`;
    return String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((t) => t.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

/**
 * The rows of the first worksheet of an XLSX workbook, the header first, streamed (exceljs'
 * WorkbookReader: shared strings cached, styles ignored, so dates typed as dates arrive as serial
 * numbers and are turned into YYYY-MM-DD in date columns by `xlsxDate`).
 */
export async function* xlsxRows(path: string): AsyncGenerator<RosterRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = Array.isArray(row.values) ? (row.values as ExcelJS.CellValue[]) : [];
        // exceljs' values are 1-based.
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { row: row.number, cells };
      }
      return; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    throw new InvalidInput([{ field: 'file', message: `the file is not a readable XLSX workbook: ${(error as Error).message}` }]);
  }
}

/** A date column's serial number (a date cell read without styles) as YYYY-MM-DD; anything else unchanged. */
export function xlsxDate(value: string): string {
  if (!/^\d{1,6}(\.\d+)?$/.test(value)) return value;
  const serial = Math.floor(Number(value));
  if (serial < 1 || serial > 100_000) return value;
  const date = new Date(EXCEL_EPOCH_MS + serial * 86_400_000).toISOString().slice(0, 10);
  return isDate(date) ? date : value;
}

export function rosterRows(path: string, format: RosterFormat): AsyncGenerator<RosterRow> {
  return format === 'csv' ? csvRows(path) : xlsxRows(path);
}
