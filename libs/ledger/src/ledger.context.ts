import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { LedgerConfig } from './config';
import { LedgerModule } from './ledger.module';

/** The application layer without HTTP, for the CLI, the bench and tests: the same handlers as the API. */
export async function createLedgerContext(config: LedgerConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(LedgerModule.forRoot(config), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await context.init();
  return context;
}
