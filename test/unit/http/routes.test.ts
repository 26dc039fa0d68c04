import { matchRoute, ROUTES } from '../../../lambdas/http/routes';

describe('matchRoute (the local adapter routes like API Gateway)', () => {
  test('literal segments win over variables', () => {
    expect(matchRoute(ROUTES, '/scim/v2/acme/Users/.search')?.route.path).toBe(
      '/scim/v2/{tenantId}/Users/.search',
    );
    expect(matchRoute(ROUTES, '/scim/v2/acme/Users/123')?.pathParameters).toEqual({
      tenantId: 'acme',
      id: '123',
    });
  });

  test('explicit resources win over the greedy proxy; unknown paths fall to it', () => {
    expect(matchRoute(ROUTES, '/scim/v2/acme/Groups')?.route.handler).toBe('groups');
    expect(matchRoute(ROUTES, '/scim/v2/acme/.search')?.route).toEqual({
      path: '/scim/v2/{tenantId}/.search',
      handler: 'discovery',
      auth: 'scim',
    });
    const other = matchRoute(ROUTES, '/scim/v2/acme/Bulk/x');
    expect(other?.route.path).toBe('/scim/v2/{tenantId}/{proxy+}');
    expect(other?.pathParameters).toEqual({ tenantId: 'acme', proxy: 'Bulk/x' });
  });

  test('path segments are URL-decoded (schema URNs)', () => {
    const urn = 'urn:ietf:params:scim:schemas:core:2.0:User';
    expect(matchRoute(ROUTES, `/scim/v2/acme/Schemas/${encodeURIComponent(urn)}`)?.pathParameters.urn).toBe(
      urn,
    );
  });

  test('no match outside the API', () => {
    expect(matchRoute(ROUTES, '/nothing')).toBeUndefined();
    expect(matchRoute(ROUTES, '/admin/v1/tenants/acme')).toBeUndefined();
  });
});
