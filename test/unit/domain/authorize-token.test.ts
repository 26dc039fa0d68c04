import { authorizeBearer } from '../../../lambdas/domain/authorize-token';
import { StorageFailureError } from '../../../lambdas/domain/errors';
import { TokenService } from '../../../lambdas/domain/token-service';
import { InMemoryTokenRepository } from '../../support/in-memory-ports';

const TENANT = 'acme';
const ACTOR = { subject: 'admin-sub', requestId: 'req-1' };
const now = new Date('2026-12-01T12:00:00Z');

async function setup() {
  const tokens = new InMemoryTokenRepository();
  const { secret, token } = await new TokenService(tokens).create(ACTOR, TENANT);
  return { tokens, secret, token };
}

describe('authorizeBearer', () => {
  test('an active token of the tenant is allowed', async () => {
    const { tokens, secret, token } = await setup();
    await expect(authorizeBearer(tokens, `Bearer ${secret}`, TENANT, now)).resolves.toEqual({
      allowed: true,
      tenantId: TENANT,
      tokenId: token.id,
      idp: 'okta',
    });
  });

  test.each([
    ['no header', undefined, TENANT, 'missing or malformed Authorization header'],
    ['an unknown token', 'Bearer scimaws_nope', TENANT, 'unknown token'],
    ['another tenant', 'SECRET', 'other', 'token of another tenant'],
  ])('%s is refused', async (_what, header, tenant, reason) => {
    const { tokens, secret } = await setup();
    const decision = await authorizeBearer(
      tokens,
      header === 'SECRET' ? `Bearer ${secret}` : header,
      tenant,
      now,
    );
    expect(decision).toEqual({ allowed: false, reason });
  });

  test('an inactive token of the tenant is refused and named (its id and IdP, for the request log)', async () => {
    const { tokens, secret, token } = await setup();
    await new TokenService(tokens).setStatus(ACTOR, TENANT, token.id, 'inactive');
    await expect(authorizeBearer(tokens, `Bearer ${secret}`, TENANT, now)).resolves.toEqual({
      allowed: false,
      reason: 'inactive token',
      tokenId: token.id,
      idp: 'okta',
    });
  });

  test('an inactive token of another tenant is refused without naming it', async () => {
    const { tokens, secret, token } = await setup();
    await new TokenService(tokens).setStatus(ACTOR, TENANT, token.id, 'inactive');
    await expect(authorizeBearer(tokens, `Bearer ${secret}`, 'other', now)).resolves.toEqual({
      allowed: false,
      reason: 'token of another tenant',
    });
  });

  test('a storage failure is not a refusal: it propagates, so the authorizer answers 503, not 401', async () => {
    const { tokens, secret } = await setup();
    const failure = new StorageFailureError({ cause: new Error('connect ECONNREFUSED') });
    jest.spyOn(tokens, 'findByHash').mockRejectedValue(failure);

    await expect(authorizeBearer(tokens, `Bearer ${secret}`, TENANT, now)).rejects.toBe(failure);
  });
});
