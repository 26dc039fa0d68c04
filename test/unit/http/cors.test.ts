import type { APIGatewayProxyEvent } from 'aws-lambda';
import { readConsoleOrigin } from '../../../lambdas/config/runtime-config';
import { createHttpHandler, type RouteTable } from '../../../lambdas/http/handler';

/** CORS of the admin API's answers (the preflight is API Gateway's, lib/): only the console's origin. */
const CONSOLE = 'https://d111.cloudfront.net';
const ROUTE = '/admin/v1/tenants/{tenantId}/things';

const routes: RouteTable = {
  [ROUTE]: {
    GET: async () => ({ status: 200, body: { things: [] } }),
  },
};

function event(headers: Record<string, string>, tenantClaim = 't'): APIGatewayProxyEvent {
  return {
    resource: ROUTE,
    path: '/admin/v1/tenants/t/things',
    httpMethod: 'GET',
    headers,
    pathParameters: { tenantId: 't' },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'r', authorizer: { claims: { 'custom:tenantId': tenantClaim } } },
  } as unknown as APIGatewayProxyEvent;
}

describe('admin answers with a configured console origin', () => {
  const handler = createHttpHandler('admin', routes, { consoleOrigin: CONSOLE });

  test('a request from the console is allowed, success and error alike, and varies by Origin', async () => {
    const ok = await handler(event({ Origin: CONSOLE }));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toEqual(
      expect.objectContaining({ 'Access-Control-Allow-Origin': CONSOLE, Vary: 'Origin' }),
    );
    const forbidden = await handler(event({ Origin: CONSOLE }, 'other'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers?.['Access-Control-Allow-Origin']).toBe(CONSOLE);
  });

  test('another origin, or none, gets no CORS header', async () => {
    for (const headers of [{ Origin: 'https://evil.example.com' }, {}] as Record<string, string>[]) {
      const answer = await handler(event(headers));
      expect(answer.statusCode).toBe(200);
      expect(answer.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    }
  });

  test('a gzipped answer keeps Vary: Origin beside Accept-Encoding', async () => {
    const big = createHttpHandler(
      'admin',
      {
        // biome-ignore lint/correctness/noComponentHookFactories: an HTTP method of a route table, not a React component
        [ROUTE]: { GET: async () => ({ status: 200, body: { text: 'x'.repeat(5000) } }) },
      },
      { consoleOrigin: CONSOLE },
    );
    const answer = await big(event({ Origin: CONSOLE, 'Accept-Encoding': 'gzip' }));
    expect(answer.headers?.Vary).toBe('Origin, Accept-Encoding');
  });
});

test('without a console origin (locally) no answer carries CORS headers', async () => {
  const handler = createHttpHandler('admin', routes, { consoleOrigin: undefined });
  const answer = await handler(event({ Origin: CONSOLE }));
  expect(answer.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
});

describe('CONSOLE_ORIGIN', () => {
  test('unset or empty is no origin; a bare origin is taken', () => {
    expect(readConsoleOrigin({})).toBeUndefined();
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: '' })).toBeUndefined();
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: CONSOLE })).toBe(CONSOLE);
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: 'http://127.0.0.1:8080' })).toBe('http://127.0.0.1:8080');
  });

  test.each([
    '*',
    'd111.cloudfront.net',
    'https://d111.cloudfront.net/',
    'https://x.example/path',
    'ftp://x.example',
  ])('%s stops the cold start', (value) => {
    expect(() => readConsoleOrigin({ CONSOLE_ORIGIN: value })).toThrow(/CONSOLE_ORIGIN/);
  });
});
