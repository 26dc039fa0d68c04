import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * Paging and sorting of GET /Users (RFC 7644 §3.4.2.3, §3.4.2.4) over 250 users whose userNames
 * mix cases, so that an order by raw bytes would differ from the userName order (case-insensitive).
 * Listing only reads, so the tests share the seeded tenant; tests that write use their own tenant.
 */
let service: TestService;
let scim: (method: string, path: string, body?: unknown) => Promise<TestResponse>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const TOTAL = 250;

/** `user-000@x.test`, `User-001@x.test`, ...: even numbers lower case, odd upper case. */
const NAMES = Array.from(
  { length: TOTAL },
  (_, i) => `${i % 2 ? 'U' : 'u'}ser-${String(i).padStart(3, '0')}@x.test`,
);
const ASCENDING = [...NAMES].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
const DESCENDING = [...ASCENDING].reverse();

async function newTenant(label: string) {
  const { token, scimBaseUrl } = await service.createToken(`${label}-${randomUUID().slice(0, 8)}`);
  return (method: string, path: string, body?: unknown) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body);
}

async function createUsers(
  client: (method: string, path: string, body?: unknown) => Promise<TestResponse>,
  names: string[],
): Promise<void> {
  for (let i = 0; i < names.length; i += 25) {
    const responses = await Promise.all(
      names
        .slice(i, i + 25)
        .map((userName) => client('POST', '/Users', { schemas: [USER], userName, displayName: userName })),
    );
    const failed = responses.find((r) => r.status !== 201);
    if (failed) throw new Error(`seeding failed: ${failed.status} ${failed.text}`);
  }
}

beforeAll(async () => {
  service = await startTestService();
  scim = await newTenant('paging');
  // Created in a shuffled order, so creation order cannot pass for userName order.
  await createUsers(
    scim,
    [...NAMES].sort(() => Math.random() - 0.5),
  );
  // Thousands of creates over HTTP: far beyond the default hook timeout on a loaded 2-core host.
}, 900_000);
afterAll(() => service.stop());

const userNames = (response: TestResponse): string[] =>
  response.body.Resources.map((u: { userName: string }) => u.userName);

/** Pages from startIndex 1 with `count` until totalResults, as Okta's import does. */
async function walk(count: number, extra = ''): Promise<{ names: string[]; pages: TestResponse[] }> {
  const names: string[] = [];
  const pages: TestResponse[] = [];
  for (let startIndex = 1; ; startIndex += count) {
    const page = await scim('GET', `/Users?startIndex=${startIndex}&count=${count}${extra}`);
    expect(page.status).toBe(200);
    pages.push(page);
    names.push(...userNames(page));
    if (startIndex + count > page.body.totalResults) return { names, pages };
  }
}

describe('defaults', () => {
  test('without parameters: startIndex 1 and the first 100 users', async () => {
    const response = await scim('GET', '/Users');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: TOTAL, startIndex: 1, itemsPerPage: 100 }),
    );
    expect(userNames(response)).toEqual(ASCENDING.slice(0, 100));
  });

  test('totalResults, startIndex and itemsPerPage are integers', async () => {
    const response = await scim('GET', '/Users?startIndex=3&count=5');

    for (const key of ['totalResults', 'startIndex', 'itemsPerPage']) {
      expect(Number.isInteger(response.body[key])).toBe(true);
    }
    expect(response.text).toMatch(/"totalResults":250,"startIndex":3,"itemsPerPage":5/);
  });

  test('ServiceProviderConfig advertises maxResults 1000 and sorting', async () => {
    const response = await scim('GET', '/ServiceProviderConfig');

    expect(response.body.filter).toEqual({ supported: true, maxResults: 1000 });
    expect(response.body.sort).toEqual({ supported: true });
  });
});

describe('sequential pages', () => {
  test('count=100 returns every user exactly once, in userName order', async () => {
    const { names, pages } = await walk(100);

    expect(names).toEqual(ASCENDING);
    expect(pages.map((p) => p.body.itemsPerPage)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.body.startIndex)).toEqual([1, 101, 201]);
    expect(pages.every((p) => p.body.totalResults === TOTAL)).toBe(true);
  });

  test.each([37, 13, 1000])('count=%i returns every user exactly once, in userName order', async (count) => {
    const { names } = await walk(count);

    expect(names).toEqual(ASCENDING);
  });

  test('a second walk gives the same pages as the first', async () => {
    const first = await walk(60);
    const second = await walk(60);

    expect(second.names).toEqual(first.names);
  });

  test('POST /.search pages like GET', async () => {
    const response = await scim('POST', '/Users/.search', { schemas: [SEARCH], startIndex: 101, count: 50 });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ startIndex: 101, itemsPerPage: 50 }));
    expect(userNames(response)).toEqual(ASCENDING.slice(100, 150));
  });
});

