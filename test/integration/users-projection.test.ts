import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/** A SCIM resource as answered (the test client leaves bodies untyped). */
type ScimResource = TestResponse['body'];

/**
 * `attributes` / `excludedAttributes` on /Users (RFC 7644 §3.4.2.5, §3.9) with the `returned`
 * characteristic of RFC 7643 §2.2: id and schemas always, password never. Reads share one tenant;
 * the writes (POST, PUT, PATCH) use their own.
 */
let service: TestService;
let scim: (method: string, path: string, body?: unknown) => Promise<TestResponse>;
let alice: ScimResource;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ALICE = {
  schemas: [USER, ENTERPRISE],
  userName: 'alice@example.com',
  externalId: 'ext-alice',
  name: { givenName: 'Alice', familyName: 'Anders' },
  displayName: 'Alice Anders',
  password: 'Pa55word!',
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'R&D', employeeNumber: '100' },
};

async function newTenant(label: string) {
  const { token, scimBaseUrl } = await service.createToken(`${label}-${randomUUID().slice(0, 8)}`);
  return (method: string, path: string, body?: unknown) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body);
}

beforeAll(async () => {
  service = await startTestService();
  scim = await newTenant('projection');
  alice = (await scim('POST', '/Users', ALICE)).body;
  await scim('POST', '/Users', { schemas: [USER], userName: 'bob@example.com', displayName: 'Bob' });
});
afterAll(() => service.stop());

const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
const getAlice = async (query: string) => {
  const response = await scim('GET', `/Users/${alice.id}?${query}`);
  expect(response.status).toBe(200);
  return response.body;
};

describe('a single user', () => {
  test('attributes=userName returns it with id and schemas only', async () => {
    expect(await getAlice(q('attributes', 'userName'))).toEqual({
      schemas: [USER],
      id: alice.id,
      userName: 'alice@example.com',
    });
  });

  test('attribute names are case-insensitive and answered in their canonical spelling', async () => {
    expect(await getAlice(q('attributes', 'USERNAME,DisplayName'))).toEqual({
      schemas: [USER],
      id: alice.id,
      userName: 'alice@example.com',
      displayName: 'Alice Anders',
    });
  });

  test('a sub-attribute returns only that part of a complex attribute', async () => {
    expect(await getAlice(q('attributes', 'name.givenName'))).toEqual({
      schemas: [USER],
      id: alice.id,
      name: { givenName: 'Alice' },
    });
  });

  test('a sub-attribute of a multi-valued attribute applies to each value', async () => {
    expect((await getAlice(q('attributes', 'emails.value'))).emails).toEqual([
      { value: 'alice@example.com' },
      { value: 'alice@home.org' },
    ]);
  });

  test('a URN-qualified extension attribute returns the extension with its schema', async () => {
    expect(await getAlice(q('attributes', `${ENTERPRISE}:department`))).toEqual({
      schemas: [USER, ENTERPRISE],
      id: alice.id,
      [ENTERPRISE]: { department: 'R&D' },
    });
  });

  test('a whole extension URN returns all of the extension', async () => {
    const body = await getAlice(q('attributes', ENTERPRISE));

    expect(body[ENTERPRISE]).toEqual({ department: 'R&D', employeeNumber: '100' });
    expect(body).not.toHaveProperty('userName');
  });

  test('a meta sub-attribute returns only it', async () => {
    expect((await getAlice(q('attributes', 'meta.lastModified'))).meta).toEqual({
      lastModified: alice.meta.lastModified,
    });
  });

  test('excludedAttributes leaves the named attributes out and keeps the rest', async () => {
    const body = await getAlice(q('excludedAttributes', 'emails,name,meta'));

    expect(body).not.toHaveProperty('emails');
    expect(body).not.toHaveProperty('name');
    expect(body).not.toHaveProperty('meta');
    expect(body).toEqual(expect.objectContaining({ userName: 'alice@example.com', externalId: 'ext-alice' }));
  });

  test('excluding an extension drops its URN from schemas', async () => {
    const body = await getAlice(q('excludedAttributes', ENTERPRISE));

    expect(body).not.toHaveProperty(ENTERPRISE);
    expect(body.schemas).toEqual([USER]);
  });

  test('id and schemas are returned even when excluded', async () => {
    const body = await getAlice(q('excludedAttributes', 'id,schemas'));

    expect(body.id).toBe(alice.id);
    expect(body.schemas).toEqual([USER, ENTERPRISE]);
  });

  test('the password is not returned even when asked for', async () => {
    expect(await getAlice(q('attributes', 'password'))).toEqual({ schemas: [USER], id: alice.id });
  });

  test('groups are returned on a single user unless excluded', async () => {
    expect((await getAlice('')).groups).toEqual([]);
    expect(await getAlice(q('excludedAttributes', 'groups'))).not.toHaveProperty('groups');
  });

  test('an attribute the schema does not define is ignored', async () => {
    expect(await getAlice(q('attributes', 'shoeSize'))).toEqual({ schemas: [USER], id: alice.id });
  });
});

