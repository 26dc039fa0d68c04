import { parseLinkKeys, signInviteLink } from '../../lambdas/domain/invite-links';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { startTestService, type TestService } from '../support/service';

/**
 * Signed invitation links through HTTP (the public verify API, docs/events.md "Invitation links"):
 * the link in the mail verifies, GET never uses it, POST uses it once (concurrent POSTs: one 200),
 * then it reads used; expired, altered, garbage and superseded links are refused; the local page
 * renders each state without any script.
 */
let ses: SesLocal;
let service: TestService;

beforeAll(async () => {
  ses = await startSesLocal();
  service = await startTestService({ sesEndpoint: ses.endpoint, streams: true });
});
afterAll(async () => {
  await service.stop();
  await ses.stop();
});

const SETTINGS = {
  autoInviteUsers: true,
  inviteEmail: { subject: 'Welcome', body: 'Join: ${inviteLink}' },
};

async function outboxTo(address: string): Promise<string[]> {
  const response = await service.request('GET', '/local/outbox');
  return (response.body.messages as { to: string[]; text: string }[])
    .filter((m) => m.to.includes(address))
    .map((m) => m.text);
}

/** Waits for the `count`-th mail to `address` and answers the token of its link. */
async function linkTokenOf(address: string, count = 1): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const texts = await outboxTo(address);
    if (texts.length >= count) {
      const match = /\/local\/invite\?token=([\w.-]+)/.exec(texts[count - 1]);
      if (!match) throw new Error(`no link in ${texts[count - 1]}`);
      return match[1];
    }
    if (Date.now() > deadline) throw new Error(`no mail ${count} to ${address}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function invitedUser(tenantId: string, userName: string) {
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  expect((await service.admin('PUT', `/${tenantId}/settings`, SETTINGS)).status).toBe(200);
  const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    emails: [{ value: userName, primary: true }],
    active: true,
  });
  expect(created.status).toBe(201);
  const userId = created.body.id as string;
  const link = await linkTokenOf(userName);
  await sentState(tenantId, userId);
  return { userId, link };
}

/**
 * Waits until the invite records the send: local SES shows the mail the moment SendEmail returns,
 * a moment before the invite stores the link's nonce (a real mail reaches an inbox much later).
 */
async function sentState(tenantId: string, userId: string, attempts = 1): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const invite = (await service.admin('GET', `/${tenantId}/users/${userId}`)).body.invite;
    if (invite.state !== 'pending' && invite.attempts >= attempts) return;
    if (Date.now() > deadline) throw new Error(`invite of ${userId} not sent: ${JSON.stringify(invite)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const verify = (method: 'GET' | 'POST', token: string) => service.request(method, `/invite/${token}`);

describe('signed invitation links', () => {
  test('GET reads (twice, unused); POST uses once; then it reads used', async () => {
    const { userId, link } = await invitedUser('links-once', 'ada@example.test');
    for (let i = 0; i < 2; i++) {
      const got = await verify('GET', link);
      expect(got.status).toBe(200);
      expect(got.headers.get('cache-control')).toBe('no-store');
      expect(got.body).toEqual({
        state: 'valid',
        tenantId: 'links-once',
        userId,
        userName: 'ada@example.test',
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    }
    const accepted = await verify('POST', link);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('cache-control')).toBe('no-store');
    expect(accepted.body).toEqual({
      state: 'accepted',
      tenantId: 'links-once',
      userId,
      userName: 'ada@example.test',
    });
    for (const method of ['GET', 'POST'] as const) {
      const used = await verify(method, link);
      expect(used.status).toBe(410);
      expect(used.body).toEqual({ error: 'invite_used', message: expect.any(String) });
    }
  });

  test('concurrent POSTs: exactly one 200, the others 410 invite_used', async () => {
    const { link } = await invitedUser('links-race', 'bob@example.test');
    const answers = await Promise.all(Array.from({ length: 6 }, () => verify('POST', link)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const other of answers.filter((a) => a.status !== 200)) {
      expect(other.status).toBe(410);
      expect(other.body.error).toBe('invite_used');
    }
  });

  test('altered, unsigned and garbage tokens: one 400 invalid_token answer (no oracle)', async () => {
    const { link } = await invitedUser('links-bad', 'cy@example.test');
    const [payload, signature] = link.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const altered = `${Buffer.from(JSON.stringify({ ...claims, u: 'someone-else' })).toString('base64url')}.${signature}`;
    const wrongKey = signInviteLink(
      { tenantId: claims.t, userId: claims.u, nonce: claims.n, expiresAt: claims.exp },
      [{ id: claims.kid, secret: 'an-attacker-key-that-is-long-enough-0123' }],
    );
    const bodies = new Set<string>();
    for (const token of [altered, wrongKey, `${payload}.`, 'garbage', 'a.b']) {
      for (const method of ['GET', 'POST'] as const) {
        const answer = await verify(method, token);
        expect(answer.status).toBe(400);
        expect(answer.headers.get('cache-control')).toBe('no-store');
        bodies.add(answer.text);
      }
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]).error).toBe('invalid_token');
    // The real link was not used by any of this.
    expect((await verify('GET', link)).status).toBe(200);
  });

  test('an expired link (validly signed, current nonce) is 410 invite_expired', async () => {
    const { link } = await invitedUser('links-expired', 'dee@example.test');
    const claims = JSON.parse(Buffer.from(link.split('.')[0], 'base64url').toString('utf8'));
    const keys = parseLinkKeys(process.env.INVITE_LINK_KEYS as string, 'INVITE_LINK_KEYS');
    const expired = signInviteLink(
      { tenantId: claims.t, userId: claims.u, nonce: claims.n, expiresAt: Math.floor(Date.now() / 1000) - 1 },
      keys,
    );
    for (const method of ['GET', 'POST'] as const) {
      const answer = await verify(method, expired);
      expect(answer.status).toBe(410);
      expect(answer.body.error).toBe('invite_expired');
    }
  });

  test('a re-send supersedes the older link; the new one is valid', async () => {
    const { userId, link } = await invitedUser('links-resend', 'eve@example.test');
    expect((await service.admin('POST', `/links-resend/users/${userId}/invite`)).status).toBe(200);
    const fresh = await linkTokenOf('eve@example.test', 2);
    await sentState('links-resend', userId, 2);
    expect(fresh).not.toBe(link);
    const old = await verify('GET', link);
    expect(old.status).toBe(410);
    expect(old.body.error).toBe('invite_superseded');
    expect((await verify('GET', fresh)).body.state).toBe('valid');
  });

  test('the local invitation page: valid with an Accept form, no script; accepting; then used', async () => {
    const { link } = await invitedUser('links-page', 'fay@example.test');
    const page = await service.request('GET', `/local/invite?token=${link}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('data-state="valid"');
    expect(page.text).toContain('Accept invitation');
    expect(page.text).not.toMatch(/<script/i);
    const accepted = await service.request('POST', '/local/invite', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ token: link }).toString(),
    });
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('data-state="accepted"');
    const used = await service.request('GET', `/local/invite?token=${link}`);
    expect(used.status).toBe(410);
    expect(used.text).toContain('data-state="used"');
    const invalid = await service.request('GET', '/local/invite?token=nonsense');
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('data-state="invalid"');
  });
});
