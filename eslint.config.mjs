import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The dependency rule (docs/design.md, "Layers"): dependencies point inward.
 *   apps/api (HTTP) → libs/ledger (application) → libs/domain (pure)
 *   libs/event-store, libs/read-models: adapters behind ports, never the application layer
 *   libs/verifier: standalone, nothing but its own files and node:*
 *   apps never import each other.
 *
 * Enforced with `no-restricted-imports`. A file gets ONE configuration of that rule (flat config does
 * not merge rule options, the last matching block wins), so every block below spells out all the
 * restrictions of its folder. Import strings are matched as written, not resolved: relative paths
 * that leave a library are caught by counting `../` for the file's depth. Dynamic `import()` and
 * `require()` are not checked by this rule.
 */

const source = (re) => re.source.replace(/^\^/, '');
const none = (...res) => new RegExp(`^(?!${res.map((re) => `(?:${source(re)})`).join('|')})`);

const RELATIVE = /^\.{1,2}(\/|$)/;
const NEST = /^@nestjs(\/|$)/;
const DRIVERS = /^(better-sqlite3|mongodb|@eventstore\/[^/]+|@kurrent\/[^/]+)(\/|$)/;
const APP_LIBS = /^@app(\/|$)/;
const NODE_IO = new RegExp(`^(node:|(${builtinModules.filter((m) => !m.startsWith('node:')).join('|')})(\\/|$))`);
const LEDGER = /^@app\/ledger(\/|$)/;
const APPS = /(^|\/)apps(\/|$)|(^|\/)(api|cli|projector)\/src(\/|$)/;
const appFolder = (name) => new RegExp(`(^|\\/)apps\\/${name}(\\/|$)|(^|\\/)${name}\\/src(\\/|$)|^(\\.\\.\\/)+${name}(\\/|$)`);
/** A relative import climbing `ups` folders or more. */
const climbing = (ups) => new RegExp(`^(\\.\\/)?(\\.\\.\\/){${ups}}`);
/** The same, except into test/support (specs may use the shared test helpers). */
const climbingOutsideTestSupport = (ups) => new RegExp(`^(\\.\\/)?(\\.\\.\\/){${ups}}(?!(\\.\\.\\/)*test\\/support(\\/|$))`);

const rule = (patterns, paths = []) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });
const regex = (re, message) => ({ regex: re.source, message });

/* ---------- libs/domain: pure, imports nothing but its own files ---------- */
const DOMAIN = 'libs/domain is the pure domain';
const domainPatterns = (leaving) => [
  regex(NEST, `${DOMAIN}: no NestJS. Framework wiring belongs to libs/ledger (handlers, modules) or apps/api (HTTP).`),
  regex(DRIVERS, `${DOMAIN}: no database drivers. Storage sits behind the ports of libs/event-store and libs/read-models.`),
  regex(
    APP_LIBS,
    `${DOMAIN}: it imports no library (itself included via @app/…). Use relative imports inside libs/domain; the other libs depend on it, never the reverse.`,
  ),
  regex(
    NODE_IO,
    `${DOMAIN}: no Node.js modules (no I/O, no clock, no randomness). Whatever a decision needs comes in with the command or the state.`,
  ),
  regex(
    none(RELATIVE, NEST, DRIVERS, APP_LIBS, NODE_IO),
    `${DOMAIN}: it imports nothing but its own files (relative imports). Add a package only after agreeing that the domain really needs it.`,
  ),
  regex(leaving, `${DOMAIN}: a relative import must stay inside libs/domain. The domain depends on no other folder of the repository.`),
];

/* ---------- libs/verifier: standalone ---------- */
const verifierPatterns = (leaving) => [
  regex(
    none(RELATIVE, /^node:/),
    'libs/verifier stands alone (an auditor runs it without the ledger): it imports nothing but its own files and node:* modules; no @app/* library, no package.',
  ),
  regex(leaving, 'libs/verifier stands alone: a relative import must stay inside libs/verifier (no other lib, no apps/).'),
];

/* ---------- adapters and the application layer ---------- */
const NO_LEDGER = regex(
  LEDGER,
  'Adapters (libs/event-store, libs/read-models) sit below the application layer: they never import @app/ledger; the ledger imports them.',
);
const NO_APPS_FROM_LIBS = regex(
  APPS,
  'Libraries never import from apps/: apps are the outermost layer and depend on the libraries, not the reverse.',
);
const NO_API = regex(
  appFolder('api'),
  'Apps never import each other: nothing from apps/api. Move what is shared into a library (libs/ledger for application code).',
);
const NO_CLI = regex(appFolder('cli'), 'Apps never import each other: nothing from apps/cli. Move what is shared into a library.');
const NO_PROJECTOR = regex(
  appFolder('projector'),
  'Apps never import each other: nothing from apps/projector. Move what is shared into a library.',
);

const STORE_NAMES = ['EVENT_STORE', 'EventStore', 'SqliteEventStore', 'EsdbEventStore'];
const STORE_MESSAGE =
  'No command handler touches the store itself: commands go through CommandSeam (load, decide, append with expected revisions, retries, idempotency). Use CommandSeam.execute, or CommandSeam.read for an outside fact.';

/** One block per folder depth, so that `../` can be counted: a file `d` folders below `root/src` leaves `root` with d + 2 `../`. */
function byDepth(root, patternsFor, { maxDepth = 6, ignores = [] } = {}) {
  return Array.from({ length: maxDepth + 1 }, (_, depth) => ({
    files: [`${root}/src/${'*/'.repeat(depth)}*.ts`],
    ignores,
    rules: rule(patternsFor(depth + 2)),
  }));
}

const dependencyRule = [
  // libs/domain; its specs may also climb into test/support.
  ...byDepth('libs/domain', (ups) => domainPatterns(climbing(ups)), { ignores: ['**/*.spec.ts'] }),
  ...byDepth('libs/domain', (ups) => domainPatterns(climbingOutsideTestSupport(ups))).map((b) => ({
    ...b,
    files: b.files.map((f) => f.replace(/\*\.ts$/, '*.spec.ts')),
  })),
  ...byDepth('libs/verifier', (ups) => verifierPatterns(climbing(ups))),
  { files: ['libs/event-store/src/**/*.ts', 'libs/read-models/src/**/*.ts'], rules: rule([NO_LEDGER, NO_APPS_FROM_LIBS]) },
  { files: ['libs/ledger/src/**/*.ts'], rules: rule([NO_APPS_FROM_LIBS]) },
  {
    files: ['libs/ledger/src/**/*.handlers.ts'],
    rules: rule(
      [NO_APPS_FROM_LIBS, { group: ['@app/event-store/*'], importNames: STORE_NAMES, message: STORE_MESSAGE }],
      [{ name: '@app/event-store', importNames: STORE_NAMES, message: STORE_MESSAGE }],
    ),
  },
  { files: ['apps/cli/**/*.ts'], rules: rule([NO_API, NO_PROJECTOR]) },
  { files: ['apps/projector/**/*.ts'], rules: rule([NO_API, NO_CLI]) },
  { files: ['bench/**/*.ts'], rules: rule([NO_API]) },
  { files: ['apps/api/**/*.ts'], rules: rule([NO_CLI, NO_PROJECTOR]) },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  ...dependencyRule,
);
