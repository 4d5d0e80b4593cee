import 'reflect-metadata';
import { createLedgerContext, loadLedgerConfig, ProjectionService, SealerService } from '@app/ledger';

/**
 * The projector as its own process (production): the ledger library with its background work on —
 * the projections, each from its own checkpoint, and the Merkle sealer with its signed checkpoints.
 * The API then starts with RUN_PROJECTOR=false.
 */
async function main(): Promise<void> {
  const app = await createLedgerContext({ ...loadLedgerConfig(), runProjector: true });
  const projections = app.get(ProjectionService);
  console.log(
    `projector: from checkpoint ${(await projections.checkpoint()) ?? 'start'}; sealing as ${app.get(SealerService).key.origin} (verifier key ${app.get(SealerService).key.verifierKey})`,
  );
  const report = setInterval(async () => {
    const lag = await projections.lag().catch(() => undefined);
    if (lag) console.log(JSON.stringify({ msg: 'projector lag', ...lag, error: projections.runner.error?.message }));
  }, 30_000);
  const shutdown = async () => {
    clearInterval(report);
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: Error) => {
  console.error(`Projector start-up failed: ${error.message}`);
  process.exit(1);
});
