import type { APIGatewayProxyEvent } from 'aws-lambda';
import { provisioningSourceOf, toHttpRequest, tokenIdpOf } from '../../../lambdas/http/request';

/** A SCIM POST as API Gateway hands it over after the authorizer allowed it. */
const scimEvent = (authorizer: Record<string, unknown>, userAgent?: string) =>
  ({
    httpMethod: 'POST',
    resource: '/scim/v2/{tenantId}/Users',
    path: '/scim/v2/acme/Users',
    pathParameters: { tenantId: 'acme' },
    queryStringParameters: null,
    headers: userAgent ? { 'User-Agent': userAgent } : {},
    body: '{}',
    isBase64Encoded: false,
    requestContext: { requestId: 'r-1', authorizer },
  }) as unknown as APIGatewayProxyEvent;

describe("the token's IdP on a request", () => {
  test("is the authorizer context's idp", () => {
    const request = toHttpRequest(scimEvent({ tenantId: 'acme', tokenId: 't-1', idp: 'jumpcloud' }));

    expect(tokenIdpOf(request)).toBe('jumpcloud');
  });

  test.each([
    ['no idp (a decision cached before it existed)', {}],
    ['an idp this version does not know', { idp: 'auth0' }],
  ])('%s reads as okta', (_name, context) => {
    expect(tokenIdpOf(toHttpRequest(scimEvent({ tenantId: 'acme', ...context })))).toBe('okta');
  });

  test('gives the Source from the idp, keeping the User-Agent only as a note', () => {
    const request = toHttpRequest(scimEvent({ idp: 'entra' }, 'Okta SCIM Client 1.0.0'));

    expect(provisioningSourceOf(request)).toEqual({
      idp: 'entra',
      label: 'SCIM Microsoft Entra ID',
      userAgent: 'Okta SCIM Client 1.0.0',
    });
  });
});
