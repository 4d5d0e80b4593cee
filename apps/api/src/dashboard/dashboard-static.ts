import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** The URL the dashboard is served at (api.md "Operations"). */
export const DASHBOARD_PATH = '/dashboard';

/**
 * The dashboard's own pages get a strict Content-Security-Policy: scripts, styles, images and API
 * calls from this origin only, no inline script or style, no framing, no plugins. The charts draw on
 * canvas; `blob:` lets the page save the CSV and PDF reports it fetched with the bearer token.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A file of the build: `app.mjs`, `vendor/uPlot.iife.min.js`; never a dot file, `..` or a deeper path. */
const FILE = /^(?:[A-Za-z0-9_-][\w.-]*\/)?[A-Za-z0-9_-][\w.-]*$/;

/** The root of the repository (or of an installed copy): the nearest folder above with a package.json. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Where `npm run build` puts the dashboard (apps/dashboard/build.mjs): `dist/dashboard`, or `DASHBOARD_DIR`. */
export function dashboardDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DASHBOARD_DIR ?? join(projectRoot(__dirname), 'dist', 'dashboard');
}

/**
 * Serves the built dashboard under `/dashboard` (mounted with `app.use`, so Express strips the prefix):
 * `/dashboard` redirects to `/dashboard/` so the page's relative URLs resolve; `/dashboard/` is
 * index.html; other names are files of the build. No credentials are needed for the files: the page
 * asks for a token and sends it to the API itself.
 */
export function serveDashboard(dir: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const [path] = req.url.split('?');
    if (path === '/' && !req.originalUrl.split('?')[0].endsWith('/')) {
      res.redirect(301, `${DASHBOARD_PATH}/`);
      return;
    }
    const name = path === '/' ? 'index.html' : decodeSafely(path.slice(1));
    if (name === undefined || !FILE.test(name)) return next();
    const file = join(dir, name);
    if (!isFile(file)) {
      if (name === 'index.html') {
        res
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built: run `npm run build` (it builds apps/dashboard into dist/dashboard).\n');
        return;
      }
      return next();
    }
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Type', TYPES[extname(name)] ?? 'application/octet-stream');
    res.sendFile(file, { dotfiles: 'deny', headers: { 'Content-Type': TYPES[extname(name)] ?? 'application/octet-stream' } }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}

function decodeSafely(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
