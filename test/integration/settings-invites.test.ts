import { createServer, request as httpRequest, type Server } from 'node:http';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/store/keys';
import { freePort } from '../../local/ports';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { startTestService, type TestService } from '../support/service';

const TENANT_URN = 'urn:ietf:params:scim:schemas:extension:scimaws:2.0:User';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A proxy in front of local SES that fails the next `failures` SendEmail calls (fault injection). */
async function faultySes(
  target: string,
): Promise<{ endpoint: string; failNext(n: number): void; server: Server }> {
  let failures = 0;
  const server = createServer((req, res) => {
    if (failures > 0 && req.method === 'POST') {
      failures--;
      req.resume();
      res.writeHead(503, { 'Content-Type': 'text/xml' });
      res.end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>injected</Message></Error></ErrorResponse>',
      );
      return;
    }
    const url = new URL(req.url ?? '/', target);
    const proxied = httpRequest(url, { method: req.method, headers: req.headers }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 500, upstream.headers);
      upstream.pipe(res);
    });
    req.pipe(proxied);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${port}`, failNext: (n) => (failures = n), server };
}

let ses: SesLocal;
let proxy: Awaited<ReturnType<typeof faultySes>>;
let service: TestService;

beforeAll(async () => {
  // This suite asserts the `sent` state itself: no fake SES events (test/integration/invite-mail-events.test.ts).
  process.env.LOCAL_SES_EVENTS = 'off';
  ses = await startSesLocal();
  proxy = await faultySes(ses.endpoint);
  service = await startTestService({ sesEndpoint: proxy.endpoint, streams: true });
});
afterAll(async () => {
  await service.stop();
  proxy.server.closeAllConnections();
  await new Promise((r) => proxy.server.close(r));
  await ses.stop();
});

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

async function mailTo(address: string): Promise<Mail[]> {
  const response = await service.request('GET', '/local/outbox');
  return (response.body.messages as Mail[]).filter((m) => m.to.includes(address));
}

async function waitForMail(address: string, count = 1, timeoutMs = 15_000): Promise<Mail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailTo(address);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Lets the poller see whatever was written (it polls every 200 ms). */
const settle = () => new Promise((r) => setTimeout(r, 1500));

async function tenantWithToken(tenantId: string, settings?: unknown) {
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  if (settings) expect((await service.admin('PUT', `/${tenantId}/settings`, settings)).status).toBe(200);
  const createUser = (body: Record<string, unknown>) =>
    service.scim(
      'POST',
      `${scimBaseUrl}/Users`,
      token,
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        ...body,
      },
      { 'User-Agent': 'Okta SCIM Client 1.0' },
    );
  return { token, scimBaseUrl, createUser };
}

describe('settings API', () => {
  test('defaults: auto-invite off, no custom attributes, a default invitation', async () => {
    const response = await service.admin('GET', '/settings-default/settings');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      autoInviteUsers: false,
      customAttributes: [],
      inviteEmail: { subject: expect.any(String), body: expect.stringContaining('${inviteLink}') },
    });
  });

  test('PUT saves; fields left out take their defaults', async () => {
    const put = await service.admin('PUT', '/settings-save/settings', {
      autoInviteUsers: true,
      customAttributes: [{ name: 'costCenter2', description: 'Cost center' }],
    });
    expect(put.status).toBe(200);
    const get = await service.admin('GET', '/settings-save/settings');
    expect(get.body.autoInviteUsers).toBe(true);
    expect(get.body.customAttributes).toEqual([
      { name: 'costCenter2', scimPath: `${TENANT_URN}:costCenter2`, description: 'Cost center' },
    ]);
    expect(get.body.inviteEmail.body).toContain('${inviteLink}');
  });

  test('invalid settings are a 400 listing every problem, and nothing is saved', async () => {
    await service.admin('PUT', '/settings-bad/settings', { autoInviteUsers: true });
    const response = await service.admin('PUT', '/settings-bad/settings', {
      autoInviteUsers: 'yes',
      customAttributes: [
        { name: '1bad' },
        { name: 'dup' },
        { name: 'DUP' },
        { name: 'ok', scimPath: 'no such path[' },
      ],
      inviteEmail: { subject: 'Hi ${nobody}', body: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('bad_request');
    for (const part of ['autoInviteUsers', '1bad', "'DUP' is not unique", 'scimPath', '${nobody}']) {
      expect(response.body.message).toContain(part);
    }
    // Shape and rules alike, each by its path, all at once.
    expect(response.body.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'autoInviteUsers',
      'customAttributes[0].name',
      'customAttributes[2].name',
      'customAttributes[3].scimPath',
      'inviteEmail.subject',
    ]);
    const get = await service.admin('GET', '/settings-bad/settings');
    expect(get.body).toEqual(expect.objectContaining({ autoInviteUsers: true, customAttributes: [] }));
  });

  test('more than 50 custom attributes are refused', async () => {
    const customAttributes = Array.from({ length: 51 }, (_, i) => ({ name: `attr${i}` }));
    const response = await service.admin('PUT', '/settings-many/settings', { customAttributes });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('at most 50');
  });

  test('malformed JSON is a 400 JSON error', async () => {
    const response = await service.request('PUT', '/admin/v1/tenants/settings-json/settings', {
      headers: { Authorization: 'Bearer test-admin-key', 'Content-Type': 'application/json' },
      rawBody: '{"autoInviteUsers": tru',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'bad_request', message: expect.any(String) });
  });
});

describe('custom attributes', () => {
  test('the tenant extension appears in /Schemas and the User resource type, and SCIM writes to it are stored and resolvable', async () => {
    const { token, scimBaseUrl, createUser } = await tenantWithToken('custom-attrs', {
      customAttributes: [
        { name: 'badgeColor', scimPath: `${TENANT_URN}:badgeColor` },
        { name: 'costCode', scimPath: `${ENTERPRISE_URN}:costCenter` },
      ],
    });
    const schema = await service.scim('GET', `${scimBaseUrl}/Schemas/${TENANT_URN}`, token);
    expect(schema.status).toBe(200);
    expect(schema.body.attributes.map((a: { name: string }) => a.name)).toEqual(['badgeColor']);
    const userType = await service.scim('GET', `${scimBaseUrl}/ResourceTypes/User`, token);
    expect(userType.body.schemaExtensions).toEqual(
      expect.arrayContaining([{ schema: TENANT_URN, required: false }]),
    );

    const created = await createUser({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', TENANT_URN, ENTERPRISE_URN],
      userName: 'custom@example.com',
      [TENANT_URN]: { badgeColor: 'green' },
      [ENTERPRISE_URN]: { costCenter: 'CC-7' },
    });
    expect(created.status).toBe(201);
    const read = await service.scim('GET', `${scimBaseUrl}/Users/${created.body.id}`, token);
    expect(read.body[TENANT_URN]).toEqual({ badgeColor: 'green' });

    const resolved = await service.admin('POST', `/custom-attrs/users/${created.body.id}/resolve`, {
      template: '${userName}: ${badgeColor} / ${costCode} / ${givenName}',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ result: 'custom@example.com: green / CC-7 / ', missing: ['givenName'] });
  });

  test('a tenant without custom attributes has no tenant extension schema', async () => {
    const { token, scimBaseUrl } = await tenantWithToken('no-custom');
    expect((await service.scim('GET', `${scimBaseUrl}/Schemas/${TENANT_URN}`, token)).status).toBe(404);
  });

  test("resolve fills in the invitation's own variables as this user's invitation would", async () => {
    const { createUser } = await tenantWithToken('resolve-invite');
    const user = await createUser({ userName: 'link@example.com' });
    const resolved = await service.admin('POST', `/resolve-invite/users/${user.body.id}/resolve`, {
      template: '${tenantId}: ${inviteLink}',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.missing).toEqual([]);
    const [tenant, link] = resolved.body.result.split(': ');
    expect(tenant).toBe('resolve-invite');
    // A preview never mints a usable link: the template with the preview-only token.
    expect(link).toBe(`${service.baseUrl}/local/invite?token=preview-only`);
    const verify = await service.request('GET', '/invite/preview-only');
    expect(verify.status).toBe(400);
    expect(verify.body.error).toBe('invalid_token');
  });

  test('resolve refuses unknown variables and unknown users', async () => {
    const { createUser } = await tenantWithToken('resolve-errors');
    const user = await createUser({ userName: 'r@example.com' });
    const unknown = await service.admin('POST', `/resolve-errors/users/${user.body.id}/resolve`, {
      template: '${nope}',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('${nope}');
    const missingUser = await service.admin('POST', '/resolve-errors/users/nobody/resolve', {
      template: 'x',
    });
    expect(missingUser.status).toBe(404);
    const badBody = await service.admin('POST', `/resolve-errors/users/${user.body.id}/resolve`, {
      template: 7,
    });
    expect(badBody.status).toBe(400);
  });
});

describe('auto-invite', () => {
  const inviteSettings = {
    autoInviteUsers: true,
    inviteEmail: { subject: 'Welcome ${givenName}', body: 'Hi ${displayName}, join at ${inviteLink}' },
  };

  test('with the setting on, a new active user gets exactly one invitation with resolved variables', async () => {
    const { createUser } = await tenantWithToken('invite-on', inviteSettings);
    const user = await createUser({
      userName: 'ann@example.com',
      name: { givenName: 'Ann' },
      displayName: 'Ann Lee',
      emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
      active: true,
    });
    const mails = await waitForMail('ann@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Welcome Ann');
    expect(mails[0].text).toContain('Hi Ann Lee, join at http');
    // Local SES shows the mail a moment before the invite records the send (and the link's nonce).
    let admin = await service.admin('GET', `/invite-on/users/${user.body.id}`);
    for (let i = 0; i < 50 && admin.body.invite.state === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      admin = await service.admin('GET', `/invite-on/users/${user.body.id}`);
    }
    expect(admin.body).toEqual(
      expect.objectContaining({
        source: 'SCIM Okta',
        invite: expect.objectContaining({ state: 'sent', attempts: 1 }),
      }),
    );
    // The signed link: it names this user (GET /invite/{token} reads, never uses it).
    const token = /\/local\/invite\?token=([\w.-]+)/.exec(mails[0].text)?.[1] ?? '';
    const verified = await service.request('GET', `/invite/${token}`);
    expect(verified.body).toEqual(expect.objectContaining({ state: 'valid', userId: user.body.id }));
  });

  test('updates and redelivered stream records send no second invitation', async () => {
    const { token, scimBaseUrl, createUser } = await tenantWithToken('invite-once', inviteSettings);
    const user = await createUser({
      userName: 'bo@example.com',
      emails: [{ value: 'bo@example.com' }],
      active: true,
    });
    await waitForMail('bo@example.com');
    await service.scim('PATCH', `${scimBaseUrl}/Users/${user.body.id}`, token, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { displayName: 'Bo' } }],
    });
    // Redelivery: hand the same INSERT record to the handler twice more.
    const item = await new DynamoDBClient({}).send(
      new GetItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: keys.user('invite-once', user.body.id).pk }, sk: { S: 'USER' } },
      }),
    );
    const { handler } = require('../../lambdas/stream/handler');
    const record = {
      eventID: '1',
      eventName: 'INSERT',
      dynamodb: { NewImage: item.Item, SequenceNumber: '1' },
    };
    for (let i = 0; i < 2; i++)
      expect(await handler({ Records: [record] }, {})).toEqual({ batchItemFailures: [] });
    await settle();
    expect(await mailTo('bo@example.com')).toHaveLength(1);
  });

  test('a crash between guard and send is recovered: the redelivered record sends once', async () => {
    const { createUser } = await tenantWithToken('invite-crash', { autoInviteUsers: false });
    // A user created while the setting was off: no invite; now the setting is on.
    const user = await createUser({
      userName: 'gi@example.com',
      emails: [{ value: 'gi@example.com' }],
      active: true,
    });
    await settle();
    expect((await service.admin('PUT', '/invite-crash/settings', inviteSettings)).status).toBe(200);
    // What a sender that died after taking the guard leaves: pending, with a lease still running.
    const db = new DynamoDBClient({});
    const key = keys.invite('invite-crash', user.body.id);
    await db.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: { S: key.pk },
          sk: { S: key.sk },
          type: { S: 'invite' },
          state: { S: 'pending' },
          attempts: { N: '0' },
          email: { S: 'gi@example.com' },
          leaseId: { S: 'dead-sender' },
          leaseUntil: { N: String(Date.now() + 1500) },
        },
      }),
    );
    const item = await db.send(
      new GetItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: keys.user('invite-crash', user.body.id).pk }, sk: { S: 'USER' } },
      }),
    );
    const { handler } = require('../../lambdas/stream/handler');
    const record = {
      eventID: '2',
      eventName: 'INSERT',
      dynamodb: { NewImage: item.Item, SequenceNumber: '2' },
    };

    expect(await handler({ Records: [record] }, {})).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [record] }, {})).toEqual({ batchItemFailures: [] });

    expect(await waitForMail('gi@example.com')).toHaveLength(1);
    const admin = await service.admin('GET', `/invite-crash/users/${user.body.id}`);
    expect(admin.body.invite).toEqual(expect.objectContaining({ state: 'sent' }));
  });

  test('with the setting off, no invitation is sent', async () => {
    const { createUser } = await tenantWithToken('invite-off', { autoInviteUsers: false });
    await createUser({ userName: 'cy@example.com', emails: [{ value: 'cy@example.com' }], active: true });
    await settle();
    expect(await mailTo('cy@example.com')).toHaveLength(0);
  });

  test('a user created inactive is invited once when activated, not before', async () => {
    const { token, scimBaseUrl, createUser } = await tenantWithToken('invite-later', inviteSettings);
    const user = await createUser({
      userName: 'di@example.com',
      emails: [{ value: 'di@example.com' }],
      active: false,
    });
    await settle();
    expect(await mailTo('di@example.com')).toHaveLength(0);
    const activate = (active: boolean) =>
      service.scim('PATCH', `${scimBaseUrl}/Users/${user.body.id}`, token, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active } }],
      });
    await activate(true);
    expect(await waitForMail('di@example.com')).toHaveLength(1);
    await activate(false);
    await activate(true);
    await settle();
    expect(await mailTo('di@example.com')).toHaveLength(1);
  });

  test('an SES failure is retried and the invitation is sent once', async () => {
    const { createUser } = await tenantWithToken('invite-retry', inviteSettings);
    proxy.failNext(4); // more than the SDK's own 3 attempts: the stream record itself is retried
    const user = await createUser({
      userName: 'ed@example.com',
      emails: [{ value: 'ed@example.com' }],
      active: true,
    });
    const mails = await waitForMail('ed@example.com', 1, 20_000);
    expect(mails).toHaveLength(1);
    await settle();
    expect(await mailTo('ed@example.com')).toHaveLength(1);
    const admin = await service.admin('GET', `/invite-retry/users/${user.body.id}`);
    expect(admin.body.invite).toEqual(expect.objectContaining({ state: 'sent', attempts: 2 }));
  });

  test('an admin can re-send an invitation', async () => {
    const { createUser } = await tenantWithToken('invite-resend', inviteSettings);
    const user = await createUser({
      userName: 'fi@example.com',
      emails: [{ value: 'fi@example.com' }],
      active: true,
    });
    await waitForMail('fi@example.com');
    const resend = await service.admin('POST', `/invite-resend/users/${user.body.id}/invite`);
    expect(resend.status).toBe(200);
    expect(resend.body.invite.state).toBe('sent');
    expect(await waitForMail('fi@example.com', 2)).toHaveLength(2);
  });
});

// The console's row after auto-invite (moved from admin-rows.test.ts, which runs without the stream consumer).
test('after auto-invite the row shows the invitation sent, in the listing and the search', async () => {
  const tenant = 'rows-invite';
  const { token, scimBaseUrl } = await service.createToken(tenant);
  expect((await service.admin('PUT', `/${tenant}/settings`, { autoInviteUsers: true })).status).toBe(200);
  const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'grace@example.com',
    emails: [{ value: 'grace@example.com', primary: true }],
  });
  expect(created.status).toBe(201);
  // The stream consumer sends the invitation: wait for its record, as the console would refresh.
  let row: Record<string, unknown> | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    const page = await service.admin('GET', `/${tenant}/users?search=GRACE@`);
    row = page.body.users[0];
    if ((row?.invite as { state?: string } | undefined)?.state === 'sent') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(row?.invite).toEqual({
    state: 'sent',
    sentAt: expect.any(String),
    lastError: null,
    mailEventAt: null,
    attempts: 1,
    email: 'grace@example.com',
    updatedAt: expect.any(String),
  });
  const listing = await service.admin('GET', `/${tenant}/users`);
  expect(listing.body.users[0].invite.state).toBe('sent');
});
