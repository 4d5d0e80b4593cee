import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { uuidOfHash } from '../command-seam/command-context';

/**
 * Worker ids are derived from the NIK (HMAC with a secret pepper, shaped as a UUID): one person, one
 * stream, so "a NIK is enrolled at most once while active" holds by the stream's expected revision.
 * The embedded default keeps its pepper in the data directory; production sets NIK_PEPPER.
 */
@Injectable()
export class WorkerIds {
  private readonly pepper: string;

  constructor(@Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.pepper = config.nikPepper ?? embeddedPepper(config.dataDir);
  }

  forNik(nik: string): string {
    return uuidOfHash(createHmac('sha256', this.pepper).update(nik).digest('hex'));
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
