import type { APIGatewayProxyEvent } from 'aws-lambda';
import { scimBaseUrl } from '../../../lambdas/http/base-url';
import { toHttpRequest } from '../../../lambdas/http/request';

/** A request as API Gateway (or the local adapter) hands it to a handler. */
const event = (headers: Record<string, string>, requestContext: Record<string, unknown>) =>
  ({
    httpMethod: 'GET',
    resource: '/scim/v2/{tenantId}/Users',
    path: '/scim/v2/acme/Users',
    pathParameters: { tenantId: 'acme' },
    queryStringParameters: null,
    headers,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'r-1', authorizer: {}, ...requestContext },
  }) as unknown as APIGatewayProxyEvent;

const EXECUTE_API = 'abc123.execute-api.eu-west-1.amazonaws.com';

const saved = { ...process.env };
beforeEach(() => {
  delete process.env.PUBLIC_BASE_URL;
  delete process.env.SCIM_PUBLIC_BASE_URL;
});
afterAll(() => {
  process.env = saved;
});

describe('the base URL in AWS', () => {
  test('is the execute-api host with the stage', () => {
    const request = toHttpRequest(
      event({ Host: EXECUTE_API, 'X-Forwarded-Proto': 'https' }, { domainName: EXECUTE_API, stage: 'prod' }),
    );

    expect(request.baseUrl).toBe(`https://${EXECUTE_API}/prod`);
  });

  test('ignores a client-sent X-Forwarded-Host (and an http X-Forwarded-Proto on execute-api)', () => {
    const request = toHttpRequest(
      event(
        { Host: EXECUTE_API, 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
        { domainName: EXECUTE_API, stage: 'prod' },
      ),
    );

    expect(request.baseUrl).toBe(`https://${EXECUTE_API}/prod`);
  });

  test('is PUBLIC_BASE_URL when a custom domain is configured, whatever the headers say', () => {
    process.env.PUBLIC_BASE_URL = 'https://scim.example.com/';
    const request = toHttpRequest(
      event(
        { Host: 'scim.example.com', 'X-Forwarded-Host': 'evil.example' },
        { domainName: EXECUTE_API, stage: 'prod' },
      ),
    );

    expect(request.baseUrl).toBe('https://scim.example.com');
  });

  test('on a custom domain without PUBLIC_BASE_URL is https on the domain, without the stage', () => {
    const request = toHttpRequest(
      event(
        { Host: 'scim.example.com', 'X-Forwarded-Proto': 'https' },
        { domainName: 'scim.example.com', stage: 'prod' },
      ),
    );

    expect(request.baseUrl).toBe('https://scim.example.com');
  });

  test('admin handlers print the SCIM API (SCIM_PUBLIC_BASE_URL) as the Target SCIM URL, not their own API', () => {
    process.env.SCIM_PUBLIC_BASE_URL = `https://${EXECUTE_API}/prod`;
    const adminHost = 'admin999.execute-api.eu-west-1.amazonaws.com';
    const request = toHttpRequest(event({ Host: adminHost }, { domainName: adminHost, stage: 'prod' }));

    expect(scimBaseUrl(request, 'acme')).toBe(`https://${EXECUTE_API}/prod/scim/v2/acme`);
  });
});

describe('the base URL behind npm start (the adapter sets domainName and X-Forwarded-Proto)', () => {
  test('takes the scheme from X-Forwarded-Proto and the host from domainName', () => {
    const request = toHttpRequest(
      event(
        { Host: '127.0.0.1:3000', 'X-Forwarded-Proto': 'http' },
        { domainName: '127.0.0.1:3000', stage: 'local' },
      ),
    );

    expect(request.baseUrl).toBe('http://127.0.0.1:3000');
    expect(scimBaseUrl(request)).toBe('http://127.0.0.1:3000/scim/v2/acme');
  });

  test('a tunnel host the adapter trusted is https when the tunnel said so', () => {
    const request = toHttpRequest(
      event(
        { Host: 'abc.ngrok.app', 'X-Forwarded-Proto': 'https' },
        { domainName: 'abc.ngrok.app', stage: 'local' },
      ),
    );

    expect(request.baseUrl).toBe('https://abc.ngrok.app');
  });
});