describe('lists', () => {
  test('attributes applies to every listed user', async () => {
    const response = await scim('GET', `/Users?${q('attributes', 'userName')}`);

    expect(response.body.Resources).toEqual([
      { schemas: [USER], id: alice.id, userName: 'alice@example.com' },
      { schemas: [USER], id: expect.any(String), userName: 'bob@example.com' },
    ]);
  });

  test('excludedAttributes applies to every listed user', async () => {
    const response = await scim('GET', `/Users?${q('excludedAttributes', 'meta,emails,displayName')}`);

    for (const user of response.body.Resources) {
      expect(user).not.toHaveProperty('meta');
      expect(user).not.toHaveProperty('emails');
      expect(user).not.toHaveProperty('displayName');
      expect(user.userName).toEqual(expect.any(String));
    }
  });

  test('attributes combine with a filter on an attribute not returned', async () => {
    const response = await scim(
      'GET',
      `/Users?${q('filter', 'userName eq "alice@example.com"')}&${q('attributes', 'displayName')}`,
    );

    expect(response.body.Resources).toEqual([{ schemas: [USER], id: alice.id, displayName: 'Alice Anders' }]);
  });

  test('a list asked for groups by name returns them', async () => {
    const response = await scim('GET', `/Users?${q('attributes', 'userName,groups')}`);

    expect(response.body.Resources[0]).toEqual({
      schemas: [USER],
      id: alice.id,
      userName: 'alice@example.com',
      groups: [],
    });
  });

  test('no listed user carries a password', async () => {
    const response = await scim('GET', '/Users');

    expect(response.text).not.toContain('Pa55word!');
  });

  test('.search takes attributes as an array', async () => {
    const response = await scim('POST', '/Users/.search', {
      schemas: [SEARCH],
      filter: 'userName sw "alice"',
      attributes: ['userName', 'name.familyName'],
    });

    expect(response.status).toBe(200);
    expect(response.body.Resources).toEqual([
      { schemas: [USER], id: alice.id, userName: 'alice@example.com', name: { familyName: 'Anders' } },
    ]);
  });

  test('.search takes excludedAttributes as an array', async () => {
    const response = await scim('POST', '/Users/.search', {
      schemas: [SEARCH],
      filter: 'userName sw "alice"',
      excludedAttributes: ['emails', ENTERPRISE, 'meta'],
    });

    const [user] = response.body.Resources;
    expect(user).not.toHaveProperty('emails');
    expect(user).not.toHaveProperty('meta');
    expect(user).not.toHaveProperty(ENTERPRISE);
    expect(user.schemas).toEqual([USER]);
    expect(user.name).toEqual(ALICE.name);
  });

  test('.search with attributes that are not strings is a 400 invalidValue', async () => {
    const response = await scim('POST', '/Users/.search', { schemas: [SEARCH], attributes: [1, 2] });

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
  });
});

describe('writes', () => {
  test('POST honours attributes in the query', async () => {
    const client = await newTenant('projection-post');

    const response = await client('POST', `/Users?${q('attributes', 'userName')}`, ALICE);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ schemas: [USER], id: expect.any(String), userName: 'alice@example.com' });
  });

  test('PUT honours excludedAttributes in the query', async () => {
    const client = await newTenant('projection-put');
    const created = (await client('POST', '/Users', ALICE)).body;

    const response = await client(
      'PUT',
      `/Users/${created.id}?${q('excludedAttributes', 'emails,meta')}`,
      ALICE,
    );

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('emails');
    expect(response.body).not.toHaveProperty('meta');
    expect(response.headers.get('etag')).toBe('W/"2"');
  });

  test('PATCH honours attributes in the query', async () => {
    const client = await newTenant('projection-patch');
    const created = (await client('POST', '/Users', ALICE)).body;

    const response = await client('PATCH', `/Users/${created.id}?${q('attributes', 'title')}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'title', value: 'Lead' }],
    });

    expect(response.body).toEqual({ schemas: [USER], id: created.id, title: 'Lead' });
  });
});
