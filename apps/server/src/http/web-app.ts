// Serves the Expo web build (apps/mobile, `expo export --platform web`) at `/`:
// hashed bundles from disk, index.html for every other page a browser asks for
// (deep links and reloads), while `/api` stays the API. In development a
// missing build is made once in the background, so `npm start` is enough.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { AppContext } from '../context.ts';

const MOBILE_DIR = fileURLToPath(new URL('../../../mobile/', import.meta.url));

// The page may talk to its own origin only; react-native-web injects its styles at run time.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

type BuildState = { status: 'ready' } | { status: 'building' } | { status: 'missing' } | { status: 'failed' };

/** Everything outside /api that a browser navigates to gets the app. */
function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.path === '/api' || req.path.startsWith('/api/')) return false;
  return req.accepts(['html', 'json']) === 'html';
}

export function webApp(ctx: AppContext): Router {
  const dir = ctx.config.webDir ? path.resolve(ctx.config.webDir) : path.join(MOBILE_DIR, 'dist');
  const index = path.join(dir, 'index.html');
  const state: { current: BuildState } = { current: { status: existsSync(index) ? 'ready' : 'missing' } };

  if (state.current.status === 'missing') {
    if (ctx.config.env === 'development' && !ctx.config.webDir && existsSync(path.join(MOBILE_DIR, 'package.json'))) {
      state.current = { status: 'building' };
      buildWebApp(ctx, dir).then(
        () => (state.current = { status: existsSync(index) ? 'ready' : 'failed' }),
        () => (state.current = { status: 'failed' }),
      );
    } else if (ctx.config.env !== 'test') {
      ctx.log.warn({ dir }, 'web app not built: run `npm run build:web` to serve it at /');
    }
  }

  const router = Router();
  router.use(precompressed(dir));
  router.use(
    express.static(dir, {
      index: false,
      redirect: false,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', cacheControl(file));
      },
    }),
  );
  router.use((req, res, next) => {
    if (!wantsPage(req)) return next();
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cache-Control', 'no-cache');
    if (state.current.status === 'ready') return res.sendFile(index);
    // Building is a normal first-start step (the page reloads itself); a missing build is an outage.
    if (state.current.status === 'building') return res.status(200).type('html').send(placeholder(state.current));
    res.status(503).set('Retry-After', '60').type('html').send(placeholder(state.current));
  });
  return router;
}

/** Bundles are content-hashed: cache them for good. Anything else: revalidate. */
function cacheControl(file: string): string {
  return file.includes(`${path.sep}_expo${path.sep}static${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * Sends `file.br` or `file.gz` (made at build time by apps/mobile/scripts/precompress.ts)
 * instead of `file` when the browser accepts it; anything without a compressed
 * copy falls through to express.static. Lookups are remembered: the build only
 * changes when the process is restarted (or once, when a first build finishes).
 */
function precompressed(dir: string): RequestHandler {
  const variants = new Map<string, Set<string>>();
  const available = (file: string): Set<string> => {
    let found = variants.get(file);
    if (!found) {
      found = new Set(ENCODINGS.filter((e) => statSync(file + e.suffix, { throwIfNoEntry: false })?.isFile()).map((e) => e.name));
      // A missing build may appear later (the first start builds it): only remember hits.
      if (found.size > 0 || variants.size > 10_000) variants.set(file, found);
    }
    return found;
  };
  return (req, res, next) => {
    // No Accept-Encoding: plain (a client that names none may not decode any).
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.headers['accept-encoding']) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = path.join(dir, relative);
    if (!file.startsWith(dir + path.sep) || relative.includes('\0')) return next();
    const encodings = available(file);
    if (encodings.size === 0) return next();
    res.vary('Accept-Encoding');
    // The smallest the browser takes (browsers list br last, at the same weight as gzip).
    const encoding = ENCODINGS.find((e) => encodings.has(e.name) && req.acceptsEncodings(e.name) === e.name);
    if (!encoding) return next();
    res.setHeader('Content-Encoding', encoding.name);
    res.type(path.extname(file));
    res.sendFile(file + encoding.suffix, { headers: { 'Cache-Control': cacheControl(file) }, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) {
        res.removeHeader('Content-Encoding');
        next();
      }
    });
  };
}

/** `expo export --platform web` of apps/mobile into `outDir` (about a minute on two cores). */
function buildWebApp(ctx: AppContext, outDir: string): Promise<void> {
  const cli = createRequire(path.join(MOBILE_DIR, 'package.json')).resolve('expo/bin/cli');
  ctx.log.info({ outDir }, 'building the web app (first start only, about a minute)');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'export', '--platform', 'web', '--output-dir', outDir], {
      cwd: MOBILE_DIR,
      env: { ...process.env, EXPO_NO_TELEMETRY: '1', CI: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        // Brotli and gzip copies for the static handler; without them the files go out uncompressed.
        const compress = spawn(process.execPath, [path.join(MOBILE_DIR, 'scripts/precompress.ts'), outDir], { stdio: 'ignore' });
        compress.on('error', () => undefined);
        compress.on('close', () => {
          ctx.log.info({ ms: Math.round(performance.now() - started) }, 'web app built');
          resolve();
        });
      } else {
        ctx.log.error({ code, errors }, 'web app build failed: run `npm run build:web` to see why');
        reject(new Error(`expo export exited with ${code}`));
      }
    });
  });
}

function placeholder(state: BuildState): string {
  const building = state.status === 'building';
  const text = building
    ? 'LifeOS is building its web app (first start only, about a minute). This page reloads by itself.'
    : 'The web app is not built. Run <code>npm run build:web</code>, then reload. The API is up at <a href="/api/docs">/api/docs</a>.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${
    building ? '<meta http-equiv="refresh" content="5">' : ''
  }<title>LifeOS</title><style>body{font:16px system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f8fafc;color:#0f172a}@media (prefers-color-scheme:dark){body{background:#0b1220;color:#f1f5f9}a{color:#93c5fd}}p{max-width:32rem;padding:1rem}</style></head><body><p role="status">${text}</p></body></html>`;
}
