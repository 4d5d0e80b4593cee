import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RosterFile, RosterFormat, XLSX_MEDIA_TYPE } from '@app/ledger';

/** The largest roster accepted: 50 MB (a 100,000-row CSV is about 8 MB, its XLSX about 4 MB). */
export const ROSTER_LIMIT_BYTES = 50 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/** Where uploads wait while they are imported: outside DATA_DIR, removed when the import ends. */
export const UPLOAD_DIR = join(tmpdir(), 'ledger-roster-uploads');

const tooLarge = () => new PayloadTooLargeException(`the roster is larger than ${ROSTER_LIMIT_BYTES / 1024 / 1024} MB`);

/** The roster's format from the request's media type, before anything is read: 415 for any other. */
export function rosterFormatOf(req: Request): RosterFormat | 'multipart' {
  if (req.is(CSV_TYPES)) return 'csv';
  if (req.is([XLSX_MEDIA_TYPE])) return 'xlsx';
  if (req.is(['multipart/form-data'])) return 'multipart';
  throw new UnsupportedMediaTypeException(`send the roster as text/csv, as ${XLSX_MEDIA_TYPE}, or as multipart/form-data with a file part`);
}

/** A file part's format: its media type, else its name's extension. */
function partFormat(mimeType: string, filename: string | undefined): RosterFormat | undefined {
  const type = mimeType.toLowerCase();
  if (CSV_TYPES.includes(type)) return 'csv';
  if (type === XLSX_MEDIA_TYPE) return 'xlsx';
  if (filename && /\.csv$/i.test(filename)) return 'csv';
  if (filename && /\.xlsx$/i.test(filename)) return 'xlsx';
  return undefined;
}

/** Streams bytes to a new temporary file, hashing and counting them; above the limit: 413 (the file removed). */
async function store(source: Readable, format: RosterFormat): Promise<RosterFile> {
  await mkdir(UPLOAD_DIR, { recursive: true, mode: 0o700 });
  const path = join(UPLOAD_DIR, `${randomUUID()}.${format}`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > ROSTER_LIMIT_BYTES) return callback(tooLarge());
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof PayloadTooLargeException) throw error;
    throw new BadRequestException('the roster was not received whole');
  }
  if (size === 0) {
    await rm(path, { force: true });
    throw new BadRequestException('the body is empty: send the roster');
  }
  return { path, format, sha256: hash.digest('hex') };
}

/**
 * The request's roster, stored whole in a temporary file before it is parsed: the raw body
 * (`text/csv`, XLSX) or the `file` part of a multipart/form-data body (busboy). At most 50 MB (413).
 */
export async function receiveRoster(req: Request, kind: RosterFormat | 'multipart'): Promise<RosterFile> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > ROSTER_LIMIT_BYTES + (kind === 'multipart' ? 64 * 1024 : 0)) throw tooLarge();
  if (kind !== 'multipart') return store(req, kind);
  return new Promise<RosterFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: ROSTER_LIMIT_BYTES, fields: 10, parts: 20 } });
    } catch {
      reject(new BadRequestException('the multipart/form-data body has no boundary'));
      return;
    }
    let stored: Promise<RosterFile> | undefined;
    parser.on('file', (name, stream, info) => {
      const format = partFormat(info.mimeType, info.filename);
      if (name !== 'file' || stored || !format) {
        stream.resume();
        if (name === 'file' && !stored && !format)
          stored = Promise.reject(
            new UnsupportedMediaTypeException(
              `the file part must be a CSV (text/csv, .csv) or an XLSX workbook (${XLSX_MEDIA_TYPE}, .xlsx)`,
            ),
          );
        return;
      }
      let truncated = false;
      stream.on('limit', () => {
        truncated = true;
      });
      stored = store(stream, format).then(async (file) => {
        if (truncated) {
          await rm(file.path, { force: true });
          throw tooLarge();
        }
        return file;
      });
    });
    parser.on('error', () => reject(new BadRequestException('the multipart/form-data body could not be read')));
    parser.on('close', () => {
      if (!stored) reject(new BadRequestException('the multipart/form-data body has no part named file'));
      else stored.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
