import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { runCheckCli } from '../../bin/check';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { keys } from '../../lambdas/store/keys';
import { counterUpdate, readCounter } from '../../lambdas/store/shared-items';
import { transactWrite } from '../../lambdas/store/transact';
import { startTestService, type TestService } from '../support/service';
import { GROUP, newTenant, type Tenant, USER } from './groups-helpers';

/** `npm run check` (bin/check.ts) as an operator runs it: a child process against DynamoDB Local. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const REPO = join(__dirname, '..', '..');

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.TABLE_NAME;
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'bin/check.ts', ...args], {
      cwd: REPO,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}
const against = () => [
  '--table',
  service.tableName,
  '--endpoint',
  process.env.TEST_DYNAMODB_ENDPOINT as string,
];

async function smallTenant(label: string): Promise<{ t: Tenant; userNames: string[] }> {
  const t = await newTenant(service, label);
  const userNames = ['ada@example.com', 'bob@example.com'];
  const ids: string[] = [];
  for (const userName of userNames) {
    const response = await t.call('POST', '/Users', {
      schemas: [USER],
      userName,
      emails: [{ value: userName, primary: true }],
    });
    expect(response.status).toBe(201);
    ids.push(response.body.id);
  }
  const group = await t.call('POST', '/Groups', {
    schemas: [GROUP],
    displayName: 'Both',
    members: ids.map((value) => ({ value })),
  });
  expect(group.status).toBe(201);
  return { t, userNames };
}

test('--help prints the usage and exits 0; a bad flag exits 2 with the usage', async () => {
  const help = await check('--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage:\n {2}npm run check -- --tenant <tenantId>/);
  expect(help.stdout).toContain('--repair');
  expect(help.stdout).toMatch(/Every other finding is reported, never changed/);
  const bad = await check('--tenant', 'acme', '--frobnicate');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("Unknown option '--frobnicate'");
  expect(bad.stderr).toContain('Usage:');
});

test('bad usage is exit 2 before any DynamoDB call', async () => {
  const cases = [
    [],
    ['--tenant'],
    ['--tenant', 'Not A Tenant'],
    ['--tenant', 'acme', 'extra'],
    ['--tenant', 'acme', '--page-size', '0'],
    ['--tenant', 'acme', '--endpoint', 'not-a-url'],
    ['--tenant', 'acme', '--table', 'a b'],
  ];
  for (const argv of cases) {
    const err: string[] = [];
    const code = await runCheckCli(argv, {
      check: () => Promise.reject(new Error('must not run')),
      env: {},
      out: () => undefined,
      err: (line) => err.push(line),
    });
    expect({ argv, code }).toEqual({ argv, code: 2 });
    expect(err.join('\n')).toContain('Usage:');
  }
});

test('a clean tenant exits 0; a corrupted one exits 1 and prints the finding', async () => {
  const { t, userNames } = await smallTenant('cli-check');
  const clean = await check('--tenant', t.tenantId, ...against());
  expect(clean).toMatchObject({ code: 0 });
  expect(clean.stdout).toMatch(new RegExp(`Tenant ${t.tenantId} in ${service.tableName} at .*: 0 findings`));
  expect(clean.stdout).toContain('users 2, groups 1, tokens 1');
  expect(clean.stderr).toMatch(/… \d+ pages, \d+ items scanned/);

  await getDocumentClient().send(
    new DeleteCommand({ TableName: tableName(), Key: keys.userNameGuard(t.tenantId, userNames[1]) }),
  );
  const broken = await check('--tenant', t.tenantId, ...against());
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain(`userWithoutGuard: user `);
  expect(broken.stdout).toContain(`(${userNames[1]}) has no userName guard`);
  expect(broken.stdout).toContain(': 1 findings');

  const json = await check('--tenant', t.tenantId, '--json', ...against());
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout);
  expect(report).toMatchObject({ tenantId: t.tenantId, repaired: [] });
  expect(report.findings).toEqual([
    {
      kind: 'userWithoutGuard',
      message: expect.any(String),
      keys: [expect.objectContaining({ sk: 'USER' }), keys.userNameGuard(t.tenantId, userNames[1])],
    },
  ]);
});

test('--repair fixes a counter, says so and exits 0; the next run is clean', async () => {
  const { t } = await smallTenant('cli-repair');
  await transactWrite([counterUpdate(t.tenantId, 'users', 7)]);
  const repaired = await check('--tenant', t.tenantId, '--repair', ...against());
  expect(repaired.code).toBe(0);
  expect(repaired.stdout).toContain(
    'REPAIRED tenantCounterMismatch: tenant counter users is 9, the tenant holds 2',
  );
  expect(repaired.stdout).toContain('1 findings, 1 repaired');
  expect(await readCounter(t.tenantId, 'users')).toBe(2);
  expect(await check('--tenant', t.tenantId, ...against())).toMatchObject({ code: 0 });
});
