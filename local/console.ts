import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import type { ConsoleConfig } from '../lambdas/contract/admin-api';

/**
 * The admin console (web/) for `npm start`: built once when web/dist is missing or stale, then served
 * next to the API on the same origin (index.html, /assets/*, /config.json).
 */

const root = resolve(__dirname, '..');
export const WEB_DIR = join(root, 'web');
export const CONTRACT_DIR = join(root, 'lambdas', 'contract');
/** Written into the dist: the hash of the sources it was built from. */
export const HASH_FILE = 'build-hash.txt';
/** Folders under web/ that are outputs, not sources. */
const NOT_SOURCES = new Set(['dist', 'node_modules', '.build-lock']);

/** sha256 over every source file of the console (path and bytes) and the admin API contract. */
export function consoleSourceHash(dirs: string[] = [WEB_DIR, CONTRACT_DIR]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      hash.update(`${relative(root, file).split(sep).join('/')}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (NOT_SOURCES.has(entry.name) || entry.name.startsWith('.dist-')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** True when `distDir` holds a build of exactly `hash` (a missing or partial dist is stale). */
export function isFresh(distDir: string, hash: string): boolean {
  try {
    return (
      readFileSync(join(distDir, HASH_FILE), 'utf8').trim() === hash &&
      existsSync(join(distDir, 'index.html'))
    );
  } catch {
    return false;
  }
}

export type Builder = (outDir: string) => Promise<void>;

/** `vite build` of web/ into `outDir`, as a child process (Vite's config is ESM; this file is CommonJS). */
export const viteBuild: Builder = (outDir) =>
  new Promise((resolvePromise, reject) => {
    execFile(
      join(root, 'node_modules', '.bin', 'vite'),
      ['build', WEB_DIR, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: root, env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`vite build failed: ${stderr || error.message}`)) : resolvePromise(),
    );
  });

export interface EnsureOptions {
  webDir?: string;
  hash?: string;
  build?: Builder;
  /** A lock older than this is taken to be left by a crashed start. */
  staleLockMs?: number;
  /** How long to wait for another process's build. */
  timeoutMs?: number;
}

/**
 * Makes `<webDir>/dist` a build of the current sources, building only when it is missing or stale.
 * Several `npm start`s may run this at once: one takes the lock (mkdir is atomic) and builds into a
 * temporary folder that is then renamed into place, so nobody ever serves a half-written dist; the
 * others wait and find it fresh. Answers the dist folder and whether this call built it.
 */
export async function ensureConsoleBuilt(
  options: EnsureOptions = {},
): Promise<{ distDir: string; built: boolean }> {
  const webDir = options.webDir ?? WEB_DIR;
  const distDir = join(webDir, 'dist');
  const hash = options.hash ?? consoleSourceHash();
  const build = options.build ?? viteBuild;
  const lockDir = join(webDir, '.build-lock');
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    if (isFresh(distDir, hash)) return { distDir, built: false };
    if (takeLock(lockDir, options.staleLockMs ?? 120_000)) {
      try {
        if (isFresh(distDir, hash)) return { distDir, built: false };
        const tmp = join(webDir, `.dist-${process.pid}-${randomBytes(4).toString('hex')}`);
        try {
          await build(tmp);
          writeFileSync(join(tmp, HASH_FILE), `${hash}\n`);
          swapInto(tmp, distDir, webDir);
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
        return { distDir, built: true };
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another console build (${lockDir})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * mkdir is the lock; the owner's pid is written into it. A lock is taken over when its owner is no
 * longer running (a start killed mid-build) or when it is older than `staleLockMs`.
 */
function takeLock(lockDir: string, staleLockMs: number): boolean {
  try {
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'owner'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      const age = Date.now() - statSync(lockDir).mtimeMs;
      if (age > staleLockMs || ownerGone(lockDir)) rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by its owner: the next round takes it.
    }
    return false;
  }
}

function ownerGone(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'owner'), 'utf8'));
  } catch {
    return false; // just created: its owner is writing the file
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Renames `tmp` to `distDir`; an old dist is first renamed aside (rename is atomic, rm is not). */
function swapInto(tmp: string, distDir: string, webDir: string): void {
  if (existsSync(distDir)) {
    const old = join(webDir, `.dist-old-${process.pid}-${randomBytes(4).toString('hex')}`);
    renameSync(distDir, old);
    renameSync(tmp, distDir);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(tmp, distDir);
  }
}

// ---- serving ----

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/**
 * The console's own security headers. Locally the console and the API share the origin, so
 * connect-src 'self' is all it needs; with Cognito it also reaches the user pool (discovery, JWKS),
 * the managed-login domain (token endpoint) and the API's origin. Cloudscape sets styles through the
 * CSSOM, not inline style elements, so style-src stays 'self'.
 */
export function consoleSecurityHeaders(config: ConsoleConfig = LOCAL_CONSOLE_CONFIG): Record<string, string> {
  const origins =
    config.mode === 'cognito' ? [config.apiBaseUrl, config.authority, config.domain] : [config.apiBaseUrl];
  const connect = [
    "'self'",
    ...new Set(origins.filter((url) => /^https?:\/\//.test(url)).map((url) => new URL(url).origin)),
  ];
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      `connect-src ${connect.join(' ')}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** Paths the console never answers: the API's, and the local runtime's own routes. */
export function isApiPath(pathname: string): boolean {
  return (
    pathname.startsWith('/scim/') ||
    pathname === '/scim' ||
    pathname.startsWith('/admin/') ||
    pathname === '/admin' ||
    pathname.startsWith('/local/') ||
    pathname === '/health'
  );
}

export type ConsoleAnswer =
  | { kind: 'file'; file: string; contentType: string; cache: string }
  | { kind: 'config' }
  | { kind: 'redirect'; location: string }
  | { kind: 'not-found' };

/**
 * What a GET of `pathname` answers (pure, for the tests): index.html, a built asset, config.json;
 * an extensionless path such as /users redirects to the console's hash route (#/users); any other
 * unknown file is a 404.
 */
export function resolveConsolePath(distDir: string, pathname: string): ConsoleAnswer {
  if (pathname === '/' || pathname === '/index.html') {
    return {
      kind: 'file',
      file: join(distDir, 'index.html'),
      contentType: CONTENT_TYPES['.html'],
      cache: 'no-store',
    };
  }
  if (pathname === '/config.json') return { kind: 'config' };
  const asset = /^\/assets\/([^/]+)$/.exec(pathname)?.[1];
  if (asset !== undefined) {
    let name: string;
    try {
      name = decodeURIComponent(asset);
    } catch {
      return { kind: 'not-found' };
    }
    const type = CONTENT_TYPES[extname(name)];
    if (!type || name !== basename(name) || name.startsWith('.')) return { kind: 'not-found' };
    // Hashed file names: safe to cache for good.
    return {
      kind: 'file',
      file: join(distDir, 'assets', name),
      contentType: type,
      cache: 'public, max-age=31536000, immutable',
    };
  }
  if (extname(pathname) === '' && /^\/[A-Za-z0-9/_-]*$/.test(pathname)) {
    return { kind: 'redirect', location: `/#${pathname.replace(/\/+$/, '')}` };
  }
  return { kind: 'not-found' };
}

/** The local console's runtime configuration: same origin, local sign-in. */
export const LOCAL_CONSOLE_CONFIG: ConsoleConfig = { mode: 'local', apiBaseUrl: '' };

/**
 * An adapter hook: answers GET/HEAD of the console's paths from `distDir`; false for anything else
 * (API paths, other methods), which the adapter then routes as before.
 */
export function consoleHandler(distDir: string, config: ConsoleConfig = LOCAL_CONSOLE_CONFIG) {
  const headers = consoleSecurityHeaders(config);
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(pathname)) return false;
    const answer = resolveConsolePath(distDir, pathname);
    const head = req.method === 'HEAD';
    if (answer.kind === 'config') {
      write(
        res,
        headers,
        200,
        { 'Content-Type': CONTENT_TYPES['.json'], 'Cache-Control': 'no-store' },
        JSON.stringify(config),
        head,
      );
    } else if (answer.kind === 'redirect') {
      write(res, headers, 302, { Location: answer.location, 'Cache-Control': 'no-store' }, '', head);
    } else if (answer.kind === 'file') {
      const body = await readFile(answer.file).catch(() => undefined);
      if (body === undefined) notFound(res, headers, head);
      else
        write(
          res,
          headers,
          200,
          { 'Content-Type': answer.contentType, 'Cache-Control': answer.cache },
          body,
          head,
        );
    } else {
      notFound(res, headers, head);
    }
    return true;
  };
}

function notFound(res: ServerResponse, security: Record<string, string>, head: boolean): void {
  write(
    res,
    security,
    404,
    { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    'Not found\n',
    head,
  );
}

function write(
  res: ServerResponse,
  security: Record<string, string>,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
  head: boolean,
): void {
  res.writeHead(status, {
    ...security,
    ...headers,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(head ? undefined : body);
}
