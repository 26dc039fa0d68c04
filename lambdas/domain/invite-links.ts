import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InviteRecord, InviteRepository, UserRepository } from './ports';

/**
 * Signed invitation links (docs/events.md, "Invitation links"). A token is
 * `base64url(payload) "." base64url(HMAC-SHA256(key, base64url(payload)))`, the payload
 * `{v, kid, t: tenantId, u: userId, n: nonce, exp}` (exp in epoch seconds). The first key signs, every
 * listed key verifies: rotation puts a new key first and drops the old one once its links expired.
 * The nonce is stored on the invite when the mail is sent; a re-send stores a new one, so an older
 * link reads superseded, and using a link marks it used (once, conditionally).
 */

/** One HMAC key; `id` is the payload's `kid`. */
export interface LinkKey {
  id: string;
  secret: string;
}

export interface LinkPayload {
  v: 1;
  kid: string;
  t: string;
  u: string;
  n: string;
  exp: number;
}

/** The fewest characters of a link key's secret. */
export const MIN_LINK_KEY_LENGTH = 32;
/** A link's lifetime when INVITE_LINK_TTL_HOURS is not set: one week. */
export const DEFAULT_LINK_TTL_HOURS = 168;
/** The longest token looked at (a real one is about 200 characters); anything longer is invalid. */
const MAX_TOKEN_LENGTH = 1024;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The keys of `{"keys":[{"id","secret"}, ...]}` (INVITE_LINK_KEYS or its Secrets Manager secret).
 * Anything else throws, naming `source` but never a secret.
 */
export function parseLinkKeys(json: string, source: string): LinkKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${source} must be JSON {"keys":[{"id":"...","secret":"..."}]}`);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`${source} must list at least one key: {"keys":[{"id":"...","secret":"..."}]}`);
  }
  const keys = list.map((entry, i): LinkKey => {
    const { id, secret } = (entry ?? {}) as { id?: unknown; secret?: unknown };
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new Error(`${source}: keys[${i}].id must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (typeof secret !== 'string' || secret.length < MIN_LINK_KEY_LENGTH) {
      throw new Error(`${source}: keys[${i}].secret must have at least ${MIN_LINK_KEY_LENGTH} characters`);
    }
    return { id, secret };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length)
    throw new Error(`${source}: key ids must be unique`);
  return keys;
}

const mac = (secret: string, data: string): Buffer => createHmac('sha256', secret).update(data).digest();

/** A fresh nonce: 16 random bytes, base64url. */
export const newLinkNonce = (): string => randomBytes(16).toString('base64url');

