import { bulkCreate } from '../support/bulk-create';
import { startTestService, type TestService } from '../support/service';

/**
 * The Users page's search (GET …/users?search=): userName or primary-email prefix, case-insensitive,
 * from GSI1 and GSI2, merged into one page with a sealed cursor — through HTTP against DynamoDB Local.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface Person {
  userName: string;
  email?: string;
  /** A second, non-primary email listed first (the primary one is the one searched). */
  otherEmail?: string;
}

/** Creates the people through SCIM Bulk (100 a request); their ids by userName. */
async function seed(tenantId: string, people: Person[]): Promise<Map<string, string>> {
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  const operations = people.map((p, n) => ({
    method: 'POST' as const,
    path: '/Users',
    bulkId: `u${n}`,
    data: {
      schemas: [USER],
      userName: p.userName,
      displayName: `Person ${p.userName}`,
      emails: [
        ...(p.otherEmail ? [{ value: p.otherEmail, type: 'home' }] : []),
        ...(p.email ? [{ value: p.email, type: 'work', primary: true }] : []),
      ],
    },
  }));
  const results = await bulkCreate(
    (body) => service.scim('POST', `${scimBaseUrl}/Bulk`, token, body),
    operations,
  );
  return new Map(results.map((r, n) => [people[n].userName, r.location.split('/').pop() as string]));
}

type Row = { id: string; userName: string; email: string | null };

/** Every page of a search, following nextCursor; the rows in answer order. */
async function searchAll(
  tenantId: string,
  search: string,
  limit: number,
): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `search=${encodeURIComponent(search)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await service.admin('GET', `/${tenantId}/users?${query}`);
    expect(page.status).toBe(200);
    expect(page.body.users.length).toBeLessThanOrEqual(limit);
    rows.push(...page.body.users);
    cursor = page.body.nextCursor;
    pages++;
    expect(pages).toBeLessThan(1000);
  } while (cursor);
  return { rows, pages };
}

describe('search by prefix', () => {
  const tenant = 'search-basic';
  beforeAll(async () => {
    await seed(tenant, [
      { userName: 'Alice.Smith', email: 'alice@example.com' },
      { userName: 'alfred', email: 'fred@example.com' },
      { userName: 'bob', email: 'Alfie.B@Example.com' },
      { userName: 'carol', email: 'carol@example.com', otherEmail: 'al-home@example.com' },
      { userName: 'dave' },
    ]);
  });

  test('matches userName prefixes case-insensitively', async () => {
    const { rows } = await searchAll(tenant, 'ALICE', 50);
    expect(rows.map((r) => r.userName)).toEqual(['Alice.Smith']);
  });

  test('matches the primary email prefix case-insensitively, not another email', async () => {
    const { rows } = await searchAll(tenant, 'alfie.b@', 50);
    expect(rows.map((r) => [r.userName, r.email])).toEqual([['bob', 'Alfie.B@Example.com']]);
    // carol's non-primary email starts with "al-": she is not found by it.
    expect((await searchAll(tenant, 'al-', 50)).rows).toEqual([]);
  });

  test('a user matching by userName and by email is listed once', async () => {
    const { rows } = await searchAll(tenant, 'al', 50);
    expect(rows.map((r) => r.userName).sort()).toEqual(['Alice.Smith', 'alfred', 'bob']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  test('no match is an empty page without a cursor; no search is the whole listing', async () => {
    expect((await service.admin('GET', `/${tenant}/users?search=zz`)).body).toEqual({
      users: [],
      nextCursor: null,
    });
    const all = await service.admin('GET', `/${tenant}/users`);
    expect(all.body.users.map((r: Row) => r.userName)).toEqual([
      'alfred',
      'Alice.Smith',
      'bob',
      'carol',
      'dave',
    ]);
  });

  test('rows carry the contract: email (null without one), source, invite none, no groups', async () => {
    const { rows } = await searchAll(tenant, 'da', 50);
    expect(rows).toEqual([
      {
        id: expect.any(String),
        userName: 'dave',
        displayName: 'Person dave',
        email: null,
        active: true,
        source: expect.stringMatching(/^SCIM /),
        invite: { state: 'none', sentAt: null, lastError: null },
        groups: [],
        moreGroups: false,
        created: expect.any(String),
        lastModified: expect.any(String),
      },
    ]);
  });

  test('a search longer than 256 characters is a 400 naming search', async () => {
    const response = await service.admin('GET', `/${tenant}/users?search=${'a'.repeat(257)}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'bad_request',
      message: expect.stringContaining('search'),
      fields: [{ path: 'search', message: expect.any(String) }],
    });
  });
});

