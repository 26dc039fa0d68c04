import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startTestService, type TestService } from '../support/service';

/**
 * The provisioning request log and connection health through HTTP (REQUEST_LOG_SINK=direct: the
 * entries reach the table in-process and asynchronously, so reads poll with a bounded wait).
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const OKTA_AGENT = 'Okta SCIM Client 1.0.0';
// biome-ignore lint/suspicious/noExplicitAny: records are inspected freely
type Record_ = any;

async function requests(tenant: string, query = ''): Promise<{ status: number; body: Record_ }> {
  const response = await service.admin('GET', `/${tenant}/requests${query ? `?${query}` : ''}`);
  return { status: response.status, body: response.body };
}

/** Polls the log until `found` holds of its first page (newest 200), for at most 5 seconds. */
async function eventually(tenant: string, found: (records: Record_[]) => boolean, query = 'limit=200') {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { status, body } = await requests(tenant, query);
    expect(status).toBe(200);
    if (found(body.requests)) return body.requests as Record_[];
    if (Date.now() > deadline) throw new Error(`not in the log: ${JSON.stringify(body.requests)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'A', familyName: 'B' },
  emails: [{ value: userName, primary: true }],
});

describe('the four kinds of request the issue names appear with their fields', () => {
  const tenant = 'rl-kinds';
  let token: { id: string; token: string; idp: string };
  let createdId: string;

  beforeAll(async () => {
    token = await service.createToken(tenant, 'okta');
    const created = await service.scim(
      'POST',
      `/scim/v2/${tenant}/Users`,
      token.token,
      user('ada@example.com'),
      {
        'User-Agent': OKTA_AGENT,
      },
    );
    expect(created.status).toBe(201);
    createdId = created.body.id;
  });

  test('a 201 create: resource type and the created id, token, IdP, client, latency, request id', async () => {
    const [record] = await eventually(tenant, (rs) => rs.some((r) => r.status === 201));
    expect(record).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      method: 'POST',
      path: `/scim/v2/${tenant}/Users`,
      status: 201,
      scimType: null,
      detail: null,
      resourceType: 'Users',
      resourceId: createdId,
      tokenId: token.id,
      idp: 'okta',
      userAgent: OKTA_AGENT,
      latencyMs: expect.any(Number),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('a 409 uniqueness: scimType and detail of the error', async () => {
    const again = await service.scim(
      'POST',
      `/scim/v2/${tenant}/Users`,
      token.token,
      user('ada@example.com'),
    );
    expect(again.status).toBe(409);
    const records = await eventually(tenant, (rs) => rs.some((r) => r.status === 409));
    expect(records.find((r) => r.status === 409)).toEqual(
      expect.objectContaining({
        method: 'POST',
        status: 409,
        scimType: 'uniqueness',
        detail: again.body.detail,
        resourceType: 'Users',
        resourceId: null,
        tokenId: token.id,
        idp: 'okta',
      }),
    );
  });

  test('a 400 invalidFilter: the path without the query string, whose filter names an email', async () => {
    const filter = encodeURIComponent('emails.value eq "grace@example.com" and (');
    const bad = await service.scim('GET', `/scim/v2/${tenant}/Users?filter=${filter}`, token.token);
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidFilter');
    const records = await eventually(tenant, (rs) => rs.some((r) => r.scimType === 'invalidFilter'));
    const record = records.find((r) => r.scimType === 'invalidFilter');
    expect(record).toEqual(
      expect.objectContaining({
        method: 'GET',
        path: `/scim/v2/${tenant}/Users`,
        status: 400,
        detail: expect.any(String),
        resourceType: 'Users',
        tokenId: token.id,
      }),
    );
    expect(record.path).not.toContain('grace');
    expect(record.path).not.toContain('?');
  });

  test('a 401 with an inactive token of the tenant names that token (recorded by the authorizer)', async () => {
    const second = await service.createToken(tenant, 'entra');
    expect(
      (await service.admin('PATCH', `/${tenant}/tokens/${second.id}`, { status: 'inactive' })).status,
    ).toBe(200);
    const refused = await service.scim(
      'GET',
      `/scim/v2/${tenant}/Users/${createdId}`,
      second.token,
      undefined,
      {
        'User-Agent': 'Azure AD SCIM',
      },
    );
    expect(refused.status).toBe(401);
    const records = await eventually(tenant, (rs) => rs.some((r) => r.status === 401));
    expect(records.find((r) => r.status === 401)).toEqual({
      at: expect.any(String),
      method: 'GET',
      path: `/scim/v2/${tenant}/Users/${createdId}`,
      status: 401,
      scimType: null,
      detail: refused.body.detail,
      resourceType: 'Users',
      resourceId: createdId,
      tokenId: second.id,
      idp: 'entra',
      userAgent: 'Azure AD SCIM',
      latencyMs: expect.any(Number),
      requestId: expect.any(String),
    });
  });

  test('an unknown token is recorded for the path tenant without a token id', async () => {
    const refused = await service.scim('GET', `/scim/v2/${tenant}/Groups`, 'scimaws_not-a-token');
    expect(refused.status).toBe(401);
    const records = await eventually(tenant, (rs) =>
      rs.some((r) => r.status === 401 && r.resourceType === 'Groups'),
    );
    expect(records.find((r) => r.status === 401 && r.resourceType === 'Groups')).toEqual(
      expect.objectContaining({ tokenId: null, idp: null, path: `/scim/v2/${tenant}/Groups` }),
    );
  });

  test('no record holds a query string, a bearer token or the Authorization header', async () => {
    const records = await eventually(tenant, (rs) => rs.length >= 5);
    const text = JSON.stringify(records);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain('scimaws_');
    expect(text).not.toContain('Bearer');
    expect(text).not.toContain('grace@example.com');
    for (const record of records) expect(record.path).not.toMatch(/[?#]/);
  });

  test('the items carry the TTL: at + 30 days (REQUEST_LOG_RETENTION_DAYS default), the counters 2 days', async () => {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: process.env.TEST_DYNAMODB_ENDPOINT }),
    );
    try {
      const query = (pk: string) =>
        db.send(
          new QueryCommand({
            TableName: process.env.TABLE_NAME,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
          }),
        );
      const log = (await query(`T#${tenant}#REQLOG`)).Items ?? [];
      expect(log.length).toBeGreaterThan(0);
      for (const item of log) {
        expect(item.type).toBe('requestLog');
        expect(item.expiresAt).toBe(Math.floor(Date.parse(item.at) / 1000) + 30 * 86_400);
        expect(item.gsi1pk).toMatch(new RegExp(`^T#${tenant}#REQLOG#[245]xx$`));
      }
      const stats = (await query(`T#${tenant}#REQSTATS`)).Items ?? [];
      expect(stats.length).toBeGreaterThan(0);
      for (const item of stats)
        expect(item.expiresAt).toBe(Math.floor(Date.parse(item.sk) / 1000) + 2 * 86_400);
    } finally {
      db.destroy();
    }
  });
});

