import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { onDynamoDbClientCreated } from '../../lambdas/store/client';
import { sealCursor } from '../../lambdas/store/cursor-codec';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * Cursor paging of RFC 9865 on GET /Users, GET /Groups and both /.search, and the HMAC that
 * authenticates every cursor (SCIM and the admin console's listings): a walk returns every user once
 * and in order at one Query per page, writes during a walk duplicate nobody, and an altered,
 * truncated, foreign or expired cursor is a 400 that never reaches DynamoDB.
 */
let service: TestService;
let scim: Client;
let tenantId: string;

type Client = (method: string, path: string, body?: unknown) => Promise<TestResponse>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const TOTAL = 250;
const NAMES = Array.from(
  { length: TOTAL },
  (_, i) => `${i % 2 ? 'C' : 'c'}ursor-${String(i).padStart(3, '0')}@x.test`,
);
const ASCENDING = [...NAMES].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

/** GSI1 Queries and the items they returned, per partition (an SDK middleware on the handlers' client). */
const indexReads = new Map<string, { queries: number; items: number }>();

async function newTenant(label: string): Promise<{ client: Client; tenantId: string }> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  const { token, scimBaseUrl } = await service.createToken(id);
  return {
    tenantId: id,
    client: (method, path, body) => service.scim(method, `${scimBaseUrl}${path}`, token, body),
  };
}

async function createUsers(client: Client, names: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < names.length; i += 25) {
    const responses = await Promise.all(
      names.slice(i, i + 25).map((userName) => client('POST', '/Users', { schemas: [USER], userName })),
    );
    for (const r of responses) {
      if (r.status !== 201) throw new Error(`seeding failed: ${r.status} ${r.text}`);
      ids.set(r.body.userName, r.body.id);
    }
  }
  return ids;
}

const userNames = (response: TestResponse): string[] =>
  response.body.Resources.map((u: { userName: string }) => u.userName);

/** Follows nextCursor from `cursor=` until a page has none; `between` runs after each page. */
async function walk(
  client: Client,
  count: number,
  extra = '',
  between: (page: number) => Promise<void> = async () => {},
): Promise<{ names: string[]; pages: TestResponse[] }> {
  const names: string[] = [];
  const pages: TestResponse[] = [];
  let cursor = '';
  for (;;) {
    const page = await client('GET', `/Users?cursor=${encodeURIComponent(cursor)}&count=${count}${extra}`);
    expect(page.status).toBe(200);
    pages.push(page);
    names.push(...userNames(page));
    if (!page.body.nextCursor) return { names, pages };
    cursor = page.body.nextCursor;
    await between(pages.length);
  }
}

beforeAll(async () => {
  onDynamoDbClientCreated((client: DynamoDBClient) => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const input = args.input as {
          IndexName?: string;
          ExpressionAttributeValues?: Record<string, unknown>;
        };
        if (context.commandName === 'QueryCommand' && input.IndexName === 'gsi1') {
          const partition = String(input.ExpressionAttributeValues?.[':pk'] ?? '');
          const seen = indexReads.get(partition) ?? { queries: 0, items: 0 };
          seen.queries++;
          seen.items += ((result.output as { Items?: unknown[] }).Items ?? []).length;
          indexReads.set(partition, seen);
        }
        return result;
      },
      { step: 'initialize', name: 'cursorTestIndexReads' },
    );
  });
  service = await startTestService();
  ({ client: scim, tenantId } = await newTenant('cursor'));
  await createUsers(
    scim,
    [...NAMES].sort(() => Math.random() - 0.5),
  );
}, 180_000);
afterAll(() => service.stop());

const key = () => new Uint8Array(Buffer.from(process.env.CURSOR_HMAC_KEY ?? '', 'utf8'));

