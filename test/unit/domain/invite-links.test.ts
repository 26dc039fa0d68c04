import { readLinkKeySource } from '../../../lambdas/config/runtime-config';
import {
  InviteLinkRefusedError,
  InviteLinks,
  type LinkKey,
  newLinkNonce,
  parseLinkKeys,
  signInviteLink,
  verifyInviteLink,
} from '../../../lambdas/domain/invite-links';
import { InMemoryInviteRepository } from '../../support/in-memory/admin';

const OLD: LinkKey = { id: 'k1', secret: 'first-link-key-not-a-secret-0123456789' };
const NEW: LinkKey = { id: 'k2', secret: 'second-link-key-not-a-secret-0123456789' };
const NOW = 1_900_000_000;
const claims = { tenantId: 'acme', userId: 'u-1', nonce: 'n-1', expiresAt: NOW + 3600 };

/** The token with its payload's JSON changed by `change` (the signature left as it was). */
function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [encoded, signature] = token.split('.');
  const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('signed invitation links', () => {
  test('a signed token verifies and carries its claims', () => {
    const token = signInviteLink(claims, [OLD]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyInviteLink(token, [OLD], NOW)).toEqual({
      ok: true,
      payload: { v: 1, kid: 'k1', t: 'acme', u: 'u-1', n: 'n-1', exp: NOW + 3600 },
    });
  });

  test('an altered payload is invalid', () => {
    const token = signInviteLink(claims, [OLD]);
    expect(
      verifyInviteLink(
        withPayload(token, (p) => (p.u = 'u-2')),
        [OLD],
        NOW,
      ),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // Extending the expiry is an alteration too (not "valid for longer").
    expect(
      verifyInviteLink(
        withPayload(token, (p) => (p.exp = NOW + 99_999)),
        [OLD],
        NOW,
      ).ok,
    ).toBe(false);
  });

  test('an altered signature is invalid', () => {
    const token = signInviteLink(claims, [OLD]);
    const [payload, signature] = token.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyInviteLink(`${payload}.${flipped}`, [OLD], NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyInviteLink(`${payload}.`, [OLD], NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  test('a key that is not listed (wrong key, same kid) is invalid', () => {
    const token = signInviteLink(claims, [OLD]);
    expect(verifyInviteLink(token, [{ id: 'k1', secret: NEW.secret }], NOW).ok).toBe(false);
    expect(verifyInviteLink(token, [NEW], NOW).ok).toBe(false);
  });

  test('rotation: a new first key signs, a link of the old key still verifies while it is listed', () => {
    const old = signInviteLink(claims, [OLD]);
    const rotated = [NEW, OLD];
    const fresh = signInviteLink(claims, rotated);
    expect(verifyInviteLink(fresh, rotated, NOW)).toEqual(
      expect.objectContaining({ ok: true, payload: expect.objectContaining({ kid: 'k2' }) }),
    );
    expect(verifyInviteLink(old, rotated, NOW).ok).toBe(true);
    // Once the old key is dropped, its links no longer verify.
    expect(verifyInviteLink(old, [NEW], NOW).ok).toBe(false);
  });

  test('expired: a valid signature past exp', () => {
    const token = signInviteLink(claims, [OLD]);
    expect(verifyInviteLink(token, [OLD], NOW + 3599).ok).toBe(true);
    expect(verifyInviteLink(token, [OLD], NOW + 3600)).toEqual({ ok: false, reason: 'expired' });
  });

  test.each([
    '',
    'garbage',
    'a.b.c',
    '....',
    `${Buffer.from('not json').toString('base64url')}.abc`,
    'x'.repeat(5000),
  ])('garbage %#: invalid, like a wrong signature', (token) => {
    expect(verifyInviteLink(token, [OLD], NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  test('nonces are fresh', () => {
    expect(new Set(Array.from({ length: 50 }, newLinkNonce)).size).toBe(50);
  });
});

describe('link keys', () => {
  test('parsed from {"keys":[...]}, first key first', () => {
    expect(parseLinkKeys(JSON.stringify({ keys: [NEW, OLD] }), 'X')).toEqual([NEW, OLD]);
  });

  test.each([
    ['not json', 'X must be JSON'],
    ['{"keys":[]}', 'at least one key'],
    ['{"keys":[{"id":"k","secret":"short"}]}', 'at least 32 characters'],
    ['{"keys":[{"id":"a b","secret":"long-enough-secret-0123456789abcdef"}]}', 'keys\\[0\\]\\.id'],
  ])('%s is refused', (json, message) => {
    expect(() => parseLinkKeys(json, 'X')).toThrow(new RegExp(message));
  });

  test('a refusal never names the secret', () => {
    const secret = 'this-secret-must-not-appear-anywhere';
    expect(() => parseLinkKeys(JSON.stringify({ keys: [{ id: 'bad id', secret }] }), 'X')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });

  test('a Secrets Manager secret is read once and kept for a few minutes, then read again', async () => {
    let clock = 0;
    const reads: string[] = [];
    const fetchSecret = async (id: string) => {
      reads.push(id);
      return JSON.stringify({ keys: reads.length === 1 ? [OLD] : [NEW, OLD] });
    };
    const source = readLinkKeySource({ INVITE_LINK_KEYS_SECRET_ARN: 'arn:secret' }, fetchSecret, () => clock);
    expect(await source()).toEqual([OLD]);
    expect(await source()).toEqual([OLD]);
    expect(reads).toHaveLength(1);
    clock += 5 * 60_000;
    expect(await source()).toEqual([NEW, OLD]);
    expect(reads).toHaveLength(2);
  });

  test('a failed secret read is retried by the next call', async () => {
    let fail = true;
    const source = readLinkKeySource(
      { INVITE_LINK_KEYS_SECRET_ARN: 'arn:secret' },
      async () => {
        if (fail) throw new Error('unavailable');
        return JSON.stringify({ keys: [OLD] });
      },
      () => 0,
    );
    await expect(source()).rejects.toThrow('unavailable');
    fail = false;
    expect(await source()).toEqual([OLD]);
  });

  test('neither INVITE_LINK_KEYS nor the secret: the cold start stops, naming both', () => {
    expect(() => readLinkKeySource({})).toThrow(
      /INVITE_LINK_KEYS_SECRET_ARN .* or INVITE_LINK_KEYS must be set/,
    );
  });
});

describe('InviteLinks (the verify use case)', () => {
  async function setup() {
    let now = NOW * 1000;
    const invites = new InMemoryInviteRepository(() => now);
    const users = {
      get: async (_t: string, id: string) => (id === 'u-1' ? ({ userName: 'ada' } as never) : undefined),
    };
    const links = new InviteLinks(
      async () => [OLD],
      invites,
      users,
      () => now,
    );
    const send = async (nonce: string) => {
      await invites.acquire('acme', 'u-1', 'ada@example.test', `lease-${nonce}`, 10_000, true);
      await invites.markSent('acme', 'u-1', `lease-${nonce}`, { messageId: `m-${nonce}`, linkNonce: nonce });
      return signInviteLink({ tenantId: 'acme', userId: 'u-1', nonce, expiresAt: NOW + 3600 }, [OLD]);
    };
    return { links, invites, send, advance: (ms: number) => (now += ms) };
  }
  const refusal = (code: string) => expect.objectContaining({ code });

  test('check reads without using; accept uses once, then the link reads used', async () => {
    const { links, send } = await setup();
    const token = await send('n1');
    expect(await links.check(token)).toEqual({
      state: 'valid',
      tenantId: 'acme',
      userId: 'u-1',
      userName: 'ada',
      expiresAt: new Date((NOW + 3600) * 1000).toISOString(),
    });
    expect(await links.check(token)).toEqual(expect.objectContaining({ state: 'valid' }));
    expect(await links.accept(token)).toEqual({
      state: 'accepted',
      tenantId: 'acme',
      userId: 'u-1',
      userName: 'ada',
    });
    await expect(links.accept(token)).rejects.toEqual(refusal('invite_used'));
    await expect(links.check(token)).rejects.toEqual(refusal('invite_used'));
  });

  test('concurrent accepts: exactly one succeeds', async () => {
    const { links, send } = await setup();
    const token = await send('n1');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => links.accept(token)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  test('a re-send supersedes the older link', async () => {
    const { links, send } = await setup();
    const first = await send('n1');
    const second = await send('n2');
    await expect(links.check(first)).rejects.toEqual(refusal('invite_superseded'));
    expect(await links.check(second)).toEqual(expect.objectContaining({ state: 'valid' }));
  });

  test('expired, altered, and a deleted user', async () => {
    const { links, send, advance } = await setup();
    const token = await send('n1');
    await expect(links.check(withPayload(token, (p) => (p.n = 'n2')))).rejects.toEqual(
      refusal('invalid_token'),
    );
    const other = signInviteLink({ tenantId: 'acme', userId: 'gone', nonce: 'n1', expiresAt: NOW + 3600 }, [
      OLD,
    ]);
    await expect(links.check(other)).rejects.toEqual(refusal('invite_superseded'));
    advance(3600 * 1000);
    await expect(links.check(token)).rejects.toEqual(refusal('invite_expired'));
    await expect(links.accept(token)).rejects.toBeInstanceOf(InviteLinkRefusedError);
  });
});
