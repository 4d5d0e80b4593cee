import 'reflect-metadata';
import { createApp } from './app.factory';
import { mintToken } from '@app/ledger';
import { loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port);
  const url = `http://localhost:${config.port}`;
  const store = config.eventStoreUrl ? 'EventStoreDB' : `embedded SQLite in ${config.dataDir}`;
  console.log(`Ledger API on ${url} (ledger: ${store}; read models: ${config.mongoUrl ? 'MongoDB' : 'embedded SQLite'})`);
  console.log(`OpenAPI: ${url}/docs   health: ${url}/health`);
  // Only the embedded try-out makes up a secret and prints a token; production mode refuses to start without one (config.ts).
  if (config.jwtSecretGenerated && config.jwtSecret && !config.production) {
    const token = mintToken(config.jwtSecret, {
      sub: 'admin',
      roles: ['admin', 'finance', 'operator', 'analyst', 'auditor', 'oversight'],
      regions: ['ID'],
    });
    console.log('JWT_SECRET was not set: a random one was made for this run. A token with every role for the whole country:');
    console.log(`  export TOKEN=${token}`);
    console.log(`  curl -H "Authorization: Bearer $TOKEN" ${url}/api/v1/funding/53?fiscalYear=2026`);
  }
}

main().catch((error: Error) => {
  console.error(`Start-up failed: ${error.message}`);
  process.exit(1);
});
