import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory';
import { mintToken } from '@app/ledger';
import type { Role } from '../../apps/api/src/auth/user';
import { loadConfig } from '../../apps/api/src/config';

export const TEST_SECRET = 'test-secret-for-e2e-only';

export interface TestApp {
  app: NestExpressApplication;
  /** The app's DATA_DIR (removed by close). */
  dataDir: string;
  http: ReturnType<typeof request>;
  token(roles: Role[], regions?: string[], sub?: string): string;
  /** Authorization header for a user with these roles in these regions. */
  as(roles: Role[], regions?: string[], sub?: string): { Authorization: string };
  close(): Promise<void>;
}

/** A real app instance on the embedded stores, in a fresh data directory. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: TEST_SECRET, ...env });
  const app = await createApp(config);
  await app.init();
  const token = (roles: Role[], regions: string[] = ['ID'], sub = `user-${roles.join('-')}`) =>
    mintToken(TEST_SECRET, { sub, roles, regions });
  return {
    app,
    dataDir,
    http: request(app.getHttpServer()),
    token,
    as: (roles, regions, sub) => ({ Authorization: `Bearer ${token(roles, regions, sub)}` }),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
