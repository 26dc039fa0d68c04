import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../local/ports';
import { startNpmStart } from '../support/npm-start';

/**
 * `npm start` itself (local/start.ts, its own local SES and the fake SES event feed): an invitation to
 * bounce@example.test ends `bounced`, to anyone else `delivered`, as the admin API shows them.
 */
const KEY = 'invite-npm-start-key';
let child: ChildProcess | undefined;
let base = '';

beforeAll(async () => {
  const port = await freePort();
  ({ child } = await startNpmStart(port, {
    LOCAL_IN_MEMORY: '1',
    ADMIN_API_KEY: KEY,
    LOCAL_SES_EVENTS: 'on',
  }));
  base = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/admin/v1/tenants${path}`, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // biome-ignore lint/suspicious/noExplicitAny: admin API bodies are inspected freely
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

async function stateOf(tenantId: string, userId: string, wanted: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = (await admin('GET', `/${tenantId}/users/${userId}`)).body.invite?.state;
    if (state === wanted || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('npm start: bounce@example.test ends bounced, ada@example.test delivered', async () => {
  const tenant = 'npm-start-mail';
  const issued = await admin('POST', `/${tenant}/tokens`);
  expect(issued.status).toBe(201);
  expect((await admin('PUT', `/${tenant}/settings`, { autoInviteUsers: true })).status).toBe(200);
  const create = async (email: string) => {
    const response = await fetch(`${issued.body.scimBaseUrl}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${issued.body.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        emails: [{ value: email, primary: true }],
        active: true,
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const bounced = await create('bounce@example.test');
  const delivered = await create('ada@example.test');
  expect(await stateOf(tenant, bounced, 'bounced')).toBe('bounced');
  expect(await stateOf(tenant, delivered, 'delivered')).toBe('delivered');
}, 150_000);
