/**
 * npm run bench:queries [-- --scale 0.1 --data DIR --seconds 3 --connections 8 --json]
 *
 * Requests per second of `GET /health` and of every GET query route (a regency's first page, deep pages
 * of a province and of the country by page number and by keyset cursor, a status filter, one worker,
 * claims, coverage, funding, findings) on a real app instance (the API's main, in a child process, on
 * the embedded stores) holding the demo's data (`runDemo`, the same commands as `npm run demo -- --scale
 * S`). The demo data is built once into DIR (default: a directory in the system's temp dir named after
 * the scale) and reused.
 *
 * The load comes from this process (plain node:http with keep-alive) with the same number of
 * connections for every route; each route and `/health` take turns in slices of 250 ms for the same
 * total time, and the route's ratio is its rate over `/health`'s in those slices, so a busy machine
 * (other processes on the same cores, whose load comes and goes) weighs on both sides alike. Numbers,
 * not assertions.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLedgerConfig, mintToken, type Role } from '@app/ledger';
import { runDemo } from '../apps/cli/src/demo/demo';

export interface QueriesBenchOptions {
  /** The demo's scale (default 0.1: about 17,000 workers; 1 is the full public figures, about 172,000). */
  scale?: number;
  /** Where the demo data is built, or found from an earlier run. */
  dataDir?: string;
  /** Seconds measured per route, and as many for /health beside it (default 3; after 0.5 s of warm-up). */
  seconds?: number;
  /** Concurrent keep-alive connections of the client (default 8). */
  connections?: number;
  log?: (line: string) => void;
}

export interface RouteRate {
  route: string;
  rps: number;
  /** rps / the rps of /health measured in the slices between this route's. */
  ratio: number;
  /** Answers other than 200 (none expected). */
  errors: number;
}

export interface QueriesBenchResult {
  scale: number;
  connections: number;
  seconds: number;
  /** The median of /health's rates (one per route). */
  healthRps: number;
  routes: RouteRate[];
}

const SECRET = 'bench-queries-secret';
const PAGE_SIZE = 50;
/** Each route and /health take turns for this long, over and over. */
const SLICE_MS = 250;

interface Burst {
  ok: number;
  errors: number;
  ms: number;
}

/** Keep-alive connections, kept across bursts. */
let agent = new http.Agent({ keepAlive: true });

/** `connections` loops of GET for `ms`. */
async function burst(port: number, path: string, headers: Record<string, string>, connections: number, ms: number): Promise<Burst> {
  const get = () =>
    new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
    });
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        if ((await get()) === 200) ok++;
        else errors++;
      }
    }),
  );
  return { ok, errors, ms: performance.now() - started };
}

