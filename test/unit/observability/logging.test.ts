import { apiEvent, captureStdout, lambdaContext, logLines } from './capture';

/**
 * The log lines of an invocation carry the Lambda context (request id, function name, cold start) and
 * the tenant, and never a secret: neither the caller's bearer token nor a token the answer creates.
 */
const records: unknown[] = [];
const tokenStore = new Map<string, { tenantId: string; tokenId: string; status: string; idp: string }>();
jest.mock('../../../lambdas/store/token-repository', () => ({
  DynamoTokenRepository: class {
    findByHash = async (hash: string) => tokenStore.get(hash);
    touch = async () => undefined;
  },
}));
jest.mock('../../../lambdas/store/request-log-sink', () => ({
  requestLogSink: () => ({ record: (entry: unknown) => records.push(entry), flush: async () => undefined }),
}));

type Modules = {
  http: typeof import('../../../lambdas/http/handler');
  authorizer: typeof import('../../../lambdas/authorizer/handler');
  tokens: typeof import('../../../lambdas/domain/tokens');
};
let m: Modules;
let adminHandler: ReturnType<Modules['http']['createHttpHandler']>;

beforeAll(async () => {
  // Lambda's own: Powertools counts a cold start only for on-demand initialization.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  m = {
    http: await import('../../../lambdas/http/handler'),
    authorizer: await import('../../../lambdas/authorizer/handler'),
    tokens: await import('../../../lambdas/domain/tokens'),
  };
  adminHandler = m.http.createHttpHandler('admin', {
    [tokensRoute]: { POST: createToken, GET: failing },
  });
});
afterAll(() => {
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
});

const CALLER_TOKEN = 'scim_caller_secret_0123456789abcdefghijklmnopqrstuv';
const CREATED_TOKEN = 'scim_created_secret_zyxwvutsrqponmlkjihgfedcba9876';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLW9mLXRoZS1hZG1pbg';

const tokensRoute = '/admin/v1/tenants/{tenantId}/tokens';
// The tokens handler's answer: the new secret is shown once, in the body.
const createToken = async () => ({ status: 201, body: { tokenId: 'tok-9', token: CREATED_TOKEN } });
const failing = async () => {
  throw new Error('the table is on fire');
};
const adminEvent = (method: string, requestId: string) =>
  apiEvent({
    resource: tokensRoute,
    path: '/admin/v1/tenants/acme/tokens',
    method,
    tenantId: 'acme',
    authorizer: { claims: { 'custom:tenantId': 'acme', sub: 'admin-1' } },
    headers: { Authorization: `Bearer ${ID_TOKEN}`, 'Content-Type': 'application/json' },
    requestId,
  });

// First: the process's first invocation is its cold start.
test('only the first invocation of a process is a cold start', async () => {
  const first = await captureStdout(() => adminHandler(adminEvent('POST', 'a'), lambdaContext('cold-a')));
  const second = await captureStdout(() => adminHandler(adminEvent('POST', 'b'), lambdaContext('cold-b')));
  const coldOf = (output: string) =>
    logLines(output).find((l) => l.message === 'Request answered')?.cold_start;
  expect(coldOf(first.output)).toBe(true);
  expect(coldOf(second.output)).toBe(false);
});

test('the answer of a token-creating request leaves neither the caller credential nor the new token in the log', async () => {
  const { result, output } = await captureStdout(() =>
    adminHandler(adminEvent('POST', 'apigw-1'), lambdaContext('lambda-req-1')),
  );

  expect(JSON.parse(result.body).token).toBe(CREATED_TOKEN);
  expect(logLines(output).length).toBeGreaterThan(0);
  expect(output).not.toContain(CREATED_TOKEN);
  expect(output).not.toContain(ID_TOKEN);
});

test('a log line carries the Lambda request id, the function name, cold_start and the tenant', async () => {
  const { output } = await captureStdout(() =>
    adminHandler(adminEvent('POST', 'apigw-2'), lambdaContext('lambda-req-2')),
  );

  const line = logLines(output).find((l) => l.message === 'Request answered');
  expect(line).toMatchObject({
    level: 'INFO',
    function_request_id: 'lambda-req-2',
    function_name: 'scim-tokens',
    tenantId: 'acme',
    method: 'POST',
    resource: tokensRoute,
    status: 201,
  });
  expect(typeof line?.cold_start).toBe('boolean');
});

