import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { freePort } from '../../local/ports';
import { processesLeftUsing, startNpmStart } from '../support/npm-start';

/** `npm start` as a newcomer runs it: one process tree, persisted data, clean stop. */
const root = join(__dirname, '..', '..');

async function start(dataDir: string, port: number): Promise<ChildProcess> {
  const { child } = await startNpmStart(port, { LOCAL_DATA_DIR: dataDir, ADMIN_API_KEY: 'start-test-key' });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
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
    expect(await processesLeftUsing(dataDir)).toEqual([]);

    child = await start(dataDir, port);
    const response = await fetch(`${scimBaseUrl}/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    await stop(child);
    expect(await processesLeftUsing(dataDir)).toEqual([]);
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
});

test('a DynamoDB Local left behind by a launcher killed outright is stopped by the next start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-stale-'));
  try {
    const orphan = await startDynamoDbLocal({ dataDir });
    const next = await startDynamoDbLocal({ dataDir });
    await new Promise((r) => setTimeout(r, 500));
    expect(() => process.kill(orphan.pid as number, 0)).toThrow();
    await next.stop();
    expect(await processesLeftUsing(dataDir)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