/** The API's main as a child process: from the sources under ts-register, or from dist/ when this runs compiled. */
async function startApi(dataDir: string, log: (line: string) => void): Promise<{ port: number; stop(): Promise<void> }> {
  const compiled = __filename.endsWith('.js');
  const root = compiled ? join(__dirname, '..', '..') : join(__dirname, '..');
  const args = compiled
    ? ['-r', join(root, 'register-paths.js'), join(root, 'dist', 'apps', 'api', 'src', 'main.js')]
    : ['-r', join(root, 'test', 'support', 'ts-register.js'), join(root, 'apps', 'api', 'src', 'main.ts')];
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_LEVEL: 'silent', PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await settled(port, () => (child.exitCode !== null ? `the API exited (${child.exitCode}): ${stderr}` : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  log(`API started (pid ${child.pid}, port ${port})`);
  return { port, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function benchQueries(options: QueriesBenchOptions = {}): Promise<QueriesBenchResult> {
  const scale = options.scale ?? 0.1;
  const seconds = options.seconds ?? 3;
  const connections = options.connections ?? 8;
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? join(tmpdir(), `ledger-bench-queries-${scale}`);

  if (!existsSync(join(dataDir, 'ledger.sqlite'))) {
    mkdirSync(dataDir, { recursive: true });
    log(`building the demo data at scale ${scale} in ${dataDir} (once; later runs reuse it)`);
    const ok = await runDemo(loadLedgerConfig({ DATA_DIR: dataDir }), { scale, reset: true });
    if (!ok) throw new Error('the demo did not check out: its data is no base for a benchmark');
  } else {
    log(`reusing the demo data in ${dataDir}`);
  }

  const api = await startApi(dataDir, log);
  agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  try {
    const port = api.port;
    const as = (roles: Role[], regions: string[]) => ({
      authorization: `Bearer ${mintToken(SECRET, { sub: `bench-${roles.join('-')}`, roles, regions })}`,
    });
    const country = as(['analyst'], ['ID']);
    const regency = as(['operator'], ['53.03']);
    const auditor = as(['auditor'], ['ID']);

    const fetchJson = async (path: string, headers: Record<string, string>) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const lastPage = async (path: string, headers: Record<string, string>) => {
      const first = await fetchJson(`${path}${path.includes('?') ? '&' : '?'}pageSize=${PAGE_SIZE}`, headers);
      return Math.max(1, Math.ceil(Number(first.total) / PAGE_SIZE));
    };
    const deepProvince = await lastPage('/api/v1/workers?regionCode=53', country);
    const deepCountry = await lastPage('/api/v1/workers', country);
    const someWorker = ((await fetchJson('/api/v1/workers?regionCode=53.03&pageSize=1', regency)).items as Array<{ workerId: string }>)[0];
    /** The keyset cursor of the page before the last (undefined where the API has none). */
    const cursorBefore = async (path: string, page: number) => {
      const answer = await fetchJson(
        `${path}${path.includes('?') ? '&' : '?'}pageSize=${PAGE_SIZE}&page=${Math.max(1, page - 1)}`,
        country,
      );
      return typeof answer.nextCursor === 'string' ? answer.nextCursor : undefined;
    };
    const provinceCursor = await cursorBefore('/api/v1/workers?regionCode=53', deepProvince);
    const countryCursor = await cursorBefore('/api/v1/workers', deepCountry);

    const routes: Array<{ route: string; path: string; headers: Record<string, string> }> = [
      { route: 'workers: a regency, page 1', path: `/api/v1/workers?regionCode=53.03&pageSize=${PAGE_SIZE}`, headers: regency },
      {
        route: 'workers: a regency, ACTIVE, page 1',
        path: `/api/v1/workers?regionCode=53.03&status=ACTIVE&pageSize=${PAGE_SIZE}`,
        headers: regency,
      },
      {
        route: `workers: a province, deep page (${deepProvince})`,
        path: `/api/v1/workers?regionCode=53&pageSize=${PAGE_SIZE}&page=${deepProvince}`,
        headers: country,
      },
      ...(provinceCursor
        ? [
            {
              route: `workers: a province, page ${deepProvince} by cursor`,
              path: `/api/v1/workers?regionCode=53&pageSize=${PAGE_SIZE}&cursor=${provinceCursor}`,
              headers: country,
            },
          ]
        : []),
      { route: 'workers: country-wide, page 1', path: `/api/v1/workers?pageSize=${PAGE_SIZE}`, headers: country },
      {
        route: `workers: country-wide, deep page (${deepCountry})`,
        path: `/api/v1/workers?pageSize=${PAGE_SIZE}&page=${deepCountry}`,
        headers: country,
      },
      ...(countryCursor
        ? [
            {
              route: `workers: country-wide, page ${deepCountry} by cursor`,
              path: `/api/v1/workers?pageSize=${PAGE_SIZE}&cursor=${countryCursor}`,
              headers: country,
            },
          ]
        : []),
      { route: 'workers: one worker', path: `/api/v1/workers/${someWorker.workerId}`, headers: country },
      { route: 'claims: a province', path: '/api/v1/claims?regionCode=53', headers: country },
      { route: 'claims: country-wide', path: '/api/v1/claims', headers: country },
      { route: 'coverage: a province, 2025-12', path: '/api/v1/coverage/53?period=2025-12', headers: country },
      { route: 'coverage: the country', path: '/api/v1/coverage/ID?period=2025-12', headers: country },
      { route: 'funding: a province, 2025', path: '/api/v1/funding/53?fiscalYear=2025', headers: country },
      { route: 'funding: the country, 2025', path: '/api/v1/funding/ID?fiscalYear=2025', headers: country },
      { route: 'findings: a province', path: '/api/v1/audit/findings?regionCode=53', headers: auditor },
      { route: 'findings: country-wide', path: '/api/v1/audit/findings', headers: auditor },
    ];
    for (const r of routes) await fetchJson(r.path, r.headers); // every route answers 200 before any is measured

    const rate = (r: { ok: number; ms: number }) => (r.ok / r.ms) * 1000;
    /** The route and /health in alternating slices over the same seconds, so both see the same load on the machine. */
    const sideBySide = async (path: string, headers: Record<string, string>) => {
      await burst(port, path, headers, connections, 500); // warm-up
      const route = { ok: 0, errors: 0, ms: 0 };
      const health = { ok: 0, errors: 0, ms: 0 };
      const rounds = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));
      for (let i = 0; i < rounds; i++) {
        for (const [side, p, h] of [
          [route, path, headers],
          [health, '/health', {}],
        ] as const) {
          const r = await burst(port, p, h, connections, SLICE_MS);
          side.ok += r.ok;
          side.errors += r.errors;
          side.ms += r.ms;
        }
      }
      return { route, health };
    };

    log(
      `${routes.length} routes, ${connections} connections, ${seconds} s each for the route and for /health, in alternating slices of ${SLICE_MS} ms`,
    );
    const healthRuns: number[] = [];
    const out: RouteRate[] = [];
    for (const r of routes) {
      const measured = await sideBySide(r.path, r.headers);
      const health = rate(measured.health);
      healthRuns.push(health);
      const rps = rate(measured.route);
      out.push({ route: r.route, rps: Math.round(rps), ratio: Math.round((rps / health) * 100) / 100, errors: measured.route.errors });
      log(`  ${r.route}: ${Math.round(rps)}/s, ${(rps / health).toFixed(2)}× /health (${Math.round(health)}/s)`);
    }
    const sorted = [...healthRuns].sort((a, b) => a - b);
    return { scale, connections, seconds, healthRps: Math.round(sorted[Math.floor(sorted.length / 2)]), routes: out };
  } finally {
    agent.destroy();
    await api.stop();
  }
}

/** Waits until the API answers, its projections have caught up and its start-up verification of the ledger is done. */
async function settled(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  let last: unknown;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      { info?: { integrity?: { verified?: boolean }; projection?: { lagSeconds?: number } } } | undefined;
    if (response?.status === 200 && body?.info?.integrity?.verified && body.info.projection?.lagSeconds === 0) return;
    last = body;
    if (Date.now() > deadline) throw new Error(`the API did not settle: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '0.1' },
      data: { type: 'string' },
      seconds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '8' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await benchQueries({
    scale: Number(values.scale),
    dataDir: values.data,
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    log: values.json ? () => {} : undefined,
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `\nQueries vs /health, demo at scale ${result.scale}, ${result.connections} connections, ${new Date().toISOString()}: /health ${result.healthRps}/s (median)`,
  );
  console.table(result.routes.map((r) => ({ route: r.route, 'req/s': r.rps, '× /health': r.ratio, errors: r.errors })));
  const slow = result.routes.filter((r) => r.ratio < 0.5);
  console.log(slow.length ? `below half of /health: ${slow.map((r) => r.route).join('; ')}` : 'every route at least half of /health');
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
