import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config';

/**
 * Worker ids are derived from the NIK (HMAC with a secret pepper, shaped as a UUID): one person, one
 * stream, so "a NIK is enrolled at most once while active" holds by the stream's expected revision.
 * The embedded default keeps its pepper in the data directory; production sets NIK_PEPPER.
 */
@Injectable()
export class WorkerIds {
  private readonly pepper: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pepper = config.nikPepper ?? embeddedPepper(config.dataDir);
  }

  forNik(nik: string): string {
    const h = createHmac('sha256', this.pepper).update(nik).digest('hex');
    // RFC 9562 version 8 (custom) layout.
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

function embeddedPepper(dataDir: string): string {
  const file = join(dataDir, 'nik-pepper');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
