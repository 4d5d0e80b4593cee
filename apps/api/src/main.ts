import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { mintToken } from '@app/ledger';
import { loadConfig } from './config';
import { firstStartBlock } from './operations/first-start';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const app = await createApp(config);
  // Nest's shutdown hooks close the stores first and the HTTP server last; ours stops accepting, lets the
  // requests in hand finish (a batch is one transaction: it commits or never started), then closes Nest.
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
  }
  await app.listen(config.port);
  const server = app.getHttpServer() as Server;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: 30, time: Date.now(), msg: `${signal}: finishing the requests in hand, then stopping` }));
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: Error) => {
          console.error(`Shutdown failed: ${error.message}`);
          process.exit(1);
        });
    });
    // Idle keep-alive connections would hold server.close() open; busy ones close after their answer.
    server.closeIdleConnections();
  };
  for (const signal of SIGNALS) process.on(signal, () => shutdown(signal));

  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  // Only the embedded try-out makes up a secret and prints a token; production mode refuses to start without one (config.ts).
  const token =
    config.jwtSecretGenerated && config.jwtSecret && !config.production
      ? mintToken(config.jwtSecret, {
          sub: 'admin',
          roles: ['admin', 'finance', 'operator', 'analyst', 'auditor', 'oversight'],
          regions: ['ID'],
        })
      : undefined;
  process.stdout.write(firstStartBlock(url, config, token) + '\n');
}

main().catch((error: Error) => {
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
