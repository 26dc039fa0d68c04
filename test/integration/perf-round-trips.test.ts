import { randomUUID } from 'node:crypto';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { TENANT_EXTENSION_URN } from '../../lambdas/scim/schemas';
import { startTestService, type TestService } from '../support/service';
import { ConflictModel, commandsOf, DbCallLog, isTokenRead } from './perf-db-calls';

/**
 * What a request costs in DynamoDB round trips through the local service (counts, not timings), the
 * local authorizer cache (API Gateway's, per Authorization header) with its immediate revocation, and
 * creates under injected TransactionConflicts (which DynamoDB Local never raises).
 */
const log = new DbCallLog().install();
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The body of Okta's "create user" push. */
const oktaUser = (userName: string) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Ada Lovelace',
  locale: 'en-US',
  externalId: `00u${randomUUID().slice(0, 8)}`,
  groups: [],
  password: 'tmp-Pa55word!',
  active: true,
});

const lookup = (userName: string) =>
  `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

async function tenant(label: string) {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  const created = await service.createToken(tenantId);
  const scim = (method: string, path: string, body?: unknown, token = created.token) =>
    service.scim(method, `${created.scimBaseUrl}${path}`, token, body);
  return { tenantId, scim, ...created };
}

const SCIM_401 = (response: { status: number; body: unknown }) => {
  expect(response.status).toBe(401);
  expect(response.body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '401', detail: expect.any(String) });
};

describe('round trips at steady state (settings and the authorizer answer cached)', () => {
  test('a create is one TransactWriteItems and at most one other call, no token read', async () => {
    const { scim } = await tenant('rt-create');
    // Warm: the authorizer's first answer (and its lastUsedAt touch), the settings read.
    expect((await scim('POST', '/Users', oktaUser('warm@example.com'))).status).toBe(201);
    let response: { status: number; body: { groups?: unknown } } | undefined;
    const calls = await log.during(async () => {
      response = await scim('POST', '/Users', oktaUser('steady@example.com'));
    });
    expect(response?.status).toBe(201);
    const commands = commandsOf(calls);
    expect(commands.TransactWriteItemsCommand).toBe(1);
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.filter(isTokenRead)).toEqual([]);
    // No Query of the new user's (empty) reverse edges.
    expect(calls.filter((c) => c.command === 'QueryCommand')).toEqual([]);
  });

  test('a userName eq lookup is at most 2 GetItem (guard, user) and no token read', async () => {
    const { scim } = await tenant('rt-lookup');
    expect((await scim('POST', '/Users', oktaUser('found@example.com'))).status).toBe(201);
    expect((await scim('GET', lookup('warm@example.com'))).status).toBe(200);
    let found: { status: number; body: { totalResults?: number } } | undefined;
    const calls = await log.during(async () => {
      found = await scim('GET', lookup('FOUND@example.com'));
    });
    expect(found?.status).toBe(200);
    expect(found?.body.totalResults).toBe(1);
    expect(commandsOf(calls)).toEqual({ GetItemCommand: 2 });
    expect(calls.filter(isTokenRead)).toEqual([]);
    let missing: { status: number; body: { totalResults?: number } } | undefined;
    const missCalls = await log.during(async () => {
      missing = await scim('GET', lookup('nobody@example.com'));
    });
    expect(missing?.body.totalResults).toBe(0);
    expect(commandsOf(missCalls)).toEqual({ GetItemCommand: 1 });
  });

  test('a settings save is seen by the very next create (the cache checks the in-process version)', async () => {
    const { tenantId, scim } = await tenant('rt-settings');
    expect((await scim('POST', '/Users', oktaUser('before@example.com'))).status).toBe(201);
    const saved = await service.admin('PUT', `/${tenantId}/settings`, {
      customAttributes: [{ name: 'badge' }],
    });
    expect(saved.status).toBe(200);
    const ext = TENANT_EXTENSION_URN;
    const created = await scim('POST', '/Users', {
      ...oktaUser('after@example.com'),
      schemas: [USER, ext],
      [ext]: { badge: 'B-17' },
    });
    expect(created.status).toBe(201);
    expect(created.body[ext]).toEqual({ badge: 'B-17' });
  });
});

describe('the local authorizer cache', () => {
  const tokenReadsOf = async (request: () => Promise<unknown>) =>
    (await log.during(request)).filter(isTokenRead).length;

  test('a second request with the same token reads no token', async () => {
    const { scim } = await tenant('cache-hit');
    expect(await tokenReadsOf(() => scim('GET', '/ServiceProviderConfig'))).toBe(1);
    expect(await tokenReadsOf(() => scim('GET', '/ServiceProviderConfig'))).toBe(0);
  });

  test('a cached token set inactive is refused on the very next request, and works again when active', async () => {
    const { tenantId, id, scim } = await tenant('cache-toggle');
    expect((await scim('GET', '/Users')).status).toBe(200);
    expect((await scim('GET', '/Users')).status).toBe(200);
    const inactive = await service.admin('PATCH', `/${tenantId}/tokens/${id}`, { status: 'inactive' });
    expect(inactive.status).toBe(200);
    SCIM_401(await scim('GET', '/Users'));
    await service.admin('PATCH', `/${tenantId}/tokens/${id}`, { status: 'active' });
    expect((await scim('GET', '/Users')).status).toBe(200);
  });

  test('a cached token removed or renewed is refused on the very next request', async () => {
    const removed = await tenant('cache-remove');
    expect((await removed.scim('GET', '/Users')).status).toBe(200);
    expect((await service.admin('DELETE', `/${removed.tenantId}/tokens/${removed.id}`)).status).toBe(204);
    SCIM_401(await removed.scim('GET', '/Users'));

    const renewed = await tenant('cache-renew');
    expect((await renewed.scim('GET', '/Users')).status).toBe(200);
    const fresh = await service.admin('POST', `/${renewed.tenantId}/tokens/${renewed.id}/renew`);
    expect(fresh.status).toBe(200);
    SCIM_401(await renewed.scim('GET', '/Users'));
    expect((await renewed.scim('GET', '/Users', undefined, fresh.body.token)).status).toBe(200);
  });

  test("a cached allow replayed on another tenant's URL is denied (the policy covers one tenant)", async () => {
    const a = await tenant('cache-a');
    const b = await tenant('cache-b');
    expect((await a.scim('GET', '/Users')).status).toBe(200);
    SCIM_401(await service.scim('GET', `${b.scimBaseUrl}/Users`, a.token));
  });
});

describe('creates under TransactionConflict (injected: DynamoDB Local never raises it)', () => {
  afterEach(() => {
    log.conflicts = undefined;
  });

  async function parallelCreates(model: ConflictModel, label: string) {
    const { scim } = await tenant(label);
    // Warm first, so the 10 creates below start together.
    expect((await scim('GET', '/Users')).status).toBe(200);
    log.conflicts = model;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => scim('POST', '/Users', oktaUser(`u${i}@example.com`))),
    );
    log.conflicts = undefined;
    return { scim, statuses: results.map((r) => r.status) };
  }

  test('10 parallel creates in one tenant: all 201, few conflicts, the count exact', async () => {
    const model = new ConflictModel(50);
    const { scim, statuses } = await parallelCreates(model, 'conflict-sharded');
    expect(statuses).toEqual(Array(10).fill(201));
    // The user items, guards and edges are all different: only counter shards can collide.
    expect(model.conflicts).toBeLessThan(10);
    const list = await scim('GET', '/Users?count=0');
    expect(list.body.totalResults).toBe(10);
  });

  test('the same model with one counter item: nearly every overlapping create conflicts', async () => {
    // Every counter shard seen as the one unsharded COUNTS item.
    const model = new ConflictModel(50, (key: string) => key.replace(/\|COUNTS#\d+$/, '|COUNTS'));
    await parallelCreates(model, 'conflict-single');
    expect(model.conflicted.size).toBeGreaterThanOrEqual(8);
    expect(model.conflicts).toBeGreaterThanOrEqual(10);
  });
});