describe('a cursor walk', () => {
  test('count=40 returns every user exactly once, in userName order, at one Query per page', async () => {
    indexReads.clear();
    const { names, pages } = await walk(scim, 40);

    expect(names).toEqual(ASCENDING);
    expect(pages.map((p) => p.body.itemsPerPage)).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(pages.every((p) => p.body.totalResults === TOTAL)).toBe(true);
    // Cursor paging has no index: no startIndex; the last page carries no nextCursor.
    expect(pages.some((p) => 'startIndex' in p.body)).toBe(false);
    expect(pages[pages.length - 1].body).not.toHaveProperty('nextCursor');
    expect(pages[0].body).not.toHaveProperty('previousCursor');
    // One Query per page, and each user read exactly once (no look-ahead, no O(offset) skipping).
    expect(indexReads.get(`T#${tenantId}#USERS`)).toEqual({ queries: pages.length, items: TOTAL });
  });

  test('a page that ends exactly at the last user leads to an empty last page without nextCursor', async () => {
    const { names, pages } = await walk(scim, 50);

    // DynamoDB cannot tell that a full page was the last one; reading one item ahead would read every
    // page boundary twice, so the walk ends with one empty page instead.
    expect(names).toEqual(ASCENDING);
    expect(pages.map((p) => p.body.itemsPerPage)).toEqual([50, 50, 50, 50, 50, 0]);
    expect(pages[pages.length - 1].body).not.toHaveProperty('nextCursor');
  });

  test('descending walks the other way', async () => {
    const { names } = await walk(scim, 70, '&sortOrder=descending');

    expect(names).toEqual([...ASCENDING].reverse());
  });

  test('users created and deleted mid-walk duplicate nobody and skip nobody else', async () => {
    const { client } = await newTenant('cursor-writes');
    const initial = Array.from({ length: 100 }, (_, i) => `w-${String(i * 2).padStart(3, '0')}@x.test`);
    const ids = await createUsers(client, initial);
    const deleted = new Set<string>();
    const created: string[] = [];
    const { names } = await walk(client, 15, '', async (page) => {
      // Before and after the position: new odd names, and deletes of users ahead and behind.
      const fresh = [
        `w-${String(page * 20 + 1).padStart(3, '0')}@x.test`,
        `w-${String(page).padStart(3, '0')}a@x.test`,
      ];
      await createUsers(client, fresh);
      created.push(...fresh);
      for (const name of [initial[page * 15 + 3], initial[page * 2]]) {
        if (!name || deleted.has(name)) continue;
        expect((await client('DELETE', `/Users/${ids.get(name)}`)).status).toBe(204);
        deleted.add(name);
      }
    });

    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    // Every user that existed throughout the walk was returned.
    for (const name of initial) if (!deleted.has(name)) expect(names).toContain(name);
    expect(created.length).toBeGreaterThan(0);
  });

  test('GET /Groups and both /.search page by cursor too', async () => {
    const { client } = await newTenant('cursor-groups');
    for (const displayName of ['Delta', 'alpha', 'Charlie', 'bravo', 'Echo']) {
      expect((await client('POST', '/Groups', { schemas: [GROUP], displayName })).status).toBe(201);
    }
    const first = await client('GET', '/Groups?cursor=&count=2');
    expect(first.status).toBe(200);
    expect(first.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
      'alpha',
      'bravo',
    ]);
    const second = await client('POST', '/Groups/.search', {
      schemas: [SEARCH],
      cursor: first.body.nextCursor,
      count: 2,
    });
    expect(second.status).toBe(200);
    expect(second.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
      'Charlie',
      'Delta',
    ]);
    const last = await client('POST', '/Groups/.search', {
      schemas: [SEARCH],
      cursor: second.body.nextCursor,
    });
    expect(last.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Echo']);
    expect(last.body).not.toHaveProperty('nextCursor');

    const users = await scim('POST', '/Users/.search', { schemas: [SEARCH], cursor: '', count: 3 });
    expect(users.status).toBe(200);
    expect(userNames(users)).toEqual(ASCENDING.slice(0, 3));
    expect(users.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('refused cursors: 400, never 500', () => {
  const scimError = (response: TestResponse, scimType: string) => {
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '400',
        scimType,
      }),
    );
  };

  async function aCursor(): Promise<string> {
    const page = await scim('GET', '/Users?cursor=&count=5');
    return page.body.nextCursor;
  }

  test('an altered, truncated or garbage cursor is invalidCursor', async () => {
    const cursor = await aCursor();
    const [body, tag] = cursor.split('.');
    const position = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const altered = Buffer.from(JSON.stringify({ ...position, p: { ...position.p, gsi1sk: 'a' } })).toString(
      'base64url',
    );
    const flipped = `${body}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [
      `${altered}.${tag}`,
      flipped,
      cursor.slice(0, -5),
      'garbage',
      'a.b',
      '{}',
      `${cursor}x`,
    ]) {
      scimError(await scim('GET', `/Users?cursor=${encodeURIComponent(bad)}`), 'invalidCursor');
    }
    scimError(await scim('POST', '/Users/.search', { schemas: [SEARCH], cursor: 42 }), 'invalidCursor');
  });

  test("another tenant's cursor, or the groups' cursor on users, is invalidCursor", async () => {
    const other = await newTenant('cursor-other');
    await createUsers(other.client, ['a@x.test', 'b@x.test', 'c@x.test']);
    const foreign = (await other.client('GET', '/Users?cursor=&count=1')).body.nextCursor;
    expect(foreign).toEqual(expect.any(String));
    scimError(await scim('GET', `/Users?cursor=${foreign}`), 'invalidCursor');

    await other.client('POST', '/Groups', { schemas: [GROUP], displayName: 'one' });
    await other.client('POST', '/Groups', { schemas: [GROUP], displayName: 'two' });
    const groups = (await other.client('GET', '/Groups?cursor=&count=1')).body.nextCursor;
    scimError(await other.client('GET', `/Users?cursor=${groups}`), 'invalidCursor');
    // A cursor of the ascending walk does not continue a descending one.
    const ascending = (await other.client('GET', '/Users?cursor=&count=1')).body.nextCursor;
    scimError(await other.client('GET', `/Users?cursor=${ascending}&sortOrder=descending`), 'invalidCursor');
  });

  test('a cursor older than cursorTimeout is expiredCursor; a recent one still works', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    const timeout = spc.body.pagination.cursorTimeout;
    const page = await scim('GET', '/Users?cursor=&count=5');
    const position = JSON.parse(Buffer.from(page.body.nextCursor.split('.')[0], 'base64url').toString()).p;
    const scope = `${tenantId}|users|scim|asc`;
    const now = Math.floor(Date.now() / 1000);
    // Sealed with the service's key, as the service would have issued it `timeout + 5` seconds ago.
    const expired = sealCursor(key(), scope, position, now - timeout - 5);
    scimError(await scim('GET', `/Users?cursor=${expired}`), 'expiredCursor');
    const recent = sealCursor(key(), scope, position, now - timeout + 60);
    const next = await scim('GET', `/Users?cursor=${recent}&count=5`);
    expect(next.status).toBe(200);
    expect(userNames(next)).toEqual(ASCENDING.slice(5, 10));
  });

  test('cursor with startIndex, or with a filter, is a 400 invalidValue', async () => {
    scimError(await scim('GET', '/Users?cursor=&startIndex=1'), 'invalidValue');
    scimError(
      await scim('GET', `/Users?cursor=&filter=${encodeURIComponent('userName eq "a@x.test"')}`),
      'invalidValue',
    );
    scimError(
      await scim('POST', '/Users/.search', { schemas: [SEARCH], cursor: '', startIndex: 3 }),
      'invalidValue',
    );
  });

  test('ServiceProviderConfig advertises both paging methods', async () => {
    const response = await scim('GET', '/ServiceProviderConfig');
    expect(response.body.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 100,
      maxPageSize: 1000,
      cursorTimeout: 3600,
    });
  });
});

describe('admin console cursors', () => {
  const admin = (path: string) => service.admin('GET', `/${tenantId}${path}`);
  const badRequest = (response: TestResponse) => {
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      expect.objectContaining({ error: 'bad_request', message: expect.any(String) }),
    );
  };

  test('a walk of the console listing returns every user once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: TestResponse = await admin(`/users?limit=90${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.users.map((u: { userName: string }) => u.userName));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ASCENDING);
  });

  test('an altered, truncated, garbage or foreign cursor is a 400 bad_request, never a 500', async () => {
    const cursor: string = (await admin('/users?limit=3')).body.nextCursor;
    const [body, tag] = cursor.split('.');
    const position = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    // Today's defect: a well-formed key with a foreign sort key made DynamoDB refuse the start key (500).
    const forged = Buffer.from(JSON.stringify({ ...position, p: { ...position.p, sk: 'X' } })).toString(
      'base64url',
    );
    const legacy = Buffer.from(JSON.stringify({ ...position.p, sk: 'X' })).toString('base64url');
    for (const bad of [`${forged}.${tag}`, legacy, cursor.slice(0, 20), 'garbage', `${body}.`]) {
      badRequest(await admin(`/users?cursor=${encodeURIComponent(bad)}`));
    }
    // The users' cursor on groups, and a SCIM cursor on the console listing.
    badRequest(await admin(`/groups?cursor=${cursor}`));
    const scimCursor = (await scim('GET', '/Users?cursor=&count=3')).body.nextCursor;
    badRequest(await admin(`/users?cursor=${scimCursor}`));
    // Another tenant's.
    const other = await newTenant('cursor-admin');
    await createUsers(other.client, ['a@x.test', 'b@x.test']);
    const foreign = (await service.admin('GET', `/${other.tenantId}/users?limit=1`)).body.nextCursor;
    badRequest(await admin(`/users?cursor=${foreign}`));
    // A cursor sealed with another key.
    const otherKey = new Uint8Array(Buffer.from('another-key-of-at-least-32-characters!!', 'utf8'));
    badRequest(
      await admin(`/users?cursor=${sealCursor(otherKey, `${tenantId}|users|console|asc`, position.p, 0)}`),
    );
  });

  test('console cursors do not expire', async () => {
    const cursor: string = (await admin('/users?limit=3')).body.nextCursor;
    const position = JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString()).p;
    const old = sealCursor(key(), `${tenantId}|users|console|asc`, position, 0);
    const page = await admin(`/users?limit=3&cursor=${old}`);
    expect(page.status).toBe(200);
    expect(page.body.users.map((u: { userName: string }) => u.userName)).toEqual(ASCENDING.slice(3, 6));
  });
});
