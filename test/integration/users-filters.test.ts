import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * GET /Users?filter= and POST /Users/.search through HTTP (RFC 7644 §3.4.2.2, §3.4.3): the whole
 * grammar against one seeded tenant. Filters only read, so the tests share the tenant.
 */
let service: TestService;
let scim: (method: string, path: string, body?: unknown) => Promise<TestResponse>;
const ids: Record<string, string> = {};

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

beforeAll(async () => {
  service = await startTestService();
  const tenantId = `filters-${randomUUID().slice(0, 8)}`;
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  scim = (method, path, body) => service.scim(method, `${scimBaseUrl}${path}`, token, body);
  const create = async (key: string, body: Record<string, unknown>) => {
    const response = await scim('POST', '/Users', { schemas: [USER], ...body });
    if (response.status !== 201) throw new Error(`seeding ${key}: ${response.status} ${response.text}`);
    ids[key] = response.body.id;
  };
  await create('bob', {
    userName: 'Bob@Example.com',
    externalId: 'ext-bob',
    name: { givenName: 'Bob', familyName: 'Brown' },
    title: 'Manager',
    userType: 'Contractor',
    active: false,
    emails: [{ value: 'bob@example.com', type: 'work' }],
    [ENTERPRISE]: { department: 'Sales', employeeNumber: '200' },
  });
  await create('alice', {
    userName: 'alice@example.com',
    externalId: 'EXT-Alice',
    name: { givenName: 'Alice', familyName: 'Anders' },
    displayName: 'Alice Anders',
    title: 'Engineer',
    active: true,
    emails: [
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'alice@home.org', type: 'home' },
    ],
    [ENTERPRISE]: { department: 'R&D', employeeNumber: '100', manager: { value: ids.bob } },
  });
  await create('carol', {
    userName: 'carol@other.org',
    name: { givenName: 'Carol', familyName: 'Clark' },
    emails: [{ value: 'carol@other.org', type: 'home' }],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  });
  await create('dave', { userName: 'dave', externalId: 'EXT-ALICE', nickName: 'D' });
  await create('eve', {
    userName: 'eve@example.com',
    emails: [{ value: 'shared@example.com', type: 'work' }],
    addresses: [{ type: 'work', locality: 'Paris', country: 'FR' }],
  });
  await create('frank', {
    userName: 'frank@example.com',
    title: 'engineer',
    emails: [{ value: 'SHARED@example.com', type: 'home' }],
  });
  const group = await scim('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Admins',
    members: [{ value: ids.frank }, { value: ids.alice }],
  });
  if (group.status !== 201) throw new Error(`seeding the group: ${group.status} ${group.text}`);
  ids.admins = group.body.id;
});
afterAll(() => service.stop());