describe('listing: newest first, paging, filters', () => {
  const tenant = 'rl-paging';
  let token: string;
  let first: string;
  let middle: string;

  beforeAll(async () => {
    token = (await service.createToken(tenant)).token;
    const get = (path: string) => service.scim('GET', `/scim/v2/${tenant}${path}`, token);
    first = new Date().toISOString();
    for (let i = 0; i < 4; i++) expect((await get('/ServiceProviderConfig')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    middle = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) expect((await get(`/Users/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await get('/Groups')).status).toBe(200);
    await eventually(tenant, (rs) => rs.length === 8);
  });

  test('pages of 3 with the cursor walk all 8 records once, newest first', async () => {
    const seen: Record_[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body }: { status: number; body: Record_ } = await requests(
        tenant,
        `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(status).toBe(200);
      expect(body.requests.length).toBeLessThanOrEqual(3);
      seen.push(...body.requests);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(8);
    expect(new Set(seen.map((r) => r.requestId)).size).toBe(8);
    const ats = seen.map((r) => r.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(seen[0].resourceType).toBe('Groups');
  });

  test('status=4xx, status=404, status=2xx, resource=, since and until select what they say', async () => {
    const only = async (query: string) => (await requests(tenant, query)).body.requests as Record_[];
    expect((await only('status=4xx')).map((r) => r.status)).toEqual([404, 404, 404]);
    expect((await only('status=404')).map((r) => r.status)).toEqual([404, 404, 404]);
    expect(await only('status=409')).toEqual([]);
    expect(await only('status=5xx')).toEqual([]);
    expect((await only('status=2xx')).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await only('resource=ServiceProviderConfig')).map((r) => r.resourceType)).toEqual(
      Array(4).fill('ServiceProviderConfig'),
    );
    expect((await only('resource=Users&status=404')).length).toBe(3);
    const since = await only(`since=${encodeURIComponent(middle)}`);
    expect(since.map((r) => r.resourceType).sort()).toEqual(['Groups', 'Users', 'Users', 'Users']);
    const until = await only(`until=${encodeURIComponent(middle)}`);
    expect(until.map((r) => r.resourceType)).toEqual(Array(4).fill('ServiceProviderConfig'));
    expect(
      await only(`until=${encodeURIComponent(new Date(Date.parse(first) - 60_000).toISOString())}`),
    ).toEqual([]);
  });

  test('a filtered listing pages with its own cursor', async () => {
    const page1 = (await requests(tenant, 'status=2xx&limit=2')).body;
    expect(page1.requests).toHaveLength(2);
    const page2 = (
      await requests(tenant, `status=2xx&limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`)
    ).body;
    expect(page2.requests).toHaveLength(2);
    expect(page2.requests.map((r: Record_) => r.requestId)).not.toContain(page1.requests[0].requestId);
    // The cursor of one listing is refused by another.
    const other = await requests(tenant, `status=4xx&cursor=${encodeURIComponent(page1.nextCursor)}`);
    expect(other.status).toBe(400);
    expect(other.body).toEqual(
      expect.objectContaining({
        error: 'bad_request',
        fields: [{ path: 'cursor', message: expect.any(String) }],
      }),
    );
  });

  test.each([
    ['status=3xx', 'status'],
    ['status=abc', 'status'],
    ['resource=Devices', 'resource'],
    ['since=yesterday', 'since'],
    ['since=2026-12-01', 'since'],
    ['until=2026-13-01T00:00:00Z', 'until'],
    ['since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z', 'until'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=1.5', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['filter=userName', 'filter'],
  ])('%s is a 400 naming %s', async (query, field) => {
    const { status, body } = await requests(tenant, query);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'bad_request',
      message: expect.stringContaining(field),
      fields: [{ path: field, message: expect.any(String) }],
    });
  });
});

describe('tenants are isolated', () => {
  test("another tenant's records never show, and its cursor is refused", async () => {
    const a = (await service.createToken('rl-iso-a')).token;
    const b = (await service.createToken('rl-iso-b')).token;
    for (let i = 0; i < 3; i++) await service.scim('GET', '/scim/v2/rl-iso-a/Users', a);
    await service.scim('GET', '/scim/v2/rl-iso-b/Groups', b);
    // A's token on B's URL: refused for B, without naming A's token.
    expect((await service.scim('GET', '/scim/v2/rl-iso-b/Users', a)).status).toBe(401);
    const ofA = await eventually('rl-iso-a', (rs) => rs.length === 3);
    const ofB = await eventually('rl-iso-b', (rs) => rs.length === 2);
    expect(ofA.every((r) => r.path.startsWith('/scim/v2/rl-iso-a/'))).toBe(true);
    expect(ofB.every((r) => r.path.startsWith('/scim/v2/rl-iso-b/'))).toBe(true);
    expect(ofB.find((r) => r.status === 401).tokenId).toBeNull();
    const page = (await requests('rl-iso-a', 'limit=1')).body;
    const foreign = await requests('rl-iso-b', `limit=1&cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(foreign.status).toBe(400);
  });

  test("tenant B's admin cannot read A's log or health", async () => {
    const { handler } = require('../../lambdas/activity/handler');
    for (const path of ['requests', 'health']) {
      const response = await handler({
        resource: `/admin/v1/tenants/{tenantId}/${path}`,
        path: `/admin/v1/tenants/rl-iso-a/${path}`,
        httpMethod: 'GET',
        headers: {},
        queryStringParameters: null,
        pathParameters: { tenantId: 'rl-iso-a' },
        body: null,
        isBase64Encoded: false,
        requestContext: {
          requestId: 'r',
          authorizer: { claims: { 'custom:tenantId': 'rl-iso-b', sub: 'x' } },
        },
      });
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body)).toEqual({ error: 'forbidden', message: expect.any(String) });
    }
  });
});

describe('connection health', () => {
  test('an empty tenant: nothing yet, its tokens never used', async () => {
    const created = await service.createToken('rl-health-empty');
    const response = await service.admin('GET', '/rl-health-empty/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      lastRequest: null,
      lastRequestAt: null,
      lastSuccessAt: null,
      lastError: null,
      last24h: { total: 0, '2xx': 0, '4xx': 0, '5xx': 0 },
      tokens: [{ id: created.id, idp: 'okta', lastUsedAt: null }],
    });
  });

  test('after a create and a 409: last request, last success, the 409 as last error, counts, token use', async () => {
    const tenant = 'rl-health';
    const token = await service.createToken(tenant, 'entra');
    const body = user('lin@example.com');
    expect((await service.scim('POST', `/scim/v2/${tenant}/Users`, token.token, body)).status).toBe(201);
    const conflict = await service.scim('POST', `/scim/v2/${tenant}/Users`, token.token, body);
    expect(conflict.status).toBe(409);
    const records = await eventually(tenant, (rs) => rs.length === 2);
    const health = (await service.admin('GET', `/${tenant}/health`)).body;
    expect(health).toEqual({
      lastRequest: {
        at: records[0].at,
        status: 409,
        method: 'POST',
        path: `/scim/v2/${tenant}/Users`,
        idp: 'entra',
        detail: conflict.body.detail,
      },
      lastRequestAt: records[0].at,
      lastSuccessAt: records[1].at,
      lastError: {
        at: records[0].at,
        status: 409,
        scimType: 'uniqueness',
        detail: conflict.body.detail,
        method: 'POST',
        path: `/scim/v2/${tenant}/Users`,
      },
      last24h: { total: 2, '2xx': 1, '4xx': 1, '5xx': 0 },
      tokens: [{ id: token.id, idp: 'entra', lastUsedAt: expect.any(String) }],
    });
    expect(Date.now() - Date.parse(health.tokens[0].lastUsedAt)).toBeLessThan(60_000);
  });
});
