import { MAX_SEND_ATTEMPTS } from '../../lambdas/domain/invites';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { type FaultySes, startFaultySes } from '../support/faults-ses';
import { startTestService, type TestService } from '../support/service';

/**
 * SES failures on the way of an invitation (issue 13, fault injection). Local SES sits behind a proxy
 * that answers SendEmail attempts with SES's own throttling (400 Throttling) or transient (500
 * InternalFailure) errors. The stream consumer sends each invitation exactly once (the invite record
 * is its guard): a blip is retried by the SDK, a failed send by redelivering the stream record, and a
 * send that keeps failing marks the invite failed after MAX_SEND_ATTEMPTS, never sending it twice.
 *
 * "No duplicate later" is checked behind a barrier: a fresh user created afterwards whose own mail
 * arrives only once the consumer has handled every record written before it (one stream, in order).
 */
const TENANT = 'faults-mail';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

let ses: SesLocal;
let faulty: FaultySes;
let service: TestService;
let scimBase: string;
let token: string;

beforeAll(async () => {
  process.env.REQUEST_LOG_SINK = 'off';
  // The invite's `sent` state is asserted as it is: no fake SES delivery events.
  process.env.LOCAL_SES_EVENTS = 'off';
  ses = await startSesLocal();
  faulty = await startFaultySes(ses.endpoint);
  service = await startTestService({ sesEndpoint: faulty.endpoint, streams: true });
  ({ token, scimBaseUrl: scimBase } = await service.createToken(TENANT));
  expect((await service.admin('PUT', `/${TENANT}/settings`, { autoInviteUsers: true })).status).toBe(200);
});
afterAll(async () => {
  await service?.stop();
  await faulty?.stop();
  await ses?.stop();
});
afterEach(() => faulty.failAttempts(0));

interface Invite {
  state: string;
  attempts: number;
  lastError: string | null;
}

async function createUser(userName: string): Promise<string> {
  const response = await service.scim('POST', `${scimBase}/Users`, token, {
    schemas: [USER],
    userName,
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function mailsTo(address: string): Promise<number> {
  const response = await service.request('GET', '/local/outbox');
  return (response.body.messages as { to: string[] }[]).filter((m) => m.to.includes(address)).length;
}

async function invite(userId: string): Promise<Invite | undefined> {
  const response = await service.admin('GET', `/${TENANT}/users/${userId}`);
  expect(response.status).toBe(200);
  return response.body.invite ?? undefined;
}

/** Polls the admin API until the invite is in a final state (sent or failed). */
async function settledInvite(userId: string, timeoutMs = 90_000): Promise<Invite> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await invite(userId);
    if (current && (current.state === 'sent' || current.state === 'failed')) return current;
    if (Date.now() > deadline) throw new Error(`invite not settled: ${JSON.stringify(current)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let barriers = 0;
/** A fresh user's invitation, sent: the consumer has handled every record written before it. */
async function barrier(): Promise<void> {
  const userName = `barrier-${++barriers}@example.com`;
  const id = await createUser(userName);
  expect((await settledInvite(id)).state).toBe('sent');
  expect(await mailsTo(userName)).toBe(1);
}

test('a throttled SendEmail attempt is retried by the SDK: one mail, one attempt on the invite', async () => {
  faulty.failAttempts(1, 'throttling');
  const before = faulty.attempts();
  const id = await createUser('blip@example.com');

  expect(await settledInvite(id)).toEqual(expect.objectContaining({ state: 'sent', attempts: 1 }));
  expect(faulty.attempts().failed - before.failed).toBe(1);
  await barrier();
  expect(await mailsTo('blip@example.com')).toBe(1);
});

test('a SendEmail that fails on every SDK attempt (500) is sent again with its stream record: one mail, two attempts', async () => {
  // The mailer's SES client makes 3 attempts (lambdas/mail/ses-mailer.ts): all three fail, the next send works.
  faulty.failAttempts(3, 'internal');
  const before = faulty.attempts();
  const id = await createUser('transient@example.com');

  expect(await settledInvite(id)).toEqual(expect.objectContaining({ state: 'sent', attempts: 2 }));
  expect(faulty.attempts().failed - before.failed).toBe(3);
  await barrier();
  expect(await mailsTo('transient@example.com')).toBe(1);
  expect(service.failedStreamRecords).toEqual([]);
});

test('SES failing for good: the invite is marked failed after MAX_SEND_ATTEMPTS sends, nothing is sent, not later either; a re-send then sends one', async () => {
  // 500s (the SDK's short backoff; throttling waits seconds between attempts), on every attempt.
  faulty.failAttempts('all', 'internal');
  const before = faulty.attempts();
  const id = await createUser('persistent@example.com');

  const failed = await settledInvite(id);
  expect(failed).toEqual(expect.objectContaining({ state: 'failed', attempts: MAX_SEND_ATTEMPTS }));
  expect(failed.lastError).toEqual(expect.any(String));
  // Each send is the SDK's 3 attempts; after the last one the consumer gives up (the record is done).
  expect(faulty.attempts().seen - before.seen).toBe(MAX_SEND_ATTEMPTS * 3);
  faulty.failAttempts(0);
  await barrier();
  expect(await mailsTo('persistent@example.com')).toBe(0);
  expect((await invite(id))?.state).toBe('failed');
  expect(service.failedStreamRecords).toEqual([]);

  // The admin sends it again once SES is back: exactly one mail.
  const resent = await service.admin('POST', `/${TENANT}/users/${id}/invite`);
  expect(resent.status).toBe(200);
  expect(resent.body.invite.state).toBe('sent');
  await barrier();
  expect(await mailsTo('persistent@example.com')).toBe(1);
});

test('an SES outage that an admin re-send meets answers 502, sends nothing twice, and leaves no invite pending for good', async () => {
  const id = await createUser('outage@example.com');
  expect((await settledInvite(id)).state).toBe('sent');
  faulty.failAttempts('all', 'internal');
  const resent = await service.admin('POST', `/${TENANT}/users/${id}/invite`);
  expect(resent.status).toBe(502);
  expect(resent.body).toEqual({ error: 'send_failed', message: expect.any(String) });
  faulty.failAttempts(0);
  await barrier();
  expect(await mailsTo('outage@example.com')).toBe(1);
  // Nothing will send it again by itself (its stream record was handled long ago): `pending` would
  // tell the console a send is on its way when none is. The admin re-sends a failed invite.
  expect((await invite(id))?.state).not.toBe('pending');
});
