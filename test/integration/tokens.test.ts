import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { startTestService, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const SCIM_401 = (response: { status: number; headers: Headers; body: unknown }) => {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/scim+json');
  expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '401', detail: expect.any(String) });
};

describe('token creation', () => {
  test('returns the secret once with the Target SCIM URL', async () => {
    const response = await service.admin('POST', '/create-one/tokens');
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^scimaws_[A-Za-z0-9_-]{43}$/),
      scimBaseUrl: `${service.baseUrl}/scim/v2/create-one`,
      status: 'active',
      createdAt: expect.any(String),
      idp: 'okta',
    });
    expect(response.body.scimBaseUrl.replace(/^https?:\/\/[^/]+/, '')).not.toContain('_');
  });

  test('a third token is refused with 409 and a message naming the limit', async () => {
    await service.createToken('limit');
    await service.createToken('limit');
    const third = await service.admin('POST', '/limit/tokens');
    expect(third.status).toBe(409);
    expect(third.body).toEqual({ error: 'conflict', message: expect.stringContaining('at most 2 tokens') });
    expect((await service.admin('GET', '/limit/tokens')).body.tokens).toHaveLength(2);
  });

  test('concurrent creates still leave at most 2 tokens', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => service.admin('POST', '/race/tokens')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    expect((await service.admin('GET', '/race/tokens')).body.tokens).toHaveLength(2);
  });

  test.each(['UPPER', 'has_underscore', 'a'.repeat(64), 'dots.in'])(
    'tenant id %s is a 400',
    async (tenantId) => {
      const response = await service.admin('POST', `/${tenantId}/tokens`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'bad_request', message: expect.stringContaining('tenantId') });
    },
  );
});

