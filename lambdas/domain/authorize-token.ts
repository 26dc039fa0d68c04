import type { Idp } from './idp';
import type { TokenRepository } from './ports';
import { hashSecret, isLastUsedStale } from './tokens';

export type AuthorizationDecision =
  | { allowed: true; tenantId: string; tokenId: string; idp: Idp }
  | {
      allowed: false;
      reason: string;
      /** A known but inactive token of the path's tenant: its id and IdP, for the request log. */
      tokenId?: string;
      idp?: Idp;
    };

/**
 * The bearer-token check of every SCIM call: the token must exist, be active and belong to the
 * tenant named in the URL. Reads one item by the secret's hash, strongly consistent.
 */
export async function authorizeBearer(
  tokens: TokenRepository,
  authorizationHeader: string | undefined,
  pathTenantId: string | undefined,
  now: Date,
): Promise<AuthorizationDecision> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
  if (!match) return { allowed: false, reason: 'missing or malformed Authorization header' };
  if (!pathTenantId) return { allowed: false, reason: 'no tenant in path' };
  const token = await tokens.findByHash(hashSecret(match[1]));
  if (!token) return { allowed: false, reason: 'unknown token' };
  // Another tenant's token is named to nobody: its id is not this tenant's to see.
  if (token.tenantId !== pathTenantId) return { allowed: false, reason: 'token of another tenant' };
  if (token.status !== 'active') {
    return { allowed: false, reason: 'inactive token', tokenId: token.tokenId, idp: token.idp };
  }
  if (isLastUsedStale(token.lastUsedAt, now)) await tokens.touch(token, now);
  return { allowed: true, tenantId: token.tenantId, tokenId: token.tokenId, idp: token.idp };
}
