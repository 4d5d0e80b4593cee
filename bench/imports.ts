/**
 * npm run bench:import [-- --rows 100000 --bad 300 --via api,cli,service --format csv|xlsx --concurrency 256 --heap MB]
 *
 * A generated roster (test/support/roster.ts: the demo's people, a few hundred bad rows of every kind)
 * imported twice (the same file again must enrol nobody) on the embedded default stores, with the
 * projector running in the importing process as `npm start` has it:
 *
 *   api      a real API instance in a child process (`npm start`'s entry, a fresh DATA_DIR): the file
 *            streamed to POST /api/v1/workers/imports over HTTP, the job polled, refused.csv downloaded;
 *   cli      `npm run cli -- import FILE --allocation ID --enrolled-on DATE --refused-out FILE` in a
 *            child process (its own DATA_DIR, the allocation recorded first);
 *   service  ImportService in this process (what the route and the CLI run), with the key store's
 *            commits counted.
 *
 * For each run: the counts, the time, rows per second, whether every bad row was reported with a
 * reason (and nothing else), and memory: for a child, its resident set before the import and its peak
 * during it (VmHWM from /proc, reset before the import where the kernel allows it, and VmRSS sampled
 * every 100 ms); in this process, the peak of RSS sampled every 50 ms over the RSS before. Numbers, not
 * assertions. Linux only for the children's memory (/proc).
 *
 * Most of the peak is garbage V8 has not yet collected (hundreds of rows in flight outlive the young
 * generation): `--heap MB` runs the API and the CLI with --max-old-space-size=MB to show what the
 * import needs when the heap is held to that size.
 */
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AllocateFundingCommand,
  commandContext,
  createLedgerContext,
  ImportService,
  KEY_STORE,
  loadLedgerConfig,
  mintToken,
  sha256OfFile,
} from '@app/ledger';
import { makeRoster, rosterCsv, writeRosterXlsx } from '../test/support/roster';

const MB = 1024 * 1024;
const ENROLLED_ON = '2025-07-07';
const ALLOCATION = {
  regionCode: '53.03',
  fundingSource: 'APBD_KABUPATEN_KOTA' as const,
  fiscalYear: 2025,
  programName: 'bench',
  legalBasis: 'bench',
  allocatedOn: '2025-07-01',
};

/** The repository root, and how to run an app's entry point: compiled (npm run bench:import) or from the sources. */
const compiled = __filename.endsWith('.js');
const ROOT = compiled ? join(__dirname, '..', '..') : join(__dirname, '..');
/** As `npm start` and `npm run cli` run them (package.json). */
let nodeFlags: string[] = ['--max-semi-space-size=32'];
function entry(app: 'api' | 'cli'): string[] {
  return [
    ...nodeFlags,
    ...(compiled
      ? ['-r', join(ROOT, 'register-paths.js'), join(ROOT, 'dist', 'apps', app, 'src', 'main.js')]
      : ['-r', join(ROOT, 'test', 'support', 'ts-register.js'), join(ROOT, 'apps', app, 'src', 'main.ts')]),
  ];
}

interface Counts {
  rowsRead: number;
  enrolled: number;
  alreadyEnrolled: number;
  refused: number;
}

interface Expected {
  rows: number;
  good: number;
  badRows: number[];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** refused.csv (row,field,reason; RFC 4180 quotes) → rows with their reasons. */
function parseRefusedCsv(text: string): Array<{ row: number; field: string; reason: string }> {
  return text
    .split('\r\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(\d+),([^,]+),(.*)$/.exec(l);
      if (!m) throw new Error(`refused.csv: an unreadable line: ${l}`);
      const reason = m[3].startsWith('"') ? m[3].slice(1, -1).replace(/""/g, '"') : m[3];
      return { row: Number(m[1]), field: m[2], reason };
    });
}