describe('token listing', () => {
  test('lists id, status, createdAt, lastUsedAt and hint, never the secret or its hash', async () => {
    const created = await service.createToken('listing');
    const response = await service.admin('GET', '/listing/tokens');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tokens: [
        {
          id: created.id,
          status: 'active',
          createdAt: expect.any(String),
          lastUsedAt: null,
          hint: created.token.slice(-4),
          idp: 'okta',
        },
      ],
    });
    expect(response.text).not.toContain(created.token);
    expect(response.text).not.toMatch(/[0-9a-f]{64}/);
  });

  test('an unknown tenant has no tokens', async () => {
    const response = await service.admin('GET', '/nobody-here/tokens');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ tokens: [] });
  });

  test('lastUsedAt is set once the token is used', async () => {
    const created = await service.createToken('used');
    await service.scim('GET', `${created.scimBaseUrl}/ServiceProviderConfig`, created.token);
    const response = await service.admin('GET', '/used/tokens');
    expect(Date.parse(response.body.tokens[0].lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('SCIM authorizer', () => {
  test('an active token of the tenant reaches the SCIM API', async () => {
    const created = await service.createToken('auth-ok');
    const response = await service.scim('GET', `${created.scimBaseUrl}/ServiceProviderConfig`, created.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
  });

  test.each([
    ['no Authorization header', undefined],
    ['no Bearer scheme', 'Basic abc'],
    ['an unknown token', 'Bearer scimaws_unknown'],
    ['an empty bearer', 'Bearer '],
  ])('%s gets the SCIM 401', async (_name, header) => {
    const headers: Record<string, string> = header === undefined ? {} : { Authorization: header };
    SCIM_401(await service.request('GET', '/scim/v2/some-tenant/ServiceProviderConfig', { headers }));
  });

  test("a token of tenant A on tenant B's URL is refused", async () => {
    const a = await service.createToken('tenant-a');
    await service.createToken('tenant-b');
    SCIM_401(await service.scim('GET', '/scim/v2/tenant-b/ServiceProviderConfig', a.token));
  });

  test('an inactive token is refused at once, and works again when set active', async () => {
    const created = await service.createToken('toggle');
    const url = `${created.scimBaseUrl}/ServiceProviderConfig`;
    const inactive = await service.admin('PATCH', `/toggle/tokens/${created.id}`, { status: 'inactive' });
    expect(inactive.status).toBe(200);
    expect(inactive.body).toEqual(expect.objectContaining({ id: created.id, status: 'inactive' }));
    expect(inactive.body.token).toBeUndefined();
    SCIM_401(await service.scim('GET', url, created.token));
    const active = await service.admin('PATCH', `/toggle/tokens/${created.id}`, { status: 'active' });
    expect(active.body.status).toBe('active');
    expect((await service.scim('GET', url, created.token)).status).toBe(200);
  });

  test('renew gives a new secret in the same slot; the old one stops at once', async () => {
    const created = await service.createToken('renew');
    const renewed = await service.admin('POST', `/renew/tokens/${created.id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual({
      id: created.id,
      token: expect.stringMatching(/^scimaws_/),
      scimBaseUrl: created.scimBaseUrl,
      status: 'active',
      createdAt: expect.any(String),
      idp: 'okta',
    });
    expect(renewed.body.token).not.toBe(created.token);
    const url = `${created.scimBaseUrl}/ServiceProviderConfig`;
    SCIM_401(await service.scim('GET', url, created.token));
    expect((await service.scim('GET', url, renewed.body.token)).status).toBe(200);
    const list = await service.admin('GET', '/renew/tokens');
    expect(list.body.tokens).toHaveLength(1);
    expect(list.body.tokens[0].hint).toBe(renewed.body.token.slice(-4));
  });

  test('remove answers 204, kills the token and frees the slot', async () => {
    const first = await service.createToken('remove');
    await service.createToken('remove');
    const removed = await service.admin('DELETE', `/remove/tokens/${first.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    SCIM_401(await service.scim('GET', `${first.scimBaseUrl}/ServiceProviderConfig`, first.token));
    expect((await service.admin('POST', '/remove/tokens')).status).toBe(201);
    expect((await service.admin('DELETE', `/remove/tokens/${first.id}`)).status).toBe(404);
  });

  test('unknown SCIM routes are a SCIM 404 after authentication', async () => {
    const created = await service.createToken('route404');
    const response = await service.scim('GET', `${created.scimBaseUrl}/Nothing`, created.token);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '404',
      detail: expect.any(String),
    });
  });
});

describe('admin API input', () => {
  test('no credentials -> 401 JSON; wrong key -> 401', async () => {
    const none = await service.request('GET', '/admin/v1/tenants/x/tokens');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    const wrong = await service.request('GET', '/admin/v1/tenants/x/tokens', {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  test.each([
    ['malformed JSON', '{"status": ', null],
    ['wrong type', '{"status": 1}', 'status'],
    ['unknown status', '{"status": "paused"}', 'status'],
    ['an array', '[]', 'status'],
    ['extra fields', '{"status": "active", "x": 1}', 'x'],
  ])('PATCH with %s is a 400 JSON error (field: %s)', async (_name, rawBody, path) => {
    const created = await service.createToken('bad-input');
    const response = await service.request('PATCH', `/admin/v1/tenants/bad-input/tokens/${created.id}`, {
      headers: { Authorization: 'Bearer test-admin-key', 'Content-Type': 'application/json' },
      rawBody,
    });
    expect(response.status).toBe(400);
    // A body that is JSON names the offending field; malformed JSON has no field to name.
    expect(response.body).toEqual({
      error: 'bad_request',
      message: expect.any(String),
      ...(path ? { fields: [{ path, message: expect.any(String) }] } : {}),
    });
    await service.admin('DELETE', `/bad-input/tokens/${created.id}`);
  });

  test('an unknown token id is a 404 JSON error', async () => {
    for (const [method, path, body] of [
      ['PATCH', '/t404/tokens/00000000-0000-0000-0000-000000000000', { status: 'inactive' }],
      ['POST', '/t404/tokens/nope/renew', undefined],
      ['DELETE', '/t404/tokens/nope', undefined],
    ] as const) {
      const response = await service.admin(method, path, body);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', message: expect.any(String) });
    }
  });

  test('an oversized body is a 413 JSON error', async () => {
    const response = await service.request('POST', '/admin/v1/tenants/big/tokens', {
      headers: { Authorization: 'Bearer test-admin-key', 'Content-Type': 'application/json' },
      rawBody: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: 'payload_too_large', message: expect.any(String) });
  });

  test('a body on token creation other than {} or {idp} is a 400; a wrong Content-Type is a 415', async () => {
    const withField = await service.admin('POST', '/body/tokens', { name: 'x' });
    expect(withField.status).toBe(400);
    expect(withField.body).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('name'),
      fields: [{ path: 'idp', message: expect.any(String) }],
    });
    const xml = await service.request('POST', '/admin/v1/tenants/body/tokens', {
      headers: { Authorization: 'Bearer test-admin-key', 'Content-Type': 'text/xml' },
      rawBody: '<x/>',
    });
    expect(xml.status).toBe(415);
    expect(xml.body.error).toBe('unsupported_media_type');
  });

  test('a wrong method is a 405 JSON error', async () => {
    const response = await service.admin('PUT', '/method/tokens');
    expect(response.status).toBe(405);
    expect(response.body.error).toBe('method_not_allowed');
  });
});
