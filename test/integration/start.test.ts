import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/ports';

/** `npm start` as a newcomer runs it: one process tree, persisted data, clean stop. */
const root = join(__dirname, '..', '..');

async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, ADMIN_API_KEY: 'start-test-key' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return child;
    if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no /health within 60 s: ${output}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function javaProcessesUsing(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

test('npm start answers /health, keeps tokens across a restart and leaves no java behind', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-start-'));
  const port = await freePort();
  const admin = { Authorization: 'Bearer start-test-key' };
  try {
    let child = await start(dataDir, port);
    const created = await fetch(`http://127.0.0.1:${port}/admin/v1/tenants/restart/tokens`, {
      method: 'POST',
      headers: admin,
    });
    expect(created.status).toBe(201);
    const { token, scimBaseUrl } = (await created.json()) as { token: string; scimBaseUrl: string };
    await stop(child);
    expect(javaProcessesUsing(dataDir)).toEqual([]);

    child = await start(dataDir, port);
    const response = await fetch(`${scimBaseUrl}/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await stop(child);
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 150_000);
