import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { excerptList } from '../scim/excerpt';
import { InvalidInputError } from './errors';
import { DEFAULT_IDP, IDPS, type Idp, isIdp } from './idp';

/** Prefix that secret scanners can recognise (GitHub-style "scimaws_..."). */
export const TOKEN_PREFIX = 'scimaws_';
export const MAX_TOKENS_PER_TENANT = 2;
/** lastUsedAt is refreshed at most this often, so the authorizer does not write on every request. */
export const LAST_USED_REFRESH_MS = 5 * 60 * 1000;

export type TokenStatus = 'active' | 'inactive';

export interface Token {
  id: string;
  tenantId: string;
  status: TokenStatus;
  createdAt: string;
  lastUsedAt: string | null;
  /** Last 4 characters of the secret, to tell tokens apart in the console. */
  hint: string;
  secretHash: string;
  /** The IdP the token was made for; the Source of every user and group it creates. */
  idp: Idp;
}

/** What the authorizer reads: the item keyed by the secret's hash. */
export interface TokenByHash {
  tenantId: string;
  tokenId: string;
  status: TokenStatus;
  lastUsedAt: string | null;
  secretHash: string;
  idp: Idp;
}

const TENANT_ID = /^[a-z0-9-]{1,63}$/;

export function assertTenantId(tenantId: string | undefined): string {
  if (!tenantId || !TENANT_ID.test(tenantId)) {
    throw new InvalidInputError('tenantId must be 1-63 characters of a-z, 0-9 and -');
  }
  return tenantId;
}

/** 256 random bits from the CSPRNG, base64url, behind a recognisable prefix. */
export function generateSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newToken(
  tenantId: string,
  now: Date,
  idp: Idp = DEFAULT_IDP,
): { token: Token; secret: string } {
  const secret = generateSecret();
  return {
    secret,
    token: {
      id: randomUUID(),
      tenantId,
      status: 'active',
      createdAt: now.toISOString(),
      lastUsedAt: null,
      hint: secret.slice(-4),
      secretHash: hashSecret(secret),
      idp,
    },
  };
}

export function isLastUsedStale(lastUsedAt: string | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_REFRESH_MS;
}

/** The public view of a token: never the secret, never its hash. */
export function tokenView(token: Token) {
  return {
    id: token.id,
    status: token.status,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    hint: token.hint,
    idp: token.idp,
  };
}

const IDP_CHOICES = `must be one of ${IDPS.map((idp) => `"${idp}"`).join(', ')}`;

/**
 * Parses the body of a token creation: none, `{}` or `{"idp": "<one of IDPS>"}`; `okta` when not
 * given. Anything else is refused, naming `idp` for the console's IdP chooser (the form's one field).
 */
export function parseTokenCreation(body: unknown): Idp {
  if (body === undefined) return DEFAULT_IDP;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('Body must be a JSON object {"idp": "<identity provider>"}, {} or none', {
      fields: { idp: IDP_CHOICES },
    });
  }
  const { idp, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    // Names are quoted and cut short: an error never echoes raw input at length.
    const named = unknown.slice(0, 3).map((name) => JSON.stringify(name.slice(0, 40)));
    throw new InvalidInputError(`Unknown field(s): ${named.join(', ')}; a token takes only idp`, {
      fields: { idp: `the only field of a token creation; ${IDP_CHOICES}` },
    });
  }
  if (idp === undefined) return DEFAULT_IDP;
  if (!isIdp(idp)) {
    throw new InvalidInputError(`idp ${IDP_CHOICES}`, { fields: { idp: IDP_CHOICES } });
  }
  return idp;
}

/** Parses the PATCH body `{status: "active" | "inactive"}`. */
export function parseStatusChange(body: unknown): TokenStatus {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('Body must be a JSON object {"status": "active" | "inactive"}');
  }
  const { status, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new InvalidInputError(`Unknown field(s): ${excerptList(unknown)}`);
  if (status !== 'active' && status !== 'inactive') {
    throw new InvalidInputError('status must be "active" or "inactive"');
  }
  return status;
}