/** The userNames a filter selects, in the order returned. */
async function usersMatching(filter: string, query = ''): Promise<string[]> {
  const response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}${query}`);
  expect(response.status).toBe(200);
  expect(response.body.totalResults).toBe(response.body.Resources.length);
  return response.body.Resources.map((u: { userName: string }) => u.userName);
}

const ALICE = 'alice@example.com';
const BOB = 'Bob@Example.com';
const CAROL = 'carol@other.org';
const DAVE = 'dave';
const EVE = 'eve@example.com';
const FRANK = 'frank@example.com';
const EVERYONE = [ALICE, BOB, CAROL, DAVE, EVE, FRANK];

describe('comparison operators', () => {
  test.each([
    ['eq ignores the case of userName', 'userName eq "bob@example.com"', [BOB]],
    ['eq on a userName that does not exist', 'userName eq "nobody@example.com"', []],
    ['ne keeps users without the attribute', 'title ne "engineer"', [BOB, CAROL, DAVE, EVE]],
    ['co', 'userName co "EXAMPLE"', [ALICE, BOB, EVE, FRANK]],
    ['sw', 'userName sw "a"', [ALICE]],
    ['ew', 'userName ew ".org"', [CAROL]],
    ['gt orders strings case-insensitively', 'userName gt "carol"', [CAROL, DAVE, EVE, FRANK]],
    ['le', 'userName le "BOB@example.com"', [ALICE, BOB]],
    ['ge on an extension string', `${ENTERPRISE}:employeeNumber ge "150"`, [BOB]],
    ['pr', 'title pr', [ALICE, BOB, FRANK]],
    ['eq on a boolean', 'active eq false', [BOB]],
    ['ne on a boolean', 'active ne false', [ALICE, CAROL, DAVE, EVE, FRANK]],
    ['gt on a dateTime', 'meta.created gt "2000-01-01T00:00:00Z"', EVERYONE],
    ['lt on a dateTime', 'meta.lastModified lt "2000-01-01T00:00:00Z"', []],
    ['eq null means absent', 'title eq null', [CAROL, DAVE, EVE]],
  ])('%s: %s', async (_name, filter, expected) => {
    expect(await usersMatching(filter)).toEqual(expected);
  });
});

describe('attribute names and case', () => {
  test.each([
    ['attribute and operator names are case-insensitive', 'USERNAME EQ "alice@example.com"', [ALICE]],
    ['mixed-case operator', 'userName Eq "dave"', [DAVE]],
    ['a URN-qualified core attribute', `${USER}:userName eq "dave"`, [DAVE]],
    ['a sub-attribute', 'name.familyName sw "b"', [BOB]],
    ['title is not caseExact', 'title eq "ENGINEER"', [ALICE, FRANK]],
    ['externalId is caseExact', 'externalId eq "EXT-Alice"', [ALICE]],
    ['externalId in another case matches nothing', 'externalId eq "ext-alice"', []],
    ['an extension attribute by its URN', `${ENTERPRISE}:department eq "r&d"`, [ALICE]],
    ['an attribute the schema does not define matches nothing', 'favouriteColour eq "blue"', []],
  ])('%s: %s', async (_name, filter, expected) => {
    expect(await usersMatching(filter)).toEqual(expected);
  });

  test('id eq finds the user; id is caseExact', async () => {
    expect(await usersMatching(`id eq "${ids.carol}"`)).toEqual([CAROL]);
    expect(await usersMatching(`id eq "${ids.carol.toUpperCase()}"`)).toEqual([]);
  });

  test('a sub-attribute of the enterprise manager', async () => {
    expect(await usersMatching(`${ENTERPRISE}:manager.value eq "${ids.bob}"`)).toEqual([ALICE]);
  });
});

describe('multi-valued attributes and value paths', () => {
  test.each([
    ['emails.value eq ignores case', 'emails.value eq "shared@example.com"', [EVE, FRANK]],
    ['a complex attribute compares its value', 'emails eq "alice@home.org"', [ALICE]],
    ['co on emails', 'emails co "example.com"', [ALICE, BOB, EVE, FRANK]],
    ['Entra: a value path then .value eq', 'emails[type eq "work"].value eq "shared@example.com"', [EVE]],
    ['a value path with and', 'emails[type eq "work" and value co "example.com"]', [ALICE, BOB, EVE]],
    ['a value path with not', 'emails[not (type eq "work")]', [ALICE, CAROL, FRANK]],
    ['a value path on addresses', 'addresses[locality eq "paris"]', [EVE]],
    ['a sub-attribute of a multi-valued complex', 'addresses.country eq "FR"', [EVE]],
    ['co on phone numbers', 'phoneNumbers.value co "555"', [CAROL]],
    [
      'two conditions on emails may hold on different values',
      'emails.value eq "alice@example.com" and emails.type eq "home"',
      [ALICE],
    ],
    [
      'a value path keeps both conditions on one value',
      'emails[value eq "alice@example.com" and type eq "home"]',
      [],
    ],
  ])('%s: %s', async (_name, filter, expected) => {
    expect(await usersMatching(filter)).toEqual(expected);
  });
});

describe("the users' groups", () => {
  test('groups.value eq finds the members of the group', async () => {
    expect(await usersMatching(`groups.value eq "${ids.admins}"`)).toEqual([ALICE, FRANK]);
  });

  test('groups.value eq combines with another condition', async () => {
    expect(await usersMatching(`groups.value eq "${ids.admins}" and name.givenName eq "alice"`)).toEqual([
      ALICE,
    ]);
  });

  test('a value path on groups by display name', async () => {
    expect(await usersMatching('groups[display eq "admins"]')).toEqual([ALICE, FRANK]);
  });

  test('groups pr and not (groups pr) split the users', async () => {
    expect(await usersMatching('groups pr')).toEqual([ALICE, FRANK]);
    expect(await usersMatching('not (groups pr)')).toEqual([BOB, CAROL, DAVE, EVE]);
  });

  test('groups.value eq on an unknown group matches nothing', async () => {
    expect(await usersMatching(`groups.value eq "${randomUUID()}"`)).toEqual([]);
  });
});

describe('logical operators', () => {
  test.each([
    ['or', 'name.givenName eq "carol" or nickName eq "D"', [CAROL, DAVE]],
    [
      'and binds tighter than or',
      'title eq "Manager" or title eq "Engineer" and active eq true',
      [ALICE, BOB, FRANK],
    ],
    ['parentheses group', '(title eq "Manager" or title eq "Engineer") and active eq true', [ALICE, FRANK]],
    ['not ( )', 'not (title pr)', [CAROL, DAVE, EVE]],
    ['not without a space', 'not(userName ew "example.com")', [CAROL, DAVE]],
    ['indexed eq and a failing conjunct', 'userName eq "alice@example.com" and active eq false', []],
    ['or of two indexed equalities', 'userName eq "alice@example.com" or userName eq "dave"', [ALICE, DAVE]],
    [
      'indexed email and a second condition',
      'emails.value eq "shared@example.com" and emails.type eq "home"',
      [FRANK],
    ],
    ['whitespace is tolerated', '  userName   eq\t"dave"  ', [DAVE]],
  ])('%s: %s', async (_name, filter, expected) => {
    expect(await usersMatching(filter)).toEqual(expected);
  });
});

describe('filtered lists page and sort', () => {
  test('an indexed filter pages over its matches with an exact totalResults', async () => {
    const response = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('emails.value eq "shared@example.com"')}&startIndex=2&count=1`,
    );

    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: 2, startIndex: 2, itemsPerPage: 1 }),
    );
    expect(response.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([FRANK]);
  });

  test('a scanned filter pages over its matches with an exact totalResults', async () => {
    const response = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName co "example"')}&startIndex=2&count=2`,
    );

    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: 4, startIndex: 2, itemsPerPage: 2 }),
    );
    expect(response.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([BOB, EVE]);
  });

  test('a filter with count=0 answers only totalResults', async () => {
    const response = await scim('GET', `/Users?filter=${encodeURIComponent('title pr')}&count=0`);

    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: 3, itemsPerPage: 0, Resources: [] }),
    );
  });

  test('descending order applies to filtered lists', async () => {
    expect(await usersMatching('userName ew "example.com"', '&sortBy=userName&sortOrder=descending')).toEqual(
      [FRANK, EVE, BOB, ALICE],
    );
    expect(await usersMatching('emails.value eq "shared@example.com"', '&sortOrder=descending')).toEqual([
      FRANK,
      EVE,
    ]);
  });
});