/** Signs a link with the first key. */
export function signInviteLink(
  claims: { tenantId: string; userId: string; nonce: string; expiresAt: number },
  keys: readonly LinkKey[],
): string {
  const [key] = keys;
  if (!key) throw new Error('No invitation link key');
  const payload: LinkPayload = {
    v: 1,
    kid: key.id,
    t: claims.tenantId,
    u: claims.userId,
    n: claims.nonce,
    exp: claims.expiresAt,
  };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${mac(key.secret, encoded).toString('base64url')}`;
}

export type LinkCheck = { ok: true; payload: LinkPayload } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Checks a token's signature (with the key its `kid` names, among `keys`), then its shape and expiry.
 * Garbage, an unknown kid, an altered payload and a wrong signature are all just `invalid`.
 */
export function verifyInviteLink(token: string, keys: readonly LinkKey[], nowSeconds: number): LinkCheck {
  const invalid = { ok: false, reason: 'invalid' } as const;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return invalid;
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1]))
    return invalid;
  const [encoded, signature] = parts;
  let payload: Partial<LinkPayload>;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  const key = keys.find((k) => k.id === payload?.kid);
  if (!key) return invalid;
  const expected = mac(key.secret, encoded);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  // Only a signed payload reaches here; its shape is still checked (an old version, a bug).
  if (
    payload.v !== 1 ||
    typeof payload.t !== 'string' ||
    typeof payload.u !== 'string' ||
    typeof payload.n !== 'string' ||
    typeof payload.exp !== 'number'
  )
    return invalid;
  if (payload.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, payload: payload as LinkPayload };
}

/** Where the link keys come from (config: INVITE_LINK_KEYS or a Secrets Manager secret, cached). */
export type LinkKeySource = () => Promise<readonly LinkKey[]>;

/** Why a link is refused: the public answers' `error` codes (400 invalid_token, 410 the others). */
export type LinkRefusal = 'invalid_token' | 'invite_used' | 'invite_expired' | 'invite_superseded';

/** A refused link; the message says what the person can do, never why a signature failed. */
export class InviteLinkRefusedError extends Error {
  constructor(readonly code: LinkRefusal) {
    super(REFUSAL_MESSAGES[code]);
    this.name = 'InviteLinkRefusedError';
  }
}

const REFUSAL_MESSAGES: Record<LinkRefusal, string> = {
  invalid_token: 'This invitation link is not valid; check that it was copied completely',
  invite_used: 'This invitation link has already been used',
  invite_expired: 'This invitation link has expired; ask your administrator to send the invitation again',
  invite_superseded: 'A newer invitation was sent; use the link of the latest invitation email',
};

export interface ValidLink {
  state: 'valid';
  tenantId: string;
  userId: string;
  userName: string;
  /** ISO 8601. */
  expiresAt: string;
}

export interface AcceptedLink {
  state: 'accepted';
  tenantId: string;
  userId: string;
  userName: string;
}

/**
 * The public verify use case (GET/POST /invite/{token}): `check` only reads (mail scanners fetch links
 * before the person does), `accept` uses the link once.
 */
export class InviteLinks {
  constructor(
    private readonly keys: LinkKeySource,
    private readonly invites: Pick<InviteRepository, 'get' | 'consumeLink'>,
    private readonly users: Pick<UserRepository, 'get'>,
    private readonly now: () => number = Date.now,
  ) {}

  async check(token: string): Promise<ValidLink> {
    const { payload, userName } = await this.current(token);
    return {
      state: 'valid',
      tenantId: payload.t,
      userId: payload.u,
      userName,
      expiresAt: new Date(payload.exp * 1000).toISOString(),
    };
  }

  async accept(token: string): Promise<AcceptedLink> {
    const { payload, userName } = await this.current(token);
    const used = await this.invites.consumeLink(
      payload.t,
      payload.u,
      payload.n,
      new Date(this.now()).toISOString(),
    );
    if (!used) {
      // Someone else used it (or a re-send replaced it) between the read and the write.
      const record = await this.invites.get(payload.t, payload.u);
      throw new InviteLinkRefusedError(refusalOf(record, payload.n) ?? 'invite_used');
    }
    return { state: 'accepted', tenantId: payload.t, userId: payload.u, userName };
  }

  /** The link's payload when it is the user's current, unused, unexpired link; refused otherwise. */
  private async current(token: string): Promise<{ payload: LinkPayload; userName: string }> {
    const nowMs = this.now();
    const check = verifyInviteLink(token, await this.keys(), Math.floor(nowMs / 1000));
    if (!check.ok && check.reason === 'invalid') throw new InviteLinkRefusedError('invalid_token');
    const payload = check.ok ? check.payload : signedPayloadOf(token);
    const [record, user] = await Promise.all([
      this.invites.get(payload.t, payload.u),
      this.users.get(payload.t, payload.u),
    ]);
    // A deleted user's link is no longer the invitation of anyone: superseded.
    const refusal = user ? refusalOf(record, payload.n) : 'invite_superseded';
    if (refusal) throw new InviteLinkRefusedError(refusal);
    if (!check.ok) throw new InviteLinkRefusedError('invite_expired');
    return { payload, userName: user?.userName ?? '' };
  }
}

/** Superseded (not the invite's current nonce) or used; undefined when the link is still open. */
function refusalOf(record: InviteRecord | undefined, nonce: string): LinkRefusal | undefined {
  if (!record || record.linkNonce !== nonce) return 'invite_superseded';
  if (record.linkUsedAt) return 'invite_used';
  return undefined;
}

/** The payload of a token whose signature was already verified (an expired one). */
function signedPayloadOf(token: string): LinkPayload {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as LinkPayload;
}
