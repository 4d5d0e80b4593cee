import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { isKnownRegion } from '@app/domain';
import { LEDGER_PROJECTIONS, rebuildReadModels } from '@app/read-models';
import { loadLedgerConfig, mintToken, openEventStore, openReadStore, Role, ROLES } from '@app/ledger';
import { runDemo } from './demo/demo';
import { AUDIT_COMMANDS, AUDIT_USAGE, runAuditCommand } from './audit/audit-commands';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  token --sub <user> --roles <r1,r2> --regions <53,53.03> [--expires 12h]
      Mint a bearer token (needs JWT_SECRET). Roles: ${ROLES.join(', ')}. Region ID = whole country.
  rebuild
      Rebuild every read model from the ledger into a fresh generation and swap it in.
  demo [--scale 1] [--reset]
      Load the public figures (NTT 2025/2026, TTU, NTB, NTT claims) through the command handlers and
      print what the read models answer. --scale 0.1 loads a tenth of the workers.
${AUDIT_USAGE}
The audit commands (verify … verify-report) take --help.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (AUDIT_COMMANDS.includes(command)) {
    process.exitCode = await runAuditCommand(command, rest);
    return;
  }
  switch (command) {
    case 'token': {
      const { values } = parseArgs({ args: rest, options: { sub: { type: 'string' }, roles: { type: 'string' }, regions: { type: 'string' }, expires: { type: 'string', default: '12h' } } });
      const secret = process.env.JWT_SECRET;
      if (!secret) throw new Error('JWT_SECRET must be set to mint a token the API accepts');
      if (!values.sub || !values.roles || !values.regions) throw new Error(`token needs --sub, --roles and --regions\n\n${USAGE}`);
      const roles = values.roles.split(',').map((r) => r.trim());
      const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length) throw new Error(`unknown roles: ${unknown.join(', ')}`);
      const regions = values.regions.split(',').map((r) => r.trim());
      const unknownRegions = regions.filter((r) => !isKnownRegion(r));
      if (unknownRegions.length) throw new Error(`unknown region codes: ${unknownRegions.join(', ')} (Kemendagri codes such as 53.03, or ID)`);
      console.log(mintToken(secret, { sub: values.sub, roles: roles as Role[], regions }, values.expires as '12h'));
      return;
    }
    case 'rebuild': {
      const config = loadLedgerConfig();
      const events = await openEventStore(config);
      const reads = await openReadStore(config);
      try {
        const result = await rebuildReadModels(events, reads, LEDGER_PROJECTIONS, {
          onProgress: (p) => process.stdout.write(`\rrebuilding generation ${p.generation}: ${p.eventsProjected} events`),
        });
        console.log(`\nrebuilt generation ${result.generation} from ${result.eventsProjected} events; it now answers the queries`);
      } finally {
        await events.close();
        await reads.close();
      }
      return;
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { scale: { type: 'string', default: '1' }, reset: { type: 'boolean', default: false } } });
      const scale = Number(values.scale);
      if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number above 0 and at most 1');
      const config = loadLedgerConfig();
      const started = Date.now();
      const ok = await runDemo(config, { scale, reset: values.reset });
      console.log(`\nDemo finished in ${Math.round((Date.now() - started) / 1000)} s; the ledger is in ${config.dataDir}: \`npm start\` to explore it.`);
      if (!ok) process.exitCode = 1;
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
