import { excerpt } from '../scim/excerpt';
import { type AdminActor, auditEntries } from './audit';
import { NotFoundError } from './errors';
import { DEFAULT_IDP, type Idp } from './idp';
import type { TokenRepository } from './ports';
import {
  assertTenantId,
  generateSecret,
  hashSecret,
  newToken,
  type Token,
  type TokenStatus,
  tokenView,
} from './tokens';

/** A token with its secret: the only answers that ever carry one (create and renew). */
export interface IssuedToken {
  token: Token;
  secret: string;
}

/**
 * The tenant's SCIM tokens (Admin > Identity > User Provisioning): at most 2, each active or
 * inactive, renewable and removable. Secrets exist only in the answer that issues them; the store
 * keeps their SHA-256. Every change is recorded in the audit trail (./audit.ts) with the admin who
 * made it, in the same write as the change.
 */
export class TokenService {
  constructor(private readonly tokens: TokenRepository) {}

  async list(tenantId: string): Promise<ReturnType<typeof tokenView>[]> {
    return (await this.tokens.list(assertTenantId(tenantId))).map(tokenView);
  }

  async get(tenantId: string, tokenId: string | undefined): Promise<Token> {
    const tenant = assertTenantId(tenantId);
    const token = tokenId ? await this.tokens.get(tenant, tokenId) : undefined;
    if (!token) throw new NotFoundError(`Token ${excerpt(tokenId)} not found for tenant ${tenant}`);
    return token;
  }

  /** Generate: a new active token for `idp`; LimitExceededError when the tenant already holds 2. */
  async create(actor: AdminActor, tenantId: string, idp: Idp = DEFAULT_IDP): Promise<IssuedToken> {
    const now = new Date();
    const issued = newToken(assertTenantId(tenantId), now, idp);
    await this.tokens.create(issued.token, auditEntries.tokenCreated(actor, issued.token, now));
    return issued;
  }

  /**
   * Set to Active / Set to Inactive: an inactive token is refused by the authorizer at once. Setting
   * the status a token already has changes nothing, so nothing is written or recorded.
   */
  async setStatus(
    actor: AdminActor,
    tenantId: string,
    tokenId: string | undefined,
    status: TokenStatus,
  ): Promise<Token> {
    const token = await this.get(tenantId, tokenId);
    if (token.status === status) return token;
    const changed = { ...token, status };
    return this.tokens.setStatus(token, status, auditEntries.tokenStatusChanged(actor, token, changed));
  }

  /** Renew: a new secret in the same slot, same IdP; the old secret stops working in the same transaction. */
  async renew(actor: AdminActor, tenantId: string, tokenId: string | undefined): Promise<IssuedToken> {
    const token = await this.get(tenantId, tokenId);
    const secret = generateSecret();
    const hint = secret.slice(-4);
    const audit = auditEntries.tokenRenewed(actor, token, { ...token, hint });
    const renewed = await this.tokens.replaceSecret(token, hashSecret(secret), hint, audit);
    return { token: renewed, secret };
  }

  /** Remove: frees the slot. */
  async remove(actor: AdminActor, tenantId: string, tokenId: string | undefined): Promise<void> {
    const token = await this.get(tenantId, tokenId);
    await this.tokens.remove(token, auditEntries.tokenRemoved(actor, token));
  }
}
