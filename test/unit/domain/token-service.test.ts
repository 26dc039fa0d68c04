import { authorizeBearer } from '../../../lambdas/domain/authorize-token';
import { InvalidInputError, LimitExceededError, NotFoundError } from '../../../lambdas/domain/errors';
import { IDPS } from '../../../lambdas/domain/idp';
import { TokenService } from '../../../lambdas/domain/token-service';
import { hashSecret, TOKEN_PREFIX } from '../../../lambdas/domain/tokens';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const ACTOR = { subject: 'admin-sub', requestId: 'req-1' };

function setup() {
  const { tokens } = inMemoryPorts();
  return { tokens, service: new TokenService(tokens) };
}

describe('TokenService.create', () => {
  test('issues an active token whose secret only the answer carries; the store keeps its hash', async () => {
    const { tokens, service } = setup();

    const { token, secret } = await service.create(ACTOR, TENANT);

    expect(secret.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(await tokens.get(TENANT, token.id)).toEqual(
      expect.objectContaining({ status: 'active', secretHash: hashSecret(secret), hint: secret.slice(-4) }),
    );
    expect(await tokens.findByHash(hashSecret(secret))).toEqual(
      expect.objectContaining({ tenantId: TENANT, tokenId: token.id, status: 'active' }),
    );
  });

  test('lists tokens without their secret or hash', async () => {
    const { service } = setup();
    const { token } = await service.create(ACTOR, TENANT);

    const listed = await service.list(TENANT);

    expect(listed).toEqual([
      {
        id: token.id,
        status: 'active',
        createdAt: token.createdAt,
        lastUsedAt: null,
        hint: token.hint,
        idp: 'okta',
      },
    ]);
  });

  test('a third token is a LimitExceededError and is not stored', async () => {
    const { service } = setup();
    await service.create(ACTOR, TENANT);
    await service.create(ACTOR, TENANT);

    await expect(service.create(ACTOR, TENANT)).rejects.toThrow(LimitExceededError);
    expect(await service.list(TENANT)).toHaveLength(2);
  });

  test("the limit is per tenant: another tenant's tokens do not count", async () => {
    const { service } = setup();
    await service.create(ACTOR, 'globex');
    await service.create(ACTOR, 'globex');

    await service.create(ACTOR, TENANT);

    expect(await service.list(TENANT)).toHaveLength(1);
  });

  test('a tenant id that is not 1-63 of a-z, 0-9 and - is an InvalidInputError', async () => {
    const { service } = setup();

    await expect(service.create(ACTOR, 'Acme_Corp')).rejects.toThrow(InvalidInputError);
  });
});

describe('the IdP of a token', () => {
  test('is okta when not given', async () => {
    const { tokens, service } = setup();

    const { token, secret } = await service.create(ACTOR, TENANT);

    expect(token.idp).toBe('okta');
    expect((await tokens.findByHash(hashSecret(secret)))?.idp).toBe('okta');
  });

  test.each(IDPS)('%s is kept on both token items and shown in the listing', async (idp) => {
    const { tokens, service } = setup();

    const { token, secret } = await service.create(ACTOR, TENANT, idp);

    expect((await tokens.get(TENANT, token.id))?.idp).toBe(idp);
    expect((await tokens.findByHash(hashSecret(secret)))?.idp).toBe(idp);
    expect((await service.list(TENANT))[0].idp).toBe(idp);
  });

  test('survives renew and status changes', async () => {
    const { tokens, service } = setup();
    const { token } = await service.create(ACTOR, TENANT, 'entra');

    const renewed = await service.renew(ACTOR, TENANT, token.id);
    const inactive = await service.setStatus(ACTOR, TENANT, token.id, 'inactive');

    expect(renewed.token.idp).toBe('entra');
    expect((await tokens.findByHash(hashSecret(renewed.secret)))?.idp).toBe('entra');
    expect(inactive.idp).toBe('entra');
    expect((await service.get(TENANT, token.id)).idp).toBe('entra');
  });

  test('is what the authorizer passes on with an allowed request', async () => {
    const { tokens, service } = setup();
    const { secret } = await service.create(ACTOR, TENANT, 'pingone');

    const decision = await authorizeBearer(tokens, `Bearer ${secret}`, TENANT, new Date());

    expect(decision).toEqual(expect.objectContaining({ allowed: true, idp: 'pingone' }));
  });
});

describe('TokenService.renew', () => {
  test('gives the same token a new secret and hash; the old secret stops working', async () => {
    const { tokens, service } = setup();
    const issued = await service.create(ACTOR, TENANT);

    const renewed = await service.renew(ACTOR, TENANT, issued.token.id);

    expect(renewed.token.id).toBe(issued.token.id);
    expect(renewed.secret).not.toBe(issued.secret);
    expect(renewed.token.secretHash).toBe(hashSecret(renewed.secret));
    expect(renewed.token.hint).toBe(renewed.secret.slice(-4));
    expect(await tokens.findByHash(hashSecret(issued.secret))).toBeUndefined();
    expect((await tokens.findByHash(hashSecret(renewed.secret)))?.tokenId).toBe(issued.token.id);
  });

  test('keeps the slot: renewing does not count as another token', async () => {
    const { service } = setup();
    const first = await service.create(ACTOR, TENANT);
    await service.create(ACTOR, TENANT);

    await service.renew(ACTOR, TENANT, first.token.id);

    expect((await service.list(TENANT)).map((t) => t.id)).toContain(first.token.id);
    expect(await service.list(TENANT)).toHaveLength(2);
  });
});

describe('TokenService.setStatus', () => {
  test('an inactive token is inactive for the authorizer at once', async () => {
    const { tokens, service } = setup();
    const { token, secret } = await service.create(ACTOR, TENANT);

    const changed = await service.setStatus(ACTOR, TENANT, token.id, 'inactive');

    expect(changed.status).toBe('inactive');
    expect((await tokens.findByHash(hashSecret(secret)))?.status).toBe('inactive');
  });

  test('setting it active again re-enables it', async () => {
    const { tokens, service } = setup();
    const { token, secret } = await service.create(ACTOR, TENANT);
    await service.setStatus(ACTOR, TENANT, token.id, 'inactive');

    await service.setStatus(ACTOR, TENANT, token.id, 'active');

    expect((await tokens.findByHash(hashSecret(secret)))?.status).toBe('active');
  });
});

describe('TokenService.remove', () => {
  test('removes the token and its secret, freeing the slot', async () => {
    const { tokens, service } = setup();
    const { token, secret } = await service.create(ACTOR, TENANT);
    await service.create(ACTOR, TENANT);

    await service.remove(ACTOR, TENANT, token.id);

    expect(await tokens.findByHash(hashSecret(secret))).toBeUndefined();
    expect((await service.list(TENANT)).map((t) => t.id)).not.toContain(token.id);
    await expect(service.create(ACTOR, TENANT)).resolves.toBeDefined();
  });
});

describe('an unknown token', () => {
  test.each([
    ['get', (s: TokenService, id: string) => s.get(TENANT, id)],
    ['renew', (s: TokenService, id: string) => s.renew(ACTOR, TENANT, id)],
    ['setStatus', (s: TokenService, id: string) => s.setStatus(ACTOR, TENANT, id, 'inactive')],
    ['remove', (s: TokenService, id: string) => s.remove(ACTOR, TENANT, id)],
  ])('%s is a NotFoundError', async (_name, call) => {
    const { service } = setup();

    await expect(call(service, 'no-such-token')).rejects.toThrow(NotFoundError);
  });

  test("another tenant's token is a NotFoundError", async () => {
    const { service } = setup();
    const { token } = await service.create(ACTOR, 'globex');

    await expect(service.remove(ACTOR, TENANT, token.id)).rejects.toThrow(NotFoundError);
    expect(await service.list('globex')).toHaveLength(1);
  });

  test('a missing token id is a NotFoundError', async () => {
    const { service } = setup();

    await expect(service.get(TENANT, undefined)).rejects.toThrow(NotFoundError);
  });
});
