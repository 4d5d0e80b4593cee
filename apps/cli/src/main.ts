import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isKnownRegion } from '@app/domain';
import { LEDGER_PROJECTIONS, rebuildReadModels } from '@app/read-models';
import { checkProjections, describeDifference, loadLedgerConfig, mintToken, openEventStore, openReadStore, Role, ROLES } from '@app/ledger';
import { runDemo } from './demo/demo';
import { AUDIT_COMMANDS, AUDIT_USAGE, runAuditCommand } from './audit/audit-commands';
import { IMPORT_COMMANDS, IMPORT_USAGE, runImportCommand } from './imports/import-commands';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  token --sub <user> --roles <r1,r2> --regions <53,53.03> [--expires 12h]
      Mint a bearer token (needs JWT_SECRET). Roles: ${ROLES.join(', ')}. Region ID = whole country.
  rebuild
      Rebuild every read model from the ledger into a fresh generation and swap it in.
  demo [--scale 1] [--reset]
      Load the public figures (NTT 2025/2026, TTU, NTB, NTT claims) through the command handlers and
      print what the read models answer. --scale 0.1 loads a tenth of the workers.
${IMPORT_USAGE}${AUDIT_USAGE}  verify --projections [--json]
      verify, then replay the ledger in memory with every projection and compare the result with the
      live read models (the active generation) document by document; exits 1 naming the first
      documents that differ.
Every command takes --help (and does nothing else then).
`;

/** The --help of the commands this file runs (import, transfer and the audit commands have their own). */
const HELP: Record<string, string> = {
  token: `Usage: npm run cli -- token --sub <user> --roles <r1,r2> --regions <53,53.03> [--expires 12h]

Prints a bearer token signed with JWT_SECRET (which must be set, the same as the API's).
Roles: ${ROLES.join(', ')}. Regions: Kemendagri codes such as 53 or 53.03; ID is the whole country.
`,
  rebuild: `Usage: npm run cli -- rebuild

Rebuilds every read model from the ledger in DATA_DIR (or EVENTSTORE_URL / MONGO_URL) into a fresh
generation and swaps it in when it has caught up; the old generation answers until then.
`,
  demo: `Usage: npm run cli -- demo [--scale 1] [--reset]

Loads the public figures (NTT 2025/2026, TTU, NTB, NTT claims) into the ledger in DATA_DIR through the
command handlers and checks what the read models answer.
  --scale N   a number above 0 and at most 1: the share of the workers to load (0.1: a tenth)
  --reset     delete a ledger already in DATA_DIR first
`,
  'verify --projections': `Usage: npm run cli -- verify --projections [--json]

Verifies the ledger (as verify does), then replays it in memory with every projection and compares the
result with the live read models document by document; exits 1 naming the first documents that differ.
`,
  help: USAGE,
};

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  // --help does nothing else, for every command.
  if (wantsHelp(rest) && !IMPORT_COMMANDS.includes(command)) {
    const key = command === 'verify' && rest.includes('--projections') ? 'verify --projections' : command;
    if (HELP[key]) {
      console.log(HELP[key]);
      return;
    }
    if (AUDIT_COMMANDS.includes(command)) {
      process.exitCode = await runAuditCommand(command, ['--help']);
      return;
    }
  }
  if (command === 'verify' && rest.includes('--projections')) {
    process.exitCode = await verifyWithProjections(rest.filter((a) => a !== '--projections'));
    return;
  }
  if (IMPORT_COMMANDS.includes(command)) {
    process.exitCode = await runImportCommand(command, rest);
    return;
  }
  if (AUDIT_COMMANDS.includes(command)) {
    process.exitCode = await runAuditCommand(command, rest);
    return;
  }
  switch (command) {
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: {
          sub: { type: 'string' },
          roles: { type: 'string' },
          regions: { type: 'string' },
          expires: { type: 'string', default: '12h' },
        },
      });
      const secret = process.env.JWT_SECRET;
      if (!secret) throw new Error('JWT_SECRET must be set to mint a token the API accepts');
      if (!values.sub || !values.roles || !values.regions) throw new Error(`token needs --sub, --roles and --regions\n\n${USAGE}`);
      const roles = values.roles.split(',').map((r) => r.trim());
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length) throw new Error(`unknown roles: ${unknown.join(', ')}`);
      const regions = values.regions.split(',').map((r) => r.trim());
      const unknownRegions = regions.filter((r) => !isKnownRegion(r));
      if (unknownRegions.length)
        throw new Error(`unknown region codes: ${unknownRegions.join(', ')} (Kemendagri codes such as 53.03, or ID)`);
      console.log(mintToken(secret, { sub: values.sub, roles: roles as Role[], regions }, values.expires as '12h'));
      return;
    }
    case 'rebuild': {
      const config = loadLedgerConfig();
      const events = await openEventStore(config);
      const reads = await openReadStore(config);
      let lastLine = 0;
      try {
        const result = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, {
          onProgress: (p) => {
            if (process.stdout.isTTY) process.stdout.write(`\rrebuilding generation ${p.generation}: ${p.eventsProjected} events`);
            else if (Date.now() - lastLine >= 2_000) {
              lastLine = Date.now();
              console.log(`rebuilding generation ${p.generation}: ${p.eventsProjected} events`);
            }
          },
        });
        console.log(`\nrebuilt generation ${result.generation} from ${result.eventsProjected} events; it now answers the queries`);
      } finally {
        await events.close();
        await reads.close();
      }
      return;
    }
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: { scale: { type: 'string', default: '1' }, reset: { type: 'boolean', default: false } },
      });
      const scale = Number(values.scale);
      if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number above 0 and at most 1');
      const config = loadLedgerConfig();
      const started = Date.now();
      const ok = await runDemo(config, { scale, reset: values.reset });
      console.log(
        `\nDemo finished in ${Math.round((Date.now() - started) / 1000)} s; the ledger is in ${config.dataDir}: \`npm start\` to explore it.`,
      );
      if (!ok) process.exitCode = 1;
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help') process.exitCode = 2;
  }
}

/**
 * `verify --projections`: the ledger's verification (as plain `verify`), then every projection
 * replayed in memory up to its checkpoint in the live read models and compared with them, document by
 * document. Exit code: the worse of the two.
 */
async function verifyWithProjections(rest: string[]): Promise<number> {
  const ledgerCode = await runAuditCommand('verify', rest);
  if (ledgerCode === 2) return 2;
  const json = rest.includes('--json');
  const config = loadLedgerConfig();
  const events = await openEventStore(config);
  const reads = await openReadStore(config);
  try {
    const result = await checkProjections(events, () => reads.active(), LEDGER_PROJECTIONS);
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(
        `projections: ${result.ok ? 'OK' : 'MISMATCH'}: generation ${result.generation}, ${result.eventsReplayed} events replayed in memory`,
      );
      for (const p of result.projections) {
        const state = p.notBuilt
          ? 'not built (no checkpoint of this version)'
          : `${p.documents} documents up to ${p.checkpoint}, ${p.differences} differ`;
        console.log(`  ${p.projection} v${p.version}: ${state}`);
      }
      if (result.differences.length > 0) console.log('first differences:');
      for (const d of result.differences) console.log(`  ${describeDifference(d)}`);
    }
    return Math.max(ledgerCode, result.ok ? 0 : 1);
  } finally {
    await events.close();
    await reads.close();
  }
}

// Run as the entry point (`npm run cli`); a test may load it and call main() itself.
if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
