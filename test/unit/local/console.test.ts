import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  consoleHandler,
  consoleSecurityHeaders,
  consoleSourceHash,
  ensureConsoleBuilt,
  HASH_FILE,
  isApiPath,
  isFresh,
  resolveConsolePath,
} from '../../../local/console';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for vite build: writes an index.html (and counts its runs). */
function fakeBuilder(counter: { runs: number }, content = '<!doctype html>') {
  return async (outDir: string) => {
    counter.runs++;
    await new Promise((r) => setTimeout(r, 20));
    mkdirSync(join(outDir, 'assets'), { recursive: true });
    writeFileSync(join(outDir, 'index.html'), content);
    writeFileSync(join(outDir, 'assets', 'index-abc.js'), 'console.log(1)');
  };
}

describe('what a console path answers', () => {
  test('/ and /index.html are index.html, never cached', () => {
    for (const path of ['/', '/index.html']) {
      expect(resolveConsolePath('/d', path)).toEqual({
        kind: 'file',
        file: join('/d', 'index.html'),
        contentType: 'text/html; charset=utf-8',
        cache: 'no-store',
      });
    }
  });

  test('a built asset is served with its content type and cached for good (hashed names)', () => {
    expect(resolveConsolePath('/d', '/assets/index-abc.js')).toMatchObject({
      kind: 'file',
      file: join('/d', 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
      cache: 'public, max-age=31536000, immutable',
    });
    expect(resolveConsolePath('/d', '/assets/index-abc.css')).toMatchObject({
      contentType: 'text/css; charset=utf-8',
    });
  });

  test('an asset path cannot leave the assets folder, name a dot file or an unknown type', () => {
    for (const path of [
      '/assets/..%2Fbuild-hash.txt',
      '/assets/%2e%2e',
      '/assets/.env.js',
      '/assets/x.txt',
    ]) {
      expect(resolveConsolePath('/d', path)).toEqual({ kind: 'not-found' });
    }
  });

  test('/config.json is the runtime configuration', () => {
    expect(resolveConsolePath('/d', '/config.json')).toEqual({ kind: 'config' });
  });

  test('an extensionless path redirects to the console route of the same name', () => {
    expect(resolveConsolePath('/d', '/users')).toEqual({ kind: 'redirect', location: '/#/users' });
    expect(resolveConsolePath('/d', '/provisioning/settings/')).toEqual({
      kind: 'redirect',
      location: '/#/provisioning/settings',
    });
  });

  test('any other unknown file is a 404 (the build hash included)', () => {
    expect(resolveConsolePath('/d', `/${HASH_FILE}`)).toEqual({ kind: 'not-found' });
    expect(resolveConsolePath('/d', '/favicon.ico')).toEqual({ kind: 'not-found' });
  });

  test('API and local runtime paths are never the console', () => {
    for (const path of ['/scim/v2/acme/Users', '/admin/v1/tenants/acme/tokens', '/local/outbox', '/health']) {
      expect(isApiPath(path)).toBe(true);
    }
    for (const path of ['/', '/config.json', '/assets/a.js', '/users']) expect(isApiPath(path)).toBe(false);
  });
});

describe('the console source hash', () => {
  test('changes when a source changes and not otherwise', () => {
    writeFileSync(join(dir, 'a.tsx'), 'one');
    const first = consoleSourceHash([dir]);
    expect(consoleSourceHash([dir])).toBe(first);
    writeFileSync(join(dir, 'a.tsx'), 'two');
    expect(consoleSourceHash([dir])).not.toBe(first);
  });

  test('ignores the build outputs (dist, temporary builds, the lock)', () => {
    writeFileSync(join(dir, 'a.tsx'), 'one');
    const before = consoleSourceHash([dir]);
    for (const out of ['dist', '.dist-1-ab', '.build-lock']) {
      mkdirSync(join(dir, out));
      writeFileSync(join(dir, out, 'x.js'), 'built');
    }
    expect(consoleSourceHash([dir])).toBe(before);
  });
});

describe('building the console once', () => {
  test('a missing dist is built, with the source hash written into it', async () => {
    const counter = { runs: 0 };
    const result = await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter) });
    expect(result).toEqual({ distDir: join(dir, 'dist'), built: true });
    expect(readFileSync(join(dir, 'dist', HASH_FILE), 'utf8').trim()).toBe('h1');
    expect(isFresh(join(dir, 'dist'), 'h1')).toBe(true);
  });

  test('a fresh dist is not built again', async () => {
    const counter = { runs: 0 };
    await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter) });
    const again = await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter) });
    expect(again.built).toBe(false);
    expect(counter.runs).toBe(1);
  });

  test('a stale dist (other sources) is replaced by a new build', async () => {
    const counter = { runs: 0 };
    await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter, 'old') });
    const result = await ensureConsoleBuilt({ webDir: dir, hash: 'h2', build: fakeBuilder(counter, 'new') });
    expect(result.built).toBe(true);
    expect(readFileSync(join(dir, 'dist', 'index.html'), 'utf8')).toBe('new');
    expect(isFresh(join(dir, 'dist'), 'h1')).toBe(false);
  });

  test('a dist without its hash file (interrupted copy, older build) is stale', async () => {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), 'partial');
    expect(isFresh(join(dir, 'dist'), 'h1')).toBe(false);
  });

  test('several starts at once build once and all find the same fresh dist', async () => {
    const counter = { runs: 0 };
    const results = await Promise.all(
      [1, 2, 3].map(() => ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter) })),
    );
    expect(counter.runs).toBe(1);
    expect(results.filter((r) => r.built)).toHaveLength(1);
    expect(isFresh(join(dir, 'dist'), 'h1')).toBe(true);
  });

  test('a failed build leaves no temporary folder or lock behind, and the old dist in place', async () => {
    const counter = { runs: 0 };
    await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter, 'old') });
    await expect(
      ensureConsoleBuilt({
        webDir: dir,
        hash: 'h2',
        build: async () => {
          throw new Error('vite build failed: boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'dist', 'index.html'), 'utf8')).toBe('old');
    expect(existsSync(join(dir, '.build-lock'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['dist']);
  });

  test('a lock whose owner is no longer running is taken over at once', async () => {
    mkdirSync(join(dir, '.build-lock'));
    // A pid far above any pid_max: no such process.
    writeFileSync(join(dir, '.build-lock', 'owner'), '2147483646');
    const counter = { runs: 0 };
    const result = await ensureConsoleBuilt({
      webDir: dir,
      hash: 'h1',
      build: fakeBuilder(counter),
      timeoutMs: 5_000,
    });
    expect(result.built).toBe(true);
  });

  test('a lock held by a running build is waited for, not taken', async () => {
    mkdirSync(join(dir, '.build-lock'));
    writeFileSync(join(dir, '.build-lock', 'owner'), String(process.pid));
    const counter = { runs: 0 };
    await expect(
      ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter), timeoutMs: 600 }),
    ).rejects.toThrow('timed out waiting for another console build');
    expect(counter.runs).toBe(0);
  });

  test('a lock left by a crashed start is taken over once it is old', async () => {
    mkdirSync(join(dir, '.build-lock'));
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(join(dir, '.build-lock'), old, old);
    const counter = { runs: 0 };
    const result = await ensureConsoleBuilt({
      webDir: dir,
      hash: 'h1',
      build: fakeBuilder(counter),
      staleLockMs: 60_000,
    });
    expect(result.built).toBe(true);
  });
});

