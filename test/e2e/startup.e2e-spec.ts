import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_COMMANDS } from '../../apps/cli/src/audit/audit-commands';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config';

/** The adapters are chosen by configuration alone, and a configured server that cannot be reached stops start-up with a clear message. */
describe('start-up configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-startup-'));
  const base = { NODE_ENV: 'test', JWT_SECRET: 's', NIK_PEPPER: 'p', CONNECT_TIMEOUT_MS: '1500', DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fails fast when EventStoreDB cannot be reached', async () => {
    await expect(createApp(loadConfig({ ...base, EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' }))).rejects.toThrow(
      /EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false cannot be reached/,
    );
  });

  it('fails fast when MongoDB cannot be reached', async () => {
    await expect(createApp(loadConfig({ ...base, MONGO_URL: 'mongodb://127.0.0.1:1/ledger' }))).rejects.toThrow(
      /MongoDB at mongodb:\/\/127\.0\.0\.1:1\/ledger cannot be reached/,
    );
  });

  it('refuses to run on the production stores without the secrets they need', () => {
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://x:2113?tls=false' })).toThrow(/JWT_SECRET must be set/);
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://x:2113?tls=false', JWT_SECRET: 's' })).toThrow(/NIK_PEPPER must be set/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('defaults to the embedded stores and a generated secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      eventStoreUrl: undefined,
      mongoUrl: undefined,
      jwtSecretGenerated: true,
      runProjector: true,
    });
  });
});

const ROOT = join(__dirname, '..', '..');
const REGISTER = join(ROOT, 'test/support/ts-register.js');

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, script), ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every CLI command answers --help with its usage and does nothing else (no ledger opened, no data directory made). */
describe('CLI --help', () => {
  const parent = mkdtempSync(join(tmpdir(), 'ledger-cli-help-'));
  const dataDir = join(parent, 'never-made');
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  const commands: string[][] = [
    ['help'],
    ['--help'],
    ['token'],
    ['rebuild'],
    ['demo'],
    ['verify', '--projections'],
    ['import'],
    ['transfer'],
    ...AUDIT_COMMANDS.map((c) => [c]),
  ];

  const env = { ...process.env, DATA_DIR: dataDir, JWT_SECRET: 's' };

  it('rebuild --help, from the entry point, prints its usage and rebuilds nothing', async () => {
    const { code, stdout, stderr } = await run('apps/cli/src/main.ts', ['rebuild', '--help'], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage: npm run cli -- rebuild\n/);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  it('every command: usage, exit code 0, nothing else', async () => {
    // One child process (transpiling the CLI once) runs main() for each command in turn.
    const script = `
      const { main } = require(${JSON.stringify(join(ROOT, 'apps/cli/src/main.ts'))});
      (async () => {
        for (const args of JSON.parse(process.env.HELP_COMMANDS)) {
          process.exitCode = undefined;
          process.stdout.write('@@@ ' + args.join(' ') + '\\n');
          await main([...args, '--help']);
          process.stdout.write('@@@ exit ' + (process.exitCode ?? 0) + '\\n');
        }
      })().catch((e) => { console.error(e); process.exit(3); });`;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', REGISTER, '-e', script], {
        cwd: ROOT,
        env: { ...env, HELP_COMMANDS: JSON.stringify(commands) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const sections = result.stdout.split(/^@@@ (?!exit)/m).slice(1);
    expect(sections).toHaveLength(commands.length);
    for (const [i, section] of sections.entries()) {
      const command = commands[i];
      const [heading, ...rest] = section.split('\n');
      expect(heading).toBe(command.join(' '));
      const text = rest.join('\n');
      expect(text).toMatch(/^Usage: npm run cli -- /);
      expect(text).toMatch(/^@@@ exit 0$/m);
      if (command[0] !== 'help' && command[0] !== '--help') expect(text).toContain(`npm run cli -- ${command.join(' ')}`);
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 90_000);
});

/** `npm start`'s process: a readable first-start block, and SIGTERM lets the request in hand finish. */
describe('the API process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-process-'));
  let child: ChildProcess;
  let out = '';
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URLs and a token as a plain block, then finishes an in-flight request on SIGTERM before exiting', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    for (const name of ['NODE_ENV', 'JWT_SECRET', 'JWT_JWKS_URL', 'EVENTSTORE_URL', 'MONGO_URL']) delete env[name];
    child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, 'apps/api/src/main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const deadline = Date.now() + 90_000;
    while (!/^curl .*$/m.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the API did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const block = out.slice(out.indexOf('\n====') + 1);
    // Plain lines a person reads: no JSON, the URLs and the token ready to paste.
    const url = /^Ledger API +(http:\/\/localhost:\d+)$/m.exec(block)![1];
    expect(block).toContain(`OpenAPI UI      ${url}/docs`);
    expect(block).toContain(`Dashboard       ${url}/dashboard`);
    expect(block).toContain(`${url}/health/ready`);
    const token = /^export TOKEN=(\S+)$/m.exec(block)![1];
    expect(block).toMatch(/^curl -H "Authorization: Bearer \$TOKEN" /m);

    // A command whose body arrives slowly: SIGTERM comes while it is in hand.
    const body = JSON.stringify({
      regionCode: '53',
      fundingSource: 'APBD_PROVINSI',
      fiscalYear: 2026,
      amount: 10_080_000_000,
      programName: 'Perlindungan pekerja rentan NTT 2026',
      legalBasis: 'Pergub NTT 2026',
      targetWorkers: 50_000,
      allocatedOn: '2026-01-02',
    });
    const answer = new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        `${url}/api/v1/allocations`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 700);
      }, 300);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const { status, text } = await answer;
    expect({ status, text }).toEqual({ status: 201, text: expect.stringContaining('"allocationId"') });
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: finishing the requests in hand, then stopping');
  }, 120_000);
});
