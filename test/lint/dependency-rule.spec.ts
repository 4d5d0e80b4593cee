import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The dependency rule of eslint.config.mjs (docs/design.md, "Layers"), proven on snippets linted as if
 * they sat at the given paths (the files need not exist).
 *
 * ESLint's Node API loads `eslint.config.mjs` with a dynamic import, which Jest's module sandbox refuses
 * (it would need --experimental-vm-modules), so the snippets are linted in one child Node process with
 * `new ESLint({ cwd }).lintText(code, { filePath })`.
 */
const ROOT = join(__dirname, '..', '..');
const RULE = 'no-restricted-imports';

interface Case {
  name: string;
  path: string;
  imports: string[];
  /** A piece of the rule's message, for each import the rule must refuse, in order; empty when all are allowed. */
  refused: string[];
}

const cases: Case[] = [
  // libs/domain: pure
  {
    name: 'domain: no NestJS',
    path: 'libs/domain/src/claims/claims.decider.ts',
    imports: ["import { Injectable } from '@nestjs/common';"],
    refused: ['no NestJS'],
  },
  {
    name: 'domain: no drivers',
    path: 'libs/domain/src/funding/funding.decider.ts',
    imports: [
      "import Database from 'better-sqlite3';",
      "import { MongoClient } from 'mongodb';",
      "import { EventStoreDBClient } from '@eventstore/db-client';",
    ],
    refused: ['no database drivers', 'no database drivers', 'no database drivers'],
  },
  {
    name: 'domain: no other lib',
    path: 'libs/domain/src/workers/workers.decider.ts',
    imports: ["import { READ_STORE } from '@app/read-models';"],
    refused: ['imports no library'],
  },
  {
    name: 'domain: no Node.js I/O',
    path: 'libs/domain/src/shared/money.ts',
    imports: ["import { readFileSync } from 'node:fs';", "import { randomUUID } from 'crypto';", "import { connect } from 'net';"],
    refused: ['no Node.js modules', 'no Node.js modules', 'no Node.js modules'],
  },
  {
    name: 'domain: no package at all',
    path: 'libs/domain/src/reference/tariffs.ts',
    imports: ["import dayjs from 'dayjs';"],
    refused: ['nothing but its own files'],
  },
  {
    name: 'domain: no relative import leaving libs/domain',
    path: 'libs/domain/src/claims/claims.decider.ts',
    imports: [
      "import { sha256 } from '../../../event-store/src/hashing';",
      "import { specOf } from '../../../../test/support/decider-spec';",
    ],
    refused: ['must stay inside libs/domain', 'must stay inside libs/domain'],
  },
  {
    name: 'domain: leaving from the top folder too',
    path: 'libs/domain/src/index.ts',
    imports: ["import { x } from '../../ledger/src';"],
    refused: ['must stay inside libs/domain'],
  },
  {
    name: 'domain: its own files',
    path: 'libs/domain/src/claims/claims.decider.ts',
    imports: ["import { Money } from '../shared/money';", "import { ClaimEvent } from './claims.events';", "import { x } from '..';"],
    refused: [],
  },
  {
    name: 'domain specs: test/support, but nothing else outside',
    path: 'libs/domain/src/claims/claims.decider.spec.ts',
    imports: ["import { specOf } from '../../../../test/support/decider-spec';", "import { Injectable } from '@nestjs/common';"],
    refused: ['no NestJS'],
  },

  // adapters
  {
    name: 'event-store: never the application layer or apps',
    path: 'libs/event-store/src/sqlite-event-store.ts',
    imports: ["import { CommandSeam } from '@app/ledger';", "import { loadConfig } from '../../../apps/api/src/config';"],
    refused: ['never import @app/ledger', 'never import from apps/'],
  },
  {
    name: 'read-models: never the application layer or apps',
    path: 'libs/read-models/src/projections/coverage.projection.ts',
    imports: ["import { LEDGER_UPCASTERS } from '@app/ledger/upcasters';", "import { demo } from '../../../../apps/cli/src/demo/demo';"],
    refused: ['never import @app/ledger', 'never import from apps/'],
  },
  {
    name: 'read-models: the event store port and the domain',
    path: 'libs/read-models/src/runner.ts',
    imports: [
      "import type { EventStore } from '@app/event-store';",
      "import { regionOf } from '@app/domain';",
      "import Database from 'better-sqlite3';",
    ],
    refused: [],
  },

  // verifier
  {
    name: 'verifier: nothing but its own files and node:*',
    path: 'libs/verifier/src/verify-ledger.ts',
    imports: [
      "import { CommandSeam } from '@app/ledger';",
      "import { sha256 } from '@app/event-store';",
      "import Database from 'better-sqlite3';",
      "import { chainHash } from '../../event-store/src/hashing';",
    ],
    refused: ['stands alone', 'stands alone', 'stands alone', 'must stay inside libs/verifier'],
  },
  {
    name: 'verifier: its own files and node:*',
    path: 'libs/verifier/src/verify-ledger.ts',
    imports: ["import { createHash } from 'node:crypto';", "import { merkleRoot } from './merkle';"],
    refused: [],
  },

  // the application layer
  {
    name: 'ledger: nothing from apps/',
    path: 'libs/ledger/src/ledger.module.ts',
    imports: ["import { loadConfig } from '../../../apps/api/src/config';"],
    refused: ['never import from apps/'],
  },
  {
    name: 'ledger handlers: never the store itself',
    path: 'libs/ledger/src/claims/claims.handlers.ts',
    imports: [
      "import { EVENT_STORE } from '@app/event-store';",
      "import type { EventStore } from '@app/event-store';",
      "import { SqliteEventStore } from '@app/event-store/sqlite-event-store';",
      "import { EsdbEventStore } from '@app/event-store';",
    ],
    refused: ['go through CommandSeam', 'go through CommandSeam', 'go through CommandSeam', 'go through CommandSeam'],
  },
  {
    name: 'ledger handlers: the seam, the domain and the rest of the event store library',
    path: 'libs/ledger/src/claims/claims.handlers.ts',
    imports: [
      "import { CommandSeam } from '../command-seam/command-seam';",
      "import { claimsDecider } from '@app/domain';",
      "import { canonicalJson } from '@app/event-store';",
    ],
    refused: [],
  },
  {
    name: 'ledger outside handlers: the store is allowed',
    path: 'libs/ledger/src/command-seam/command-seam.ts',
    imports: ["import { EVENT_STORE, EventStore } from '@app/event-store';"],
    refused: [],
  },

  // apps never import each other
  {
    name: 'cli: nothing from apps/api or apps/projector',
    path: 'apps/cli/src/main.ts',
    imports: ["import { loadConfig } from '../../api/src/config';", "import { main } from '../../projector/src/main';"],
    refused: ['nothing from apps/api', 'nothing from apps/projector'],
  },
  {
    name: 'projector: nothing from apps/api',
    path: 'apps/projector/src/main.ts',
    imports: ["import { AppModule } from '../../api/src/app.module';"],
    refused: ['nothing from apps/api'],
  },
  {
    name: 'bench: nothing from apps/api',
    path: 'bench/run.ts',
    imports: ["import { loadConfig } from '../apps/api/src/config';"],
    refused: ['nothing from apps/api'],
  },
  {
    name: 'api: nothing from apps/cli or apps/projector',
    path: 'apps/api/src/app.module.ts',
    imports: ["import { demo } from '../../cli/src/demo/demo';", "import { main } from '../../projector/src/main';"],
    refused: ['nothing from apps/cli', 'nothing from apps/projector'],
  },
  {
    name: 'apps: the libraries',
    path: 'apps/cli/src/main.ts',
    imports: ["import { CommandSeam } from '@app/ledger';", "import { ledgerRunner } from '@app/read-models';"],
    refused: [],
  },
  {
    name: 'bench: the libraries and the demo people',
    path: 'bench/run.ts',
    imports: ["import { openEventStore } from '@app/ledger';", "import { people } from '../apps/cli/src/demo/people';"],
    refused: [],
  },
  {
    name: 'api: its own files and the libraries',
    path: 'apps/api/src/app.module.ts',
    imports: ["import { CommandCtx } from './http/command-context';", "import { LedgerModule } from '@app/ledger';"],
    refused: [],
  },
];

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
  fatal?: boolean;
}

/** A snippet of import lines; only this rule's messages are asserted (unused imports do not matter here). */
function snippet(imports: string[]): string {
  return `${imports.join('\n')}\n`;
}

function lintAll(inputs: Array<{ path: string; code: string }>): LintMessage[][] {
  const script = `
    const { ESLint } = require('eslint');
    const path = require('node:path');
    const inputs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const { path: p, code } of inputs) {
        const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), p) });
        out.push(result.messages);
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, input: JSON.stringify(inputs), encoding: 'utf8' }));
}

describe('the dependency rule (eslint.config.mjs)', () => {
  let results: LintMessage[][];

  beforeAll(() => {
    results = lintAll(cases.map((c) => ({ path: c.path, code: snippet(c.imports) })));
  }, 60_000);

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const { imports, refused } = cases[i];
    const messages = results[i];
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const restricted = messages.filter((m) => m.ruleId === RULE);
    expect(restricted).toHaveLength(refused.length);
    restricted.forEach((m, j) => expect(m.message).toContain(refused[j]));
    // Every refused import is reported on its own line, the allowed ones not at all.
    expect(restricted.every((m) => m.line <= imports.length)).toBe(true);
  });
});