/** Every bad row refused with a reason, and no other row. */
function checkRefusals(refusals: Array<{ row: number; reason: string }>, expected: Expected): string {
  const rows = new Set(refusals.map((r) => r.row));
  const missing = expected.badRows.filter((r) => !rows.has(r));
  const extra = [...rows].filter((r) => !expected.badRows.includes(r));
  const noReason = refusals.filter((r) => r.reason.trim().length < 5);
  return missing.length === 0 && extra.length === 0 && noReason.length === 0
    ? `every bad row reported with its reason (${rows.size} rows, ${refusals.length} reasons)`
    : `REFUSALS DIFFER: ${missing.length} bad rows not reported, ${extra.length} other rows refused, ${noReason.length} without a reason`;
}

function line(what: string, status: string, c: Counts, seconds: number, memory: string, refusals: string): string {
  return (
    `${what}: ${status}, ${fmt(c.rowsRead)} rows read, ${fmt(c.enrolled)} enrolled, ${fmt(c.alreadyEnrolled)} already enrolled, ` +
    `${fmt(c.refused)} refused in ${seconds.toFixed(1)} s: ${fmt(c.rowsRead / seconds)} rows/s; ${memory}; ${refusals}`
  );
}

/** Resident memory of a child process from /proc (kB → bytes); undefined when it has exited. */
function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a child's memory every 100 ms; `reset` clears its peak (VmHWM) where the kernel allows it. */
class MemoryWatch {
  private timer?: NodeJS.Timeout;
  base = 0;
  peak = 0;
  hwm = 0;
  private hwmReset = false;

  constructor(private readonly pid: number) {}

  start(): this {
    this.base = procMemory(this.pid)?.rss ?? 0;
    this.peak = this.base;
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.timer = setInterval(() => this.sample(), 100);
    return this;
  }

  rebase(): void {
    this.base = procMemory(this.pid)?.rss ?? this.base;
  }

  sample(): void {
    const m = procMemory(this.pid);
    if (!m) return;
    this.peak = Math.max(this.peak, m.rss);
    this.hwm = m.hwm;
  }

