import 'reflect-metadata';
import { ledgerRunner } from '@app/read-models';
import { loadLedgerConfig, openEventStore, openReadStore } from '@app/ledger';

/**
 * The projector as its own process (production): reads the ledger from the checkpoint and keeps the
 * read models up to date. Run one per read store; the API then starts with RUN_PROJECTOR=false.
 */
async function main(): Promise<void> {
  const config = loadLedgerConfig();
  const events = await openEventStore(config);
  const reads = await openReadStore(config);
  const runner = ledgerRunner(events, () => reads.active(), { idleMs: 200 });
  runner.onFailed((error) => console.error(JSON.stringify({ msg: 'projection batch failed, retrying', error: error.message })));
  runner.start();
  console.log(`projector: ${events.kind} -> ${reads.kind}, from checkpoint ${(await runner.checkpoint()) ?? 'start'}`);
  const report = setInterval(async () => {
    const lag = await runner.lag().catch(() => undefined);
    if (lag) console.log(JSON.stringify({ msg: 'projector lag', ...lag, error: runner.error?.message }));
  }, 30_000);
  const shutdown = async () => {
    clearInterval(report);
    await runner.stop();
    await events.close();
    await reads.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: Error) => {
  console.error(`Projector start-up failed: ${error.message}`);
  process.exit(1);
});
