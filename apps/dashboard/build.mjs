/* global process, console */
// Builds the dashboard into static files the API serves at /dashboard (no bundler, no CDN):
// tsc compiles src/*.mts to ES modules, the page and its stylesheet are copied beside them, and
// uPlot's own minified build goes to vendor/. Prints the size of what a browser downloads.
// Usage: node apps/dashboard/build.mjs [--out DIR] (default dist/dashboard).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'dist', 'dashboard');
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });

const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });

for (const name of readdirSync(join(here, 'static'))) copyFileSync(join(here, 'static', name), join(out, name));
const uplot = dirname(require.resolve('uplot/package.json'));
copyFileSync(join(uplot, 'dist', 'uPlot.iife.min.js'), join(out, 'vendor', 'uPlot.iife.min.js'));
copyFileSync(join(uplot, 'dist', 'uPlot.min.css'), join(out, 'vendor', 'uPlot.min.css'));
copyFileSync(join(uplot, 'LICENSE'), join(out, 'vendor', 'uPlot.LICENSE.txt'));

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!name.endsWith('.txt')) files.push(path);
  }
})(out);
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
const gzipped = files.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`dashboard: ${files.length} files in ${relative(process.cwd(), out) || '.'}, ${kb(bytes)} (${kb(gzipped)} gzipped)`);