  stop(): string {
    this.sample();
    clearInterval(this.timer);
    const peak = Math.max(this.peak, this.hwmReset ? this.hwm : 0);
    return (
      `RSS ${fmt(this.base / MB)} MB before, peak ${fmt(peak / MB)} MB (+${fmt((peak - this.base) / MB)} MB` +
      `${this.hwmReset ? ', VmHWM reset at the start' : ', sampled every 100 ms'})`
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      bad: { type: 'string', default: '300' },
      via: { type: 'string', default: 'api,cli' },
      format: { type: 'string', default: 'csv' },
      concurrency: { type: 'string' },
      projector: { type: 'string', default: 'true' },
      heap: { type: 'string' },
    },
  });
  if (values.heap) nodeFlags = [...nodeFlags, `--max-old-space-size=${Number(values.heap)}`];
  const rows = Number(values.rows);
  const format = values.format === 'xlsx' ? 'xlsx' : 'csv';
  const via = values.via.split(',').map((v) => v.trim());
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-import-'));
  try {
    const path = join(dir, `roster.${format}`);
    let expected: Expected;
    {
      const roster = makeRoster({
        rows,
        bad: Number(values.bad),
        regency: '53.03',
        outsideAllocation: '53.01.04.2003',
        outsideCaller: '52.01',
      });
      if (format === 'csv') writeFileSync(path, rosterCsv(roster));
      else await writeRosterXlsx(roster, path);
      expected = { rows, good: roster.good, badRows: [...roster.bad.keys()].sort((a, b) => a - b) };
    }
    console.log(
      `roster: ${fmt(rows)} rows (${expected.badRows.length} bad: ${fmt(expected.good)} to enrol), ${format.toUpperCase()}, ${(statSync(path).size / MB).toFixed(1)} MB; ` +
        `embedded stores, projector ${values.projector === 'false' ? 'off' : 'on'}${values.concurrency ? `, ${values.concurrency} rows in flight` : ''}` +
        `${values.heap ? `, API and CLI run with --max-old-space-size=${values.heap}` : ''}`,
    );
    const env = (dataDir: string): NodeJS.ProcessEnv => ({
      ...process.env,
      DATA_DIR: dataDir,
      RUN_PROJECTOR: values.projector,
      LOG_LEVEL: 'warn',
    });
    if (values.concurrency && via.some((v) => v !== 'service')) {
      console.log('(--concurrency applies to the service run only: the API and the CLI use their default)');
    }
    for (const v of via) {
      if (v === 'api') await viaApi(path, format, expected, env(join(dir, 'api-data')));
      else if (v === 'cli') await viaCli(path, expected, env(join(dir, 'cli-data')), join(dir, 'cli-data'), dir);
      else if (v === 'service') await viaService(path, format, expected, join(dir, 'service-data'), values);
      else throw new Error(`--via: api, cli or service, not ${v}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A real API instance in a child process: upload over HTTP twice, poll the job, download refused.csv. */
async function viaApi(path: string, format: 'csv' | 'xlsx', expected: Expected, env: NodeJS.ProcessEnv) {
  const secret = 'bench-secret-for-the-import-bench-only';
  const child = spawn(process.execPath, entry('api'), { cwd: ROOT, env: { ...env, PORT: '0', JWT_SECRET: secret }, stdio: 'pipe' });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Ledger API\s+(http:\/\/\S+)/.exec(out);
        if (m) {
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening: ${stderr}`)));
    });
    const auth = (roles: string[], regions: string[], sub: string) => ({
      Authorization: `Bearer ${mintToken(secret, { sub, roles: roles as never, regions })}`,
    });
    const operator = auth(['operator'], ['53'], 'bench-operator');
    const http = async (method: string, url: string, headers: Record<string, string>, body?: string | (() => NodeJS.ReadableStream)) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${base}${url}`, { method, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        if (typeof body === 'function') body().pipe(req);
        else req.end(body);
      });
    const allocated = await http(
      'POST',
      '/api/v1/allocations',
      { ...auth(['finance'], ['ID'], 'bench-finance'), 'Content-Type': 'application/json' },
      JSON.stringify({ ...ALLOCATION, amount: expected.rows * 16_800 * 12 }),
    );
    if (allocated.status !== 201) throw new Error(`allocation: ${allocated.status} ${allocated.text}`);
    const { allocationId } = JSON.parse(allocated.text) as { allocationId: string };
    const type = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

    for (const run of ['API, first upload', 'API, same file again']) {
      const memory = new MemoryWatch(child.pid!).start();
      const started = performance.now();
      const answer = await http(
        'POST',
        `/api/v1/workers/imports?allocationId=${allocationId}&enrolledOn=${ENROLLED_ON}`,
        { ...operator, 'Content-Type': type, 'Content-Length': String(statSync(path).size) },
        () => createReadStream(path),
      );
      if (answer.status !== 202) throw new Error(`upload: ${answer.status} ${answer.text}`);
      const { jobId } = JSON.parse(answer.text) as { jobId: string };
      let job: { status: string; result?: Counts; error?: string };
      for (;;) {
        const polled = await http('GET', `/api/v1/jobs/${jobId}`, operator);
        job = JSON.parse(polled.text);
        if (job.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const seconds = (performance.now() - started) / 1000;
      const mem = memory.stop();
      if (!job.result) throw new Error(`the import ${job.status}: ${job.error}`);
      const refused = await http('GET', `/api/v1/jobs/${jobId}/refused.csv`, operator);
      console.log(line(run, job.status, job.result, seconds, `API process ${mem}`, checkRefusals(parseRefusedCsv(refused.text), expected)));
    }
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/** `npm run cli -- import` in a child process, twice, on a ledger holding the allocation. */
async function viaCli(path: string, expected: Expected, env: NodeJS.ProcessEnv, dataDir: string, dir: string) {
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dataDir, RUN_PROJECTOR: 'false' }));
  let allocationId: string;
  try {
    const finance = commandContext({ caller: { userId: 'bench', role: 'finance', regions: ['ID'] }, correlationId: 'bench' });
    ({ allocationId } = await app
      .get(CommandBus)
      .execute(new AllocateFundingCommand({ ...ALLOCATION, amount: expected.rows * 16_800 * 12 }, finance)));
  } finally {
    await app.close();
  }
  const refusedOut = join(dir, 'refused-cli.csv');
  for (const run of ['CLI, first import', 'CLI, same file again']) {
    rmSync(refusedOut, { force: true });
    const started = performance.now();
    const child: ChildProcess = spawn(
      process.execPath,
      [...entry('cli'), 'import', path, '--allocation', allocationId, '--enrolled-on', ENROLLED_ON, '--refused-out', refusedOut],
      { cwd: ROOT, env, stdio: 'pipe' },
    );
    const memory = new MemoryWatch(child.pid!).start();
    let out = '';
    let err = '';
    let firstProgress: number | undefined;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (firstProgress === undefined && /imported \d+\/\d+ rows/.test(out)) {
        firstProgress = performance.now();
        memory.rebase(); // the process is up, the ledger open, the rows counted: the import begins
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ended = performance.now();
    const mem = memory.stop();
    const num = (label: string) => Number(new RegExp(`^${label}: (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
    const counts = {
      rowsRead: num('rows read'),
      enrolled: num('enrolled'),
      alreadyEnrolled: num('already enrolled'),
      refused: num('refused'),
    };
    if (code !== 0 || Number.isNaN(counts.rowsRead)) throw new Error(`the CLI exited ${code}:\n${out.slice(-2000)}\n${err.slice(-2000)}`);
    const status = /: (SUCCEEDED|FAILED)$/m.exec(out)?.[1] ?? '?';
    const refusals = existsSync(refusedOut)
      ? checkRefusals(parseRefusedCsv(readFileSync(refusedOut, 'utf8')), expected)
      : 'no --refused-out file';
    const progressLines = out.split('\n').filter((l) => /^imported \d+\/\d+ rows/.test(l)).length;
    console.log(
      line(run, status, counts, (ended - (firstProgress ?? started)) / 1000, `CLI process ${mem}`, refusals) +
        ` (the whole command ${((ended - started) / 1000).toFixed(1)} s with start-up; ${progressLines} progress lines)`,
    );
  }
}

