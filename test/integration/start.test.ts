import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
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

function processesUsing(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The launcher stops java on SIGTERM; give a loaded machine a few seconds to finish it. */
async function javaProcessesUsing(dataDir: string): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    if (processesUsing(dataDir).length === 0) return [];
    await new Promise((r) => setTimeout(r, 200));
  }
  return processesUsing(dataDir);
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
    expect(await javaProcessesUsing(dataDir)).toEqual([]);

    child = await start(dataDir, port);
    const response = await fetch(`${scimBaseUrl}/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await stop(child);
    expect(await javaProcessesUsing(dataDir)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 150_000);

test('without Java, npm start says so clearly and exits', () => {
  const binDir = mkdtempSync(join(tmpdir(), 'scim-nojava-'));
  symlinkSync(process.execPath, join(binDir, 'node'));
  try {
    const result = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
      {
        cwd: root,
        env: { ...process.env, PATH: binDir, LOCAL_IN_MEMORY: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Java was not found');
  } finally {
    rmSync(binDir, { recursive: true, force: true });
  }
}, 60_000);

test('a DynamoDB Local left behind by a launcher killed outright is stopped by the next start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-stale-'));
  try {
    const orphan = await startDynamoDbLocal({ dataDir });
    const next = await startDynamoDbLocal({ dataDir });
    await new Promise((r) => setTimeout(r, 500));
    expect(() => process.kill(orphan.pid as number, 0)).toThrow();
    await next.stop();
    expect(await javaProcessesUsing(dataDir)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
