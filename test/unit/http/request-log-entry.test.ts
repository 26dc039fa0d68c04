import { refusalLogEntry, resourceOfRoute } from '../../../lambdas/http/request-log-entry';

describe('resourceOfRoute', () => {
  test.each([
    ['/scim/v2/{tenantId}/Users', { id: undefined }, 'Users', null],
    ['/scim/v2/{tenantId}/Users/{id}', { id: 'u1' }, 'Users', 'u1'],
    ['/scim/v2/{tenantId}/Groups/.search', {}, 'Groups', null],
    ['/scim/v2/{tenantId}/Bulk', {}, 'Bulk', null],
    ['/scim/v2/{tenantId}/Schemas/{urn}', { urn: 'urn:x' }, 'Schemas', 'urn:x'],
    ['/scim/v2/{tenantId}/.search', {}, null, null],
    ['/scim/v2/{tenantId}/{proxy+}', { proxy: 'Devices' }, null, null],
    ['/admin/v1/tenants/{tenantId}/tokens', {}, null, null],
  ])('%s -> %s %s', (resource, params, resourceType, resourceId) => {
    expect(resourceOfRoute(resource, params)).toEqual({ resourceType, resourceId });
  });
});

describe('refusalLogEntry (the authorizer)', () => {
  const event = {
    httpMethod: 'delete',
    path: '/scim/v2/acme/Users/u1',
    resource: '/scim/v2/{tenantId}/Users/{id}',
    headers: { authorization: 'Bearer scimaws_secret', 'user-agent': 'Okta' },
    pathParameters: { tenantId: 'acme', id: 'u1' },
    requestContext: { requestId: 'req-1' },
  };
  const refusal = { status: 401, detail: 'Authentication failed', at: new Date(0), latencyMs: 1.234 };

  test('names the path tenant, the route and the inactive token, never the Authorization header', () => {
    const entry = refusalLogEntry(event, { ...refusal, token: { tokenId: 't1', idp: 'entra' } });
    expect(entry).toEqual({
      tenantId: 'acme',
      at: '1970-01-01T00:00:00.000Z',
      method: 'DELETE',
      path: '/scim/v2/acme/Users/u1',
      status: 401,
      scimType: null,
      detail: 'Authentication failed',
      resourceType: 'Users',
      resourceId: 'u1',
      tokenId: 't1',
      idp: 'entra',
      userAgent: 'Okta',
      latencyMs: 1.2,
      requestId: 'req-1',
    });
    expect(JSON.stringify(entry)).not.toContain('scimaws_secret');
  });

  test('an unknown token: no token id; a path without a valid tenant: no entry at all', () => {
    expect(refusalLogEntry(event, refusal)?.tokenId).toBeNull();
    expect(refusalLogEntry({ ...event, pathParameters: { tenantId: 'NOT VALID' } }, refusal)).toBeUndefined();
    expect(refusalLogEntry({ ...event, pathParameters: {} }, refusal)).toBeUndefined();
  });
});