/** ImportService in this process (no HTTP): the key store's commits per row show the group commit at work. */
async function viaService(
  path: string,
  format: 'csv' | 'xlsx',
  expected: Expected,
  dataDir: string,
  values: { concurrency?: string; projector: string },
) {
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dataDir, RUN_PROJECTOR: values.projector }));
  try {
    const finance = commandContext({ caller: { userId: 'bench', role: 'finance', regions: ['ID'] }, correlationId: 'bench' });
    const { allocationId } = await app
      .get(CommandBus)
      .execute(new AllocateFundingCommand({ ...ALLOCATION, amount: expected.rows * 16_800 * 12 }, finance));
    const imports = app.get(ImportService);
    if (values.concurrency) imports.concurrency = Number(values.concurrency);
    const keys = app.get(KEY_STORE) as { commits?: number };
    const caller = { userId: 'bench', role: 'operator', regions: ['53'] };
    for (const run of ['service, first import', 'service, same file again']) {
      global.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const commitsBefore = keys.commits ?? 0;
      const started = performance.now();
      const file = { path, format, sha256: await sha256OfFile(path) } as const;
      const { done } = await imports.start(file, { allocationId, enrolledOn: ENROLLED_ON }, { caller, correlationId: 'bench' });
      const job = await done;
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const commits = (keys.commits ?? 0) - commitsBefore;
      const memory = `RSS ${fmt(base / MB)} MB before, peak ${fmt(peak / MB)} MB (+${fmt((peak - base) / MB)} MB); key store: ${fmt(commits)} commits`;
      const r = job.result as unknown as Counts;
      console.log(line(run, job.status, r, seconds, memory, checkRefusals(await imports.refusals(job), expected)));
    }
  } finally {
    await app.close();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
