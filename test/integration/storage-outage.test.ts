import { logger } from '../../lambdas/http/logger';
import { RETRY_AFTER_SECONDS } from '../../lambdas/http/routes';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { type DynamoDbProxy, startDynamoDbProxy } from '../support/dynamodb-proxy';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * When DynamoDB cannot be reached, nothing may tell the IdP that its token is bad: Okta and Entra
 * stop provisioning on a 401, and retry on a 503 with Retry-After. The service talks to DynamoDB
 * Local through a proxy that drops chosen operations and, in the last test, stops altogether.
 */
let proxy: DynamoDbProxy;
let service: TestService;
let token: string;
let base: string;
/**
 * Tokens no request has used yet: the authorizer's answer is cached per Authorization header (as API
 * Gateway does, local/adapter.ts), so only an unseen header makes the authorizer read the table.
 */
let unseenToken: string;
let unseenAtStop: { token: string; scimBaseUrl: string };
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

beforeAll(async () => {
  proxy = await startDynamoDbProxy(process.env.TEST_DYNAMODB_ENDPOINT as string);
  service = await startTestService({ dynamoDbEndpoint: proxy.endpoint });
  ({ token, scimBaseUrl: base } = await service.createToken('outage'));
  unseenToken = (await service.createToken('outage')).token;
  unseenAtStop = await service.createToken('outage-stopped');
});
afterAll(async () => {
  await service.stop();
  await proxy.stop();
});
afterEach(() => {
  proxy.failWhen('none');
  jest.restoreAllMocks();
});

const quietErrors = () => jest.spyOn(logger, 'error').mockImplementation(() => undefined);

function expectScim503(response: TestResponse): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
  expect(response.headers.get('content-type')).toBe('application/scim+json');
  expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '503', detail: expect.any(String) });
  expect(response.text).not.toMatch(/ECONNRESET|socket|Dynamo/i);
}

test('the service works through the proxy while DynamoDB is up', async () => {
  const response = await service.scim('GET', `${base}/Users`, token);
  expect(response.status).toBe(200);
  expect(proxy.seen).toContain('GetItem');
});

test('the token table unreachable in the authorizer: 503 + Retry-After + SCIM Error, not 401, and logged', async () => {
  const log = quietErrors();
  proxy.failWhen(['GetItem']);

  const response = await service.scim('GET', `${base}/Users`, unseenToken);

  expectScim503(response);
  expect(log).toHaveBeenCalledWith(
    'SCIM authorizer could not check the token',
    expect.objectContaining({ reason: 'storage unavailable', tenantId: 'outage' }),
  );
});

test('a bad token is still a 401 while DynamoDB is up', async () => {
  const response = await service.scim('GET', `${base}/Users`, 'scimaws_not-a-token');
  expect(response.status).toBe(401);
  expect(response.headers.get('retry-after')).toBeNull();
});

test('a SCIM read that cannot reach the table is a 503 with Retry-After (the IdP retries)', async () => {
  const log = quietErrors();
  proxy.failWhen(['Query', 'Scan']);

  const response = await service.scim('GET', `${base}/Users?filter=${encodeURIComponent('title pr')}`, token);

  expectScim503(response);
  expect(response.body.detail).toMatch(/request id [0-9a-f-]{36}/);
  expect(log).toHaveBeenCalledWith(
    'Storage unavailable',
    expect.objectContaining({ path: expect.any(String) }),
  );
});

test('a SCIM create whose write cannot reach the table is a 503 and writes nothing', async () => {
  quietErrors();
  proxy.failWhen(['TransactWriteItems']);

  const response = await service.scim('POST', `${base}/Users`, token, {
    schemas: [USER],
    userName: 'ada@example.com',
  });

  expectScim503(response);
  proxy.failWhen('none');
  const listed = await service.scim(
    'GET',
    `${base}/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`,
    token,
  );
  expect(listed.body.totalResults).toBe(0);
  const retried = await service.scim('POST', `${base}/Users`, token, {
    schemas: [USER],
    userName: 'ada@example.com',
  });
  expect(retried.status).toBe(201);
});

test('an admin request that cannot reach the table is a 503 {error, message} with Retry-After', async () => {
  quietErrors();
  proxy.failWhen(['Query']);

  const response = await service.admin('GET', '/outage/tokens');

  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
  expect(response.body).toEqual({ error: 'unavailable', message: expect.stringContaining('request id') });
});

// Last: the proxy stops for good, as if DynamoDB Local were stopped.
test('DynamoDB stopped: the SCIM call gets 503 + Retry-After + SCIM Error, never 401; the authorizer logs it', async () => {
  const log = quietErrors();
  await proxy.stop();

  const response = await service.scim('GET', `${unseenAtStop.scimBaseUrl}/Users`, unseenAtStop.token);

  expectScim503(response);
  expect(log).toHaveBeenCalledWith(
    'SCIM authorizer could not check the token',
    expect.objectContaining({ reason: 'storage unavailable', error: expect.anything() }),
  );
  // A failed check is not cached: the next call runs the authorizer again.
  const discovery = await service.scim(
    'GET',
    `${unseenAtStop.scimBaseUrl}/ServiceProviderConfig`,
    unseenAtStop.token,
  );
  expectScim503(discovery);
});
