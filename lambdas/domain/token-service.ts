import { excerpt } from '../scim/excerpt';
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
 * keeps their SHA-256.
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
  async create(tenantId: string, idp: Idp = DEFAULT_IDP): Promise<IssuedToken> {
    const issued = newToken(assertTenantId(tenantId), new Date(), idp);
    await this.tokens.create(issued.token);
    return issued;
  }

  /** Set to Active / Set to Inactive: an inactive token is refused by the authorizer at once. */
  async setStatus(tenantId: string, tokenId: string | undefined, status: TokenStatus): Promise<Token> {
    return this.tokens.setStatus(await this.get(tenantId, tokenId), status);
  }

  /** Renew: a new secret in the same slot, same IdP; the old secret stops working in the same transaction. */
  async renew(tenantId: string, tokenId: string | undefined): Promise<IssuedToken> {
    const token = await this.get(tenantId, tokenId);
    const secret = generateSecret();
    const renewed = await this.tokens.replaceSecret(token, hashSecret(secret), secret.slice(-4));
    return { token: renewed, secret };
  }

  /** Remove: frees the slot. */
  async remove(tenantId: string, tokenId: string | undefined): Promise<void> {
    await this.tokens.remove(await this.get(tenantId, tokenId));
  }
}
