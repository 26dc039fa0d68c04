import type { APIGatewayProxyEvent } from 'aws-lambda';
import { currentOrigin, runWithOrigin } from '../../../lambdas/domain/write-origin';
import { createHttpHandler } from '../../../lambdas/http/handler';

/** The SCIM http handler runs each request inside its write origin; the store stamps it on items. */
const event = (authorizer: Record<string, unknown>, path = '/scim/v2/t/Who') =>
  ({
    resource: path.startsWith('/scim') ? '/scim/v2/{tenantId}/Who' : '/admin/v1/tenants/{tenantId}/who',
    path,
    httpMethod: 'GET',
    headers: {},
    pathParameters: { tenantId: 't' },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-9', authorizer },
  }) as unknown as APIGatewayProxyEvent;

const who = async () => ({ status: 200, body: { origin: currentOrigin() ?? null } });

test('a SCIM request runs with its request id and the idp and token id of the authorizer', async () => {
  const handler = createHttpHandler('scim', { '/scim/v2/{tenantId}/Who': { GET: who } });
  const result = await handler(event({ tenantId: 't', tokenId: 'tok-1', idp: 'entra' }));
  expect(JSON.parse(result.body).origin).toEqual({ requestId: 'req-9', idp: 'entra', tokenId: 'tok-1' });
});

test('a token from before the idp existed is okta; the origin ends with the request', async () => {
  const handler = createHttpHandler('scim', { '/scim/v2/{tenantId}/Who': { GET: who } });
  const result = await handler(event({ tenantId: 't', tokenId: 'tok-2' }));
  expect(JSON.parse(result.body).origin).toEqual({ requestId: 'req-9', idp: 'okta', tokenId: 'tok-2' });
  expect(currentOrigin()).toBeUndefined();
});

test('admin requests carry no write origin', async () => {
  const handler = createHttpHandler('admin', { '/admin/v1/tenants/{tenantId}/who': { GET: who } });
  const result = await handler(
    event({ claims: { 'custom:tenantId': 't', sub: 'admin' } }, '/admin/v1/tenants/t/who'),
  );
  expect(JSON.parse(result.body).origin).toBeNull();
});

test('concurrent requests each see their own origin', async () => {
  const seen = await Promise.all(
    ['a', 'b', 'c'].map((id) =>
      runWithOrigin({ requestId: id, idp: 'okta', tokenId: null }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return currentOrigin()?.requestId;
      }),
    ),
  );
  expect(seen).toEqual(['a', 'b', 'c']);
});