describe('POST /Users/.search', () => {
  test('answers the filter like GET', async () => {
    const response = await scim('POST', '/Users/.search', {
      schemas: [SEARCH],
      filter: 'title eq "engineer"',
      startIndex: 1,
      count: 10,
    });

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(2);
    expect(response.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([ALICE, FRANK]);
  });

  test('a SearchRequest without a filter lists everyone', async () => {
    const response = await scim('POST', '/Users/.search', { schemas: [SEARCH] });

    expect(response.status).toBe(200);
    expect(response.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(EVERYONE);
  });

  test('a filter that is not a string is a 400 invalidFilter', async () => {
    const response = await scim('POST', '/Users/.search', { schemas: [SEARCH], filter: { userName: 'x' } });

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidFilter');
  });

  test('a filter longer than the limit is a 400 invalidFilter', async () => {
    const filter = Array.from({ length: 600 }, (_, i) => `userName eq "u${i}"`).join(' or ');

    const response = await scim('POST', '/Users/.search', { schemas: [SEARCH], filter });

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidFilter');
  });

  test('a wrong schemas value is a 400 invalidSyntax', async () => {
    const response = await scim('POST', '/Users/.search', { schemas: [USER], filter: 'title pr' });

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidSyntax');
  });
});

describe('malformed filters', () => {
  test.each([
    ['a missing value', 'userName eq'],
    ['an unknown operator', 'userName xx "a"'],
    ['an unterminated string', 'userName eq "a'],
    ['an unclosed parenthesis', '(userName eq "a"'],
    ['an extra parenthesis', 'userName eq "a")'],
    ['an unclosed value path', 'emails[type eq "work"'],
    ['a dangling and', 'userName eq "a" and'],
    ['a bare keyword', 'and'],
    ['not without parentheses', 'not userName eq "a"'],
    ['pr with a value', 'userName pr "x"'],
    ['gt on a boolean', 'active gt true'],
    ['an invalid dateTime', 'meta.created gt "soon"'],
    ['a nested value path', 'emails[type eq "work" and emails[value eq "x"]]'],
    ['a bad escape', 'userName eq "a\\q"'],
    ['nesting beyond the limit', `${'('.repeat(60)}userName eq "a"${')'.repeat(60)}`],
  ])('%s is a 400 invalidFilter: %s', async (_name, filter) => {
    const response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: expect.any(String),
    });
  });
});