describe('serving the console', () => {
  let server: Server;
  let base: string;
  beforeEach(async () => {
    const counter = { runs: 0 };
    const { distDir } = await ensureConsoleBuilt({ webDir: dir, hash: 'h1', build: fakeBuilder(counter) });
    const handler = consoleHandler(distDir);
    server = createServer((req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      void handler(req, res, pathname).then((handled) => {
        if (!handled) {
          res.writeHead(418);
          res.end('not the console');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
  });

  test('index.html carries the security headers and is not cached', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  test('/config.json is the local configuration', async () => {
    const response = await fetch(`${base}/config.json`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ mode: 'local', apiBaseUrl: '' });
  });

  test('a built asset is served as JavaScript; a missing one is a 404', async () => {
    const asset = await fetch(`${base}/assets/index-abc.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  test('API paths and other methods are left to the API', async () => {
    expect((await fetch(`${base}/admin/v1/tenants/acme/tokens`)).status).toBe(418);
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(418);
  });
});

describe('the console security policy', () => {
  test('locally the console connects to its own origin only', () => {
    const csp = consoleSecurityHeaders({ mode: 'local', apiBaseUrl: '' })['Content-Security-Policy'];
    expect(csp).toContain("connect-src 'self';");
  });

  test('with Cognito it also connects to the user pool, the managed login and the API', () => {
    const csp = consoleSecurityHeaders({
      mode: 'cognito',
      apiBaseUrl: 'https://api.example.com/prod',
      authority: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      clientId: 'c',
      redirectUri: 'https://console.example.com/',
      domain: 'https://acme.auth.eu-west-1.amazoncognito.com',
    })['Content-Security-Policy'];
    expect(csp).toContain(
      "connect-src 'self' https://api.example.com https://cognito-idp.eu-west-1.amazonaws.com https://acme.auth.eu-west-1.amazoncognito.com;",
    );
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
