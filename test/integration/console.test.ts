import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { processesLeftUsing, startNpmStart } from '../support/npm-start';

/** `npm start` builds the console (when web/dist is missing or stale) and serves it beside the API. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

test('npm start serves the console at /, its assets and /config.json, the API unchanged', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-console-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = await startNpmStart(port, { LOCAL_DATA_DIR: dataDir, ADMIN_API_KEY: 'console-key' });
  try {
    expect(started.output()).toContain(`admin console: ${base}/`);

    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await index.text();
    expect(html).toContain('<html lang="en">');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    const config = await fetch(`${base}/config.json`);
    expect(await config.json()).toEqual({ mode: 'local', apiBaseUrl: '' });

    const tokens = await fetch(`${base}/admin/v1/tenants/console/tokens`, {
      headers: { Authorization: 'Bearer console-key' },
    });
    expect(tokens.status).toBe(200);
    expect((await fetch(`${base}/admin/v1/nothing-here`)).status).toBe(404);
  } finally {
    await stop(started.child);
    expect(await processesLeftUsing(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 150_000);
