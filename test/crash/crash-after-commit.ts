/**
 * Run as a child process by crash.e2e-spec.ts: serves one keyed command over HTTP on DATA_DIR and
 * dies (SIGKILL) the instant the ledger has committed it, before any answer leaves the process.
 */
import 'reflect-metadata';
import request from 'supertest';
import { SqliteEventStore } from '@app/event-store';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';
import { mintToken } from '@app/ledger';

async function main() {
  const appendMany = SqliteEventStore.prototype.appendMany;
  SqliteEventStore.prototype.appendMany = async function (writes) {
    const outcomes = await appendMany.call(this, writes);
    if (writes.some((w) => w.streamName.startsWith('command-'))) process.kill(process.pid, 'SIGKILL');
    return outcomes;
  };
  const secret = process.env.JWT_SECRET!;
  const app = await createApp(loadConfig({ ...process.env, NODE_ENV: 'test', RUN_PROJECTOR: 'false' }));
  await app.init();
  const token = mintToken(secret, { sub: 'fin', roles: ['finance'], regions: ['ID'] });
  await request(app.getHttpServer())
    .post('/api/v1/allocations')
    .set('Authorization', `Bearer ${token}`)
    .set('Idempotency-Key', process.env.KEY!)
    .send(JSON.parse(process.env.BODY!));
  // Never reached: the process is killed once the command has committed.
  process.exit(3);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