describe('jumps', () => {
  test('startIndex=137 without any earlier page returns users 137..', async () => {
    const response = await scim('GET', '/Users?startIndex=137&count=10');

    expect(response.body).toEqual(expect.objectContaining({ startIndex: 137, itemsPerPage: 10 }));
    expect(userNames(response)).toEqual(ASCENDING.slice(136, 146));
  });

  test('a jump to a remembered position with another count returns the right users', async () => {
    await walk(37);

    const response = await scim('GET', '/Users?startIndex=112&count=100');

    expect(userNames(response)).toEqual(ASCENDING.slice(111, 211));
  });

  test('the last page is short; past the end is an empty page with the total', async () => {
    const last = await scim('GET', '/Users?startIndex=250&count=10');
    const beyond = await scim('GET', '/Users?startIndex=251&count=10');

    expect(userNames(last)).toEqual([ASCENDING[249]]);
    expect(beyond.body).toEqual(
      expect.objectContaining({ totalResults: TOTAL, startIndex: 251, itemsPerPage: 0, Resources: [] }),
    );
  });
});

describe('parameter values', () => {
  test.each(['0', '-5'])('startIndex=%s is read as 1', async (startIndex) => {
    const response = await scim('GET', `/Users?startIndex=${startIndex}&count=3`);

    expect(response.status).toBe(200);
    expect(response.body.startIndex).toBe(1);
    expect(userNames(response)).toEqual(ASCENDING.slice(0, 3));
  });

  test.each(['0', '-3'])('count=%s answers only totalResults', async (count) => {
    const response = await scim('GET', `/Users?count=${count}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: TOTAL, itemsPerPage: 0, Resources: [] }),
    );
  });

  test('a count above maxResults is capped, not refused', async () => {
    const response = await scim('GET', '/Users?count=5000');

    expect(response.status).toBe(200);
    expect(response.body.itemsPerPage).toBe(TOTAL);
  });

  test.each([
    ['count', 'abc'],
    ['count', '1.5'],
    ['startIndex', 'x'],
  ])('%s=%s is a 400 invalidValue', async (name, value) => {
    const response = await scim('GET', `/Users?${name}=${value}`);

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
  });
});

describe('sorting', () => {
  test('sortOrder=descending walks every user once in reverse userName order', async () => {
    const { names } = await walk(100, '&sortBy=userName&sortOrder=descending');

    expect(names).toEqual(DESCENDING);
  });

  test('a descending jump to startIndex=137 returns the right users', async () => {
    const response = await scim('GET', '/Users?startIndex=137&count=10&sortOrder=descending');

    expect(userNames(response)).toEqual(DESCENDING.slice(136, 146));
  });

  test.each(['userName', 'USERNAME', `${USER}:userName`])(
    'sortBy=%s gives the userName order',
    async (sortBy) => {
      const response = await scim('GET', `/Users?sortBy=${encodeURIComponent(sortBy)}&count=20`);

      expect(userNames(response)).toEqual(ASCENDING.slice(0, 20));
    },
  );

  test('sortOrder=Ascending is case-insensitive', async () => {
    const response = await scim('GET', '/Users?sortOrder=Ascending&count=5');

    expect(userNames(response)).toEqual(ASCENDING.slice(0, 5));
  });

  test('sortOrder with another value is a 400 invalidValue', async () => {
    const response = await scim('GET', '/Users?sortOrder=sideways');

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
  });

  test('sortBy on an attribute the index is not ordered by is a 400 invalidValue', async () => {
    const response = await scim('GET', '/Users?sortBy=displayName');

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
  });
});

describe('lists follow writes', () => {
  test('a deleted user leaves the pages and the total', async () => {
    const client = await newTenant('paging-delete');
    await createUsers(client, ['a@x.test', 'b@x.test', 'c@x.test']);
    const b = (await client('GET', '/Users?filter=userName%20eq%20%22b@x.test%22')).body.Resources[0];

    await client('DELETE', `/Users/${b.id}`);

    const response = await client('GET', '/Users');
    expect(response.body.totalResults).toBe(2);
    expect(userNames(response)).toEqual(['a@x.test', 'c@x.test']);
  });

  test('a renamed user moves to its new place in the order', async () => {
    const client = await newTenant('paging-rename');
    await createUsers(client, ['a@x.test', 'b@x.test', 'c@x.test']);
    const a = (await client('GET', '/Users?count=1')).body.Resources[0];

    await client('PUT', `/Users/${a.id}`, { schemas: [USER], userName: 'z@x.test' });

    expect(userNames(await client('GET', '/Users'))).toEqual(['b@x.test', 'c@x.test', 'z@x.test']);
  });

  test('a walk started after a change sees every user once', async () => {
    const client = await newTenant('paging-change');
    await createUsers(
      client,
      Array.from({ length: 12 }, (_, i) => `m${String(i).padStart(2, '0')}@x.test`),
    );
    await client('GET', '/Users?startIndex=1&count=5');
    await createUsers(client, ['a-first@x.test']);

    const pages = [
      await client('GET', '/Users?startIndex=1&count=5'),
      await client('GET', '/Users?startIndex=6&count=5'),
      await client('GET', '/Users?startIndex=11&count=5'),
    ];

    const names = pages.flatMap(userNames);
    expect(names).toHaveLength(13);
    expect(new Set(names).size).toBe(13);
    expect(names[0]).toBe('a-first@x.test');
  });
});