describe('paging a search through a few hundred users', () => {
  const tenant = 'search-paging';
  const people: Person[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 150; i++) {
      const n = String(i).padStart(3, '0');
      // by userName only
      people.push({ userName: `match-${n}`, email: `other-${n}@example.com` });
      // by email only
      people.push({ userName: `zed-${n}`, email: `MATCH-${n}@example.com` });
      // both: must appear once
      if (i % 3 === 0) people.push({ userName: `MATCH.both-${n}`, email: `match.both-${n}@example.com` });
      // neither
      people.push({ userName: `none-${n}`, email: `none-${n}@example.com` });
    }
    await seed(tenant, people);
    await seed('search-other', [
      { userName: 'match-x1', email: 'x1@example.com' },
      { userName: 'match-x2', email: 'x2@example.com' },
    ]);
    // Alone this takes ~60 s; in the full suite it shares 2 cores with the other 2,000-user seeds and the
    // browser runs (every DynamoDB call of the service also crosses the counting proxy): 20 minutes.
  }, 1_200_000);

  test('every matching user exactly once, over several pages', async () => {
    const { rows, pages } = await searchAll(tenant, 'Match', 37);
    const expected = people
      .filter(
        (p) => p.userName.toLowerCase().startsWith('match') || p.email?.toLowerCase().startsWith('match'),
      )
      .map((p) => p.userName)
      .sort();
    expect(expected).toHaveLength(350);
    expect(rows.map((r) => r.userName).sort()).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(350 / 37));
  });

  test('a cursor of another search or of another tenant is a 400 naming cursor', async () => {
    const first = await service.admin('GET', `/${tenant}/users?search=match&limit=5`);
    const cursor = encodeURIComponent(first.body.nextCursor);
    const refusals = [
      await service.admin('GET', `/${tenant}/users?search=matc&limit=5&cursor=${cursor}`),
      await service.admin('GET', `/search-other/users?search=match&limit=5&cursor=${cursor}`),
      // The listing's cursor is not the search's, nor the other way round.
      await service.admin('GET', `/${tenant}/users?limit=5&cursor=${cursor}`),
      await service.admin('GET', `/${tenant}/users?search=match&cursor=not-a-cursor`),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: 'bad_request',
        message: expect.any(String),
        fields: [{ path: 'cursor', message: expect.any(String) }],
      });
    }
  });

  test("another tenant's search finds none of this tenant's users", async () => {
    const { rows } = await searchAll('search-other', 'match', 50);
    expect(rows.map((r) => r.userName)).toEqual(['match-x1', 'match-x2']);
    expect((await searchAll('search-empty', 'match', 50)).rows).toEqual([]);
  });
});

describe('the email index follows every write of a user', () => {
  test('a changed primary email moves the user, a removed one takes it out of the email search', async () => {
    const tenant = 'search-writes';
    const { token, scimBaseUrl } = await service.createToken(tenant);
    const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
      schemas: [USER],
      userName: 'kim',
      emails: [{ value: 'first@example.com', primary: true }],
    });
    const id = created.body.id;
    const found = async (search: string) => (await searchAll(tenant, search, 50)).rows.map((r) => r.id);
    expect(await found('first@')).toEqual([id]);

    // PUT with another primary email: found by the new one only.
    await service.scim('PUT', `${scimBaseUrl}/Users/${id}`, token, {
      schemas: [USER],
      userName: 'kim',
      emails: [
        { value: 'first@example.com', primary: false },
        { value: 'second@example.com', primary: true },
      ],
    });
    expect(await found('second@')).toEqual([id]);
    expect(await found('first@')).toEqual([]);

    // PATCH removing every email: no longer in the email index, still found by userName.
    const patched = await service.scim('PATCH', `${scimBaseUrl}/Users/${id}`, token, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: 'emails' }],
    });
    expect(patched.status).toBe(200);
    expect(await found('second@')).toEqual([]);
    expect(await found('KI')).toEqual([id]);
    expect((await service.admin('GET', `/${tenant}/users/${id}`)).body.email).toBeNull();
  });
});
