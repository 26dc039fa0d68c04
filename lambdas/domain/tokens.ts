import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { InvalidInputError } from './errors';
import { DEFAULT_IDP, type Idp } from './idp';

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
