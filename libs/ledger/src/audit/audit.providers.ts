import type { Provider } from '@nestjs/common';
import { EVENT_STORE } from '@app/event-store';
import { READ_STORE } from '@app/read-models';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { AuditService } from './audit.service';
import { SEAL_STORE } from './seal-store.port';
import { openSealStore, RAW_EVENT_STORE, SealerService } from './sealer.service';
import { LEDGER_SIGNING_KEY, loadSigningKey } from './signing';

/**
 * The audit part of LedgerModule: the seal store, the checkpoint signing key, the sealer and the
 * audit service. The seal store and the key are made after the stores have connected, so an
 * unreachable server is reported first; a production configuration without LEDGER_SIGNING_KEY then
 * stops start-up. Needs RAW_EVENT_STORE from the module.
 */
export const AUDIT_PROVIDERS: Provider[] = [
  { provide: SEAL_STORE, useFactory: (config: LedgerConfig) => openSealStore(config), inject: [LEDGER_CONFIG, EVENT_STORE, READ_STORE] },
  {
    provide: LEDGER_SIGNING_KEY,
    useFactory: (config: LedgerConfig) => loadSigningKey(config),
    inject: [LEDGER_CONFIG, EVENT_STORE, READ_STORE, SEAL_STORE],
  },
  SealerService,
  AuditService,
];

export const AUDIT_EXPORTS = [RAW_EVENT_STORE, SEAL_STORE, LEDGER_SIGNING_KEY, SealerService, AuditService];
