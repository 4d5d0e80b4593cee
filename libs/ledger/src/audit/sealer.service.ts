import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@app/event-store';
import { LEDGER_CONFIG, LedgerConfig } from '../config';
import { MongoSealStore } from './mongo-seal-store';
import { SEAL_STORE, SealStore, StoredCheckpoint } from './seal-store.port';
import { LedgerSealer, SealerLag } from './sealer';
import { LEDGER_SIGNING_KEY, LedgerSigningKey } from './signing';
import { SqliteSealStore } from './sqlite-seal-store';

/** The event store as stored, without upcasting: hashes and leaves cover the stored form. */
export const RAW_EVENT_STORE = Symbol('RAW_EVENT_STORE');

/** The seal store named by the configuration: MongoDB when MONGO_URL is set, else DATA_DIR/seal.sqlite. */
export async function openSealStore(config: Pick<LedgerConfig, 'mongoUrl' | 'dataDir' | 'connectTimeoutMs'>): Promise<SealStore> {
  if (config.mongoUrl) return MongoSealStore.connect(config.mongoUrl, config.connectTimeoutMs);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteSealStore(join(config.dataDir, 'seal.sqlite'));
}

/** The Merkle sealer inside the app: catches up in the background when this process runs the projector. */
@Injectable()
export class SealerService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly sealer: LedgerSealer;
  private readonly logger = new Logger('Sealer');
  private reported?: string;

  constructor(
    @Inject(RAW_EVENT_STORE) raw: EventStore,
    @Inject(SEAL_STORE) private readonly store: SealStore,
    @Inject(LEDGER_SIGNING_KEY) readonly key: LedgerSigningKey,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.sealer = new LedgerSealer(raw, store, key);
  }

  onApplicationBootstrap(): void {
    if (this.key.source === 'generated') this.logger.log(`created the checkpoint signing key; verifier key: ${this.key.verifierKey}`);
    if (!this.config.runProjector) return;
    this.sealer.start();
    this.watch = setInterval(() => {
      const message = this.sealer.error?.message;
      if (message && message !== this.reported) this.logger.error(`sealing failed, retrying: ${message}`);
      this.reported = message;
    }, 5000);
    this.watch.unref();
  }

  private watch?: NodeJS.Timeout;

  async beforeApplicationShutdown(): Promise<void> {
    if (this.watch) clearInterval(this.watch);
    await this.sealer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }

  /** Seals the whole ledger now and answers its checkpoint (reports use it). */
  sealNow(): Promise<StoredCheckpoint> {
    return this.sealer.sealNow();
  }

  /** The signed checkpoint of the tree at `treeSize` (signed now if none exists yet). */
  checkpointAt(treeSize: number): Promise<StoredCheckpoint> {
    return this.sealer.checkpointAt(treeSize);
  }

  lag(): Promise<SealerLag> {
    return this.sealer.lag();
  }
}