test('an unexpected error is logged with the invocation context, without the Authorization header', async () => {
  const { result, output } = await captureStdout(() =>
    adminHandler(adminEvent('GET', 'apigw-3'), lambdaContext('lambda-req-3')),
  );

  expect(result.statusCode).toBe(500);
  const error = logLines(output).find((l) => l.level === 'ERROR');
  expect(error).toMatchObject({ function_request_id: 'lambda-req-3', tenantId: 'acme' });
  expect(output).not.toContain(ID_TOKEN);
});

test('a tenant of an earlier invocation is not carried into the next one', async () => {
  await captureStdout(() => adminHandler(adminEvent('POST', 'x'), lambdaContext('lambda-req-4')));
  const unauthenticated = apiEvent({
    resource: tokensRoute,
    path: '/admin/v1/tenants/acme/tokens',
    tenantId: 'acme',
    authorizer: {},
  });

  const { result, output } = await captureStdout(() =>
    adminHandler(unauthenticated, lambdaContext('lambda-req-5')),
  );

  expect(result.statusCode).toBe(401);
  const line = logLines(output).find((l) => l.message === 'Request answered');
  expect(line?.function_request_id).toBe('lambda-req-5');
  expect(line).not.toHaveProperty('tenantId');
});

test('a SCIM request with a bearer token: its error line has the context and tenant, the token nowhere', async () => {
  const scim = m.http.createHttpHandler('scim', { '/scim/v2/{tenantId}/Users': { GET: failing } });
  const event = apiEvent({
    resource: '/scim/v2/{tenantId}/Users',
    path: '/scim/v2/acme/Users',
    tenantId: 'acme',
    authorizer: { tenantId: 'acme', tokenId: 'tok-1', idp: 'okta' },
    headers: { Authorization: `Bearer ${CALLER_TOKEN}` },
  });

  const { result, output } = await captureStdout(() =>
    scim(event, lambdaContext('scim-req-1', 'scim-users')),
  );

  expect(result.statusCode).toBe(500);
  const error = logLines(output).find((l) => l.level === 'ERROR');
  expect(error).toMatchObject({
    function_request_id: 'scim-req-1',
    function_name: 'scim-users',
    tenantId: 'acme',
    cold_start: false,
  });
  expect(output).not.toContain(CALLER_TOKEN);
});

describe('the SCIM authorizer', () => {
  const authorizerEvent = (token: string) =>
    ({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/scim/v2/acme/Users',
      resource: '/scim/v2/{tenantId}/Users',
      path: '/scim/v2/acme/Users',
      httpMethod: 'GET',
      headers: { Authorization: `Bearer ${token}` },
      pathParameters: { tenantId: 'acme' },
      requestContext: { requestId: 'apigw-auth-1' },
    }) as never;

  test('a refused token is logged with the reason, the tenant and the request id, never the token', async () => {
    const { output } = await captureStdout(async () => {
      await expect(
        m.authorizer.handler(authorizerEvent(CALLER_TOKEN), lambdaContext('auth-req-1', 'scim-authorizer')),
      ).rejects.toThrow('Unauthorized');
    });

    const line = logLines(output).find((l) => l.message === 'SCIM request refused');
    expect(line).toMatchObject({
      reason: 'unknown token',
      tenantId: 'acme',
      function_request_id: 'auth-req-1',
      function_name: 'scim-authorizer',
    });
    expect(output).not.toContain(CALLER_TOKEN);
  });

  test('an accepted token logs nothing that holds it', async () => {
    tokenStore.set(m.tokens.hashSecret(CALLER_TOKEN), {
      tenantId: 'acme',
      tokenId: 'tok-1',
      status: 'active',
      idp: 'okta',
    });

    const { result, output } = await captureStdout(() =>
      m.authorizer.handler(authorizerEvent(CALLER_TOKEN), lambdaContext('auth-req-2', 'scim-authorizer')),
    );

    expect(result.context).toMatchObject({ tenantId: 'acme', tokenId: 'tok-1' });
    expect(output).not.toContain(CALLER_TOKEN);
  });
});
