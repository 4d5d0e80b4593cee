#!/usr/bin/env node
// `npm start`, `npm run demo`, `bench`, `start:projector`: build only when something changed since the
// last build. Rebuilds when dist/.build-stamp is missing, or any file under apps/, libs/, bench/ (sources,
// dashboard assets) or tsconfig*.json / package.json / package-lock.json is newer than it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const SKIP = new Set(['node_modules', 'dist', '.git']);

function newest(path) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.isFile()) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

function sourcesNewest() {
  let latest = Math.max(newest(join(root, 'apps')), newest(join(root, 'libs')), newest(join(root, 'bench')));
  for (const name of readdirSync(root)) {
    if (/^tsconfig.*\.json$/.test(name) || name === 'package.json' || name === 'package-lock.json') {
      latest = Math.max(latest, statSync(join(root, name)).mtimeMs);
    }
  }
  return latest;
}

const built = existsSync(stamp) && existsSync(join(root, 'dist', 'apps', 'api', 'src', 'main.js')) ? statSync(stamp).mtimeMs : 0;
if (built > 0 && sourcesNewest() <= built) process.exit(0);

const started = new Date();
console.log(built > 0 ? 'Sources changed since the last build: building…' : 'No build yet: building…');
const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `built ${started.toISOString()}\n`);
// The stamp carries the time the build started: a file saved during the build triggers the next one.
utimesSync(stamp, started, started);
