import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { uuidOfHash } from '../command-seam/command-context';
import { LEDGER_SECRETS, LedgerSecrets } from '../privacy/ledger-secrets';

/**
 * Worker ids are derived from the NIK (HMAC with a secret pepper, shaped as a UUID): one person, one
 * stream, so "a NIK is enrolled at most once while active" holds by the stream's expected revision.
 * The pepper (NIK_PEPPER, or the embedded default's file in the data directory) is checked against
 * the ledger at start-up: privacy/ledger-secrets.ts.
 */
@Injectable()
export class WorkerIds {
  private readonly pepper: string;

  constructor(@Inject(LEDGER_SECRETS) secrets: Pick<LedgerSecrets, 'nikPepper'>) {
    this.pepper = secrets.nikPepper;
  }

  forNik(nik: string): string {
    return uuidOfHash(createHmac('sha256', this.pepper).update(nik).digest('hex'));
  }
}
