import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { keys } from '../../lambdas/store/keys';
import { sqsEventOf } from '../../local/ses-events';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { startTestService, type TestService } from '../support/service';

/**
 * Mail events through the service as npm start runs it: local SES plus the fake SES event feed
 * (local/ses-events.ts), which hands the mail-events function a delivery, a bounce (bounce@…) or a
 * delivery then a complaint (complaint@…) for each message; the states show in the admin API. Events
 * handed to the function directly check stale and out-of-order ones.
 */
let ses: SesLocal;
let service: TestService;

beforeAll(async () => {
  delete process.env.LOCAL_SES_EVENTS;
  ses = await startSesLocal();
  service = await startTestService({ sesEndpoint: ses.endpoint, streams: true });
});
afterAll(async () => {
  await service.stop();
  await ses.stop();
});

const SETTINGS = { autoInviteUsers: true, inviteEmail: { subject: 'Welcome', body: 'Join: ${inviteLink}' } };

async function invitedUser(tenantId: string, email: string): Promise<string> {
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  expect((await service.admin('PUT', `/${tenantId}/settings`, SETTINGS)).status).toBe(200);
  const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email,
    emails: [{ value: email, primary: true }],
    active: true,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

// biome-ignore lint/suspicious/noExplicitAny: admin API bodies are inspected freely
async function inviteOf(tenantId: string, userId: string): Promise<any> {
  return (await service.admin('GET', `/${tenantId}/users/${userId}`)).body.invite;
}

/** Waits for the invite to reach `state` (the feed polls local SES every 250 ms); answers the invite. */
// biome-ignore lint/suspicious/noExplicitAny: admin API bodies are inspected freely
async function untilState(tenantId: string, userId: string, state: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const invite = await inviteOf(tenantId, userId);
    if (invite.state === state || Date.now() > deadline) return invite;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The row of the Users page (listing), as the console reads it. */
async function rowOf(tenantId: string, userId: string) {
  const list = await service.admin('GET', `/${tenantId}/users`);
  return (list.body.users as { id: string; invite: { state: string; lastError: string | null } }[]).find(
    (u) => u.id === userId,
  );
}

async function messageIdOf(tenantId: string, userId: string): Promise<string> {
  const client = new DynamoDBClient({});
  try {
    const key = keys.invite(tenantId, userId);
    const item = await client.send(
      new GetItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    return item.Item?.messageId?.S as string;
  } finally {
    client.destroy();
  }
}

/** An SES event handed to the mail-events function directly (as the SQS event source would). */
async function sesEvent(detail: Record<string, unknown>) {
  const { handler } = require('../../lambdas/mail-events/handler');
  return handler(sqsEventOf(detail));
}
const mail = (messageId: string) => ({ messageId, timestamp: new Date().toISOString(), destination: ['x'] });
const bounceOf = (messageId: string) => ({
  eventType: 'Bounce',
  mail: mail(messageId),
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'NoEmail',
    bouncedRecipients: [{ emailAddress: 'x', diagnosticCode: 'smtp; 550 no such mailbox' }],
    timestamp: new Date().toISOString(),
  },
});
const deliveryOf = (messageId: string) => ({
  eventType: 'Delivery',
  mail: mail(messageId),
  delivery: { timestamp: new Date().toISOString(), recipients: ['x'] },
});

describe('mail events', () => {
  test('an invitation to bounce@… ends bounced, with the diagnostic, in the Users row', async () => {
    const userId = await invitedUser('mail-bounce', 'bounce@example.test');
    const invite = await untilState('mail-bounce', userId, 'bounced');
    expect(invite).toEqual(
      expect.objectContaining({
        state: 'bounced',
        lastError: expect.stringMatching(/^Permanent bounce \(General\): smtp; 550 5\.1\.1/),
        mailEventAt: expect.any(String),
      }),
    );
    expect(await rowOf('mail-bounce', userId)).toEqual(
      expect.objectContaining({ invite: expect.objectContaining({ state: 'bounced' }) }),
    );
  });

  test('an ordinary address ends delivered', async () => {
    const userId = await invitedUser('mail-delivered', 'ada@example.test');
    const invite = await untilState('mail-delivered', userId, 'delivered');
    expect(invite).toEqual(expect.objectContaining({ state: 'delivered', lastError: null }));
  });

  test('complaint@… ends complained, and a re-send is refused with 409 invite_complained', async () => {
    const userId = await invitedUser('mail-complaint', 'complaint@example.test');
    const invite = await untilState('mail-complaint', userId, 'complained');
    expect(invite.state).toBe('complained');
    const resend = await service.admin('POST', `/mail-complaint/users/${userId}/invite`);
    expect(resend.status).toBe(409);
    expect(resend.body).toEqual({ error: 'invite_complained', message: expect.stringContaining('spam') });
    const outbox = await service.request('GET', '/local/outbox');
    const sent = (outbox.body.messages as { to: string[] }[]).filter((m) =>
      m.to.includes('complaint@example.test'),
    );
    expect(sent).toHaveLength(1);
    expect((await inviteOf('mail-complaint', userId)).state).toBe('complained');
  });

  test('an event of an older send is ignored; a bounce is never delivered again', async () => {
    const userId = await invitedUser('mail-stale', 'bob@example.test');
    await untilState('mail-stale', userId, 'delivered');
    const first = await messageIdOf('mail-stale', userId);
    expect((await service.admin('POST', `/mail-stale/users/${userId}/invite`)).status).toBe(200);
    const second = await messageIdOf('mail-stale', userId);
    expect(second).not.toBe(first);
    await untilState('mail-stale', userId, 'delivered');

    // The first message bounces late: stale, nothing changes.
    expect(await sesEvent(bounceOf(first))).toEqual({ batchItemFailures: [] });
    expect((await inviteOf('mail-stale', userId)).state).toBe('delivered');

    // The current one bounces (after its delivery): bounced; a duplicate delivery does not undo it.
    await sesEvent(bounceOf(second));
    expect(await inviteOf('mail-stale', userId)).toEqual(
      expect.objectContaining({
        state: 'bounced',
        lastError: 'Permanent bounce (NoEmail): smtp; 550 no such mailbox',
      }),
    );
    await sesEvent(deliveryOf(second));
    expect((await inviteOf('mail-stale', userId)).state).toBe('bounced');
  });

  test('a record that is not an SES event is dropped, not retried forever', async () => {
    const { handler } = require('../../lambdas/mail-events/handler');
    const event = sqsEventOf(deliveryOf('x'));
    event.Records[0].body = '{"source":"aws.s3","detail":{}}';
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
  });
});
