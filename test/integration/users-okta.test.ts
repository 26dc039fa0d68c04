import { randomUUID } from 'node:crypto';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { startTestService, type TestService } from '../support/service';

/**
 * /Users as Okta drives it (docs: "SCIM 2.0 Test App (OAuth Bearer Token)", its published spec test,
 * and the provisioning lifecycle it runs: lookup, create, update, deactivate): Okta's own headers, one
 * tenant per test.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The headers Okta sends on every request, GETs included. */
const OKTA_HEADERS = {
  Accept: 'application/scim+json',
  'Content-Type': 'application/scim+json; charset=utf-8',
  'Accept-Encoding': 'gzip,deflate',
  'User-Agent': 'Okta SCIM Client 1.0.0',
};

async function oktaTenant(label: string) {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  const okta = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body, { ...OKTA_HEADERS, ...headers });
  return { tenantId, base: scimBaseUrl, token, okta };
}

/** The body of Okta's "create user" push, as Okta sends it. */
const oktaCreateBody = (userName: string) => ({
  schemas: [USER],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Ada Lovelace',
  locale: 'en-US',
  externalId: '00u1abcd2EFGH3ijk4x7',
  groups: [],
  password: 'tmp-Pa55word!',
  active: true,
});

const lookup = (userName: string) =>
  `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

const scimError = (status: number) => ({
  schemas: [SCIM_ERROR_SCHEMA],
  status: String(status),
  detail: expect.any(String),
});

describe("Okta's spec test", () => {
  test('"Test API Credentials" lists an empty tenant as a ListResponse of integers', async () => {
    const { okta } = await oktaTenant('creds');

    const response = await okta('GET', '/Users?startIndex=1&count=2');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  test('a lookup of an unknown userName is 200 with totalResults 0, never 404', async () => {
    const { okta } = await oktaTenant('lookup-none');

    const response = await okta('GET', lookup(`${randomUUID()}@example.com`));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ totalResults: 0, Resources: [] }));
  });

  test('create answers 201 with the full user, Location and ETag', async () => {
    const { okta, base } = await oktaTenant('create');

    const response = await okta('POST', '/Users', oktaCreateBody('ada@example.com'));

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    const { id } = response.body;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`${base}/Users/${id}`);
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.body).toEqual({
      schemas: [USER],
      id,
      externalId: '00u1abcd2EFGH3ijk4x7',
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      displayName: 'Ada Lovelace',
      locale: 'en-US',
      active: true,
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      groups: [],
      meta: {
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${base}/Users/${id}`,
        version: 'W/"1"',
      },
    });
    expect(response.body.meta.created).toBe(response.body.meta.lastModified);
    expect(Date.parse(response.body.meta.created)).toBeGreaterThan(Date.now() - 60_000);
  });

  test("the spec test's POST with Content-Type application/json is accepted", async () => {
    const { okta } = await oktaTenant('json-ct');

    const response = await okta('POST', '/Users', oktaCreateBody('json@example.com'), {
      'Content-Type': 'application/json',
    });

    expect(response.status).toBe(201);
  });

  test('the password is accepted and never returned, on create, read or list', async () => {
    const { okta } = await oktaTenant('password');

    const created = await okta('POST', '/Users', oktaCreateBody('secret@example.com'));
    const read = await okta('GET', `/Users/${created.body.id}`);
    const listed = await okta('GET', '/Users');
    const searched = await okta('GET', `/Users?attributes=password,userName`);

    for (const response of [created, read, listed, searched]) {
      expect(response.status).toBeLessThan(300);
      expect(response.text).not.toContain('tmp-Pa55word!');
      expect(response.text).not.toMatch(/"password"/);
    }
  });

  test('groups sent in a create body are ignored', async () => {
    const { okta } = await oktaTenant('groups-ignored');

    const response = await okta('POST', '/Users', {
      ...oktaCreateBody('grp@example.com'),
      groups: [{ value: '6f0f0d39-4a6d-4a3c-9a57-0d1f6c1b9a1e', display: 'Admins' }],
    });

    expect(response.status).toBe(201);
    expect(response.body.groups).toEqual([]);
  });

  test('the created user is found by the lookup Okta sends before assigning', async () => {
    const { okta } = await oktaTenant('lookup-found');
    const created = await okta('POST', '/Users', oktaCreateBody('found@example.com'));

    const response = await okta('GET', lookup('found@example.com'));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: 1, startIndex: 1, itemsPerPage: 1 }),
    );
    expect(response.body.Resources).toEqual([
      expect.objectContaining({ id: created.body.id, userName: 'found@example.com' }),
    ]);
  });

  test('"Username Case Sensitivity Check": the lookup ignores the case of userName', async () => {
    const { okta } = await oktaTenant('lookup-case');
    const created = await okta('POST', '/Users', oktaCreateBody('Mixed.Case@Example.com'));

    const response = await okta('GET', lookup('MIXED.CASE@EXAMPLE.COM'));

    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources[0].id).toBe(created.body.id);
    expect(response.body.Resources[0].userName).toBe('Mixed.Case@Example.com');
  });

  test('recreating the same user is a 409 uniqueness SCIM error', async () => {
    const { okta } = await oktaTenant('dup');
    await okta('POST', '/Users', oktaCreateBody('dup@example.com'));

    const response = await okta('POST', '/Users', oktaCreateBody('dup@example.com'));

    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toEqual({ ...scimError(409), scimType: 'uniqueness' });
  });

  test('a userName differing only in case is a duplicate too', async () => {
    const { okta } = await oktaTenant('dup-case');
    await okta('POST', '/Users', oktaCreateBody('dup@example.com'));

    const response = await okta('POST', '/Users', oktaCreateBody('DUP@Example.COM'));

    expect(response.status).toBe(409);
    expect((await okta('GET', '/Users')).body.totalResults).toBe(1);
  });

  test('a user created through an Okta token records Okta as its source', async () => {
    const { okta, tenantId } = await oktaTenant('source');
    const created = await okta('POST', '/Users', oktaCreateBody('source@example.com'));

    const response = await service.admin('GET', `/${tenantId}/users/${created.body.id}`);

    expect(response.status).toBe(200);
    expect(response.body.source).toBe('SCIM Okta');
  });

  test('the same userName in another tenant is not a duplicate', async () => {
    const first = await oktaTenant('tenant-one');
    const second = await oktaTenant('tenant-two');
    await first.okta('POST', '/Users', oktaCreateBody('shared@example.com'));

    const response = await second.okta('POST', '/Users', oktaCreateBody('shared@example.com'));

    expect(response.status).toBe(201);
    expect((await second.okta('GET', '/Users')).body.totalResults).toBe(1);
  });

  test('a user id that does not exist is a 404 SCIM error', async () => {
    const { okta } = await oktaTenant('get-404');

    const response = await okta('GET', '/Users/010101001010101');

    expect(response.status).toBe(404);
    expect(response.body).toEqual(scimError(404));
  });

  test("another tenant's user is a 404", async () => {
    const owner = await oktaTenant('owner');
    const other = await oktaTenant('other');
    const created = await owner.okta('POST', '/Users', oktaCreateBody('mine@example.com'));

    const response = await other.okta('GET', `/Users/${created.body.id}`);

    expect(response.status).toBe(404);
  });
});

describe('Okta lifecycle', () => {
  test('read returns what create returned, with Content-Type on a GET without body', async () => {
    const { okta } = await oktaTenant('read');
    const created = await okta('POST', '/Users', oktaCreateBody('read@example.com'));

    const response = await okta('GET', `/Users/${created.body.id}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.body).toEqual(created.body);
  });

  test('a full PUT echoing id, meta, groups and password replaces the user', async () => {
    const { okta } = await oktaTenant('put');
    const created = await okta('POST', '/Users', oktaCreateBody('put@example.com'));
    const current = (await okta('GET', `/Users/${created.body.id}`)).body;

    const response = await okta('PUT', `/Users/${current.id}`, {
      ...current,
      name: { givenName: 'Augusta', familyName: 'King' },
      displayName: 'Augusta King',
      password: 'another-Pa55word',
      groups: [],
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('W/"2"');
    expect(response.body).toEqual({
      ...current,
      name: { givenName: 'Augusta', familyName: 'King' },
      displayName: 'Augusta King',
      meta: { ...current.meta, version: 'W/"2"', lastModified: expect.any(String) },
    });
    expect(response.text).not.toContain('another-Pa55word');
    expect((await okta('GET', `/Users/${current.id}`)).body).toEqual(response.body);
  });

  test('a PUT leaves out what the body leaves out', async () => {
    const { okta } = await oktaTenant('put-drops');
    const created = await okta('POST', '/Users', oktaCreateBody('drops@example.com'));

    const response = await okta('PUT', `/Users/${created.body.id}`, {
      schemas: [USER],
      userName: 'drops@example.com',
      active: true,
    });

    expect(response.status).toBe(200);
    expect(response.body.name).toBeUndefined();
    expect(response.body.emails).toBeUndefined();
    expect(response.body.externalId).toBeUndefined();
  });

  test('a PUT may rename the user; the old name is free, the new one taken', async () => {
    const { okta } = await oktaTenant('put-rename');
    const created = await okta('POST', '/Users', oktaCreateBody('old@example.com'));

    const renamed = await okta('PUT', `/Users/${created.body.id}`, {
      ...created.body,
      userName: 'new@example.com',
    });

    expect(renamed.status).toBe(200);
    expect(renamed.body.userName).toBe('new@example.com');
    expect((await okta('GET', lookup('old@example.com'))).body.totalResults).toBe(0);
    expect((await okta('GET', lookup('NEW@example.com'))).body.Resources[0].id).toBe(created.body.id);
    expect((await okta('POST', '/Users', oktaCreateBody('New@Example.com'))).status).toBe(409);
    expect((await okta('POST', '/Users', oktaCreateBody('old@example.com'))).status).toBe(201);
  });

  test('a PUT to the userName of another user is a 409 and changes nothing', async () => {
    const { okta } = await oktaTenant('put-clash');
    await okta('POST', '/Users', oktaCreateBody('taken@example.com'));
    const created = await okta('POST', '/Users', oktaCreateBody('mover@example.com'));

    const response = await okta('PUT', `/Users/${created.body.id}`, {
      ...created.body,
      userName: 'TAKEN@example.com',
    });

    expect(response.status).toBe(409);
    expect(response.body.scimType).toBe('uniqueness');
    expect((await okta('GET', `/Users/${created.body.id}`)).body).toEqual(created.body);
  });

  test('a PUT may change only the case of the userName', async () => {
    const { okta } = await oktaTenant('put-case');
    const created = await okta('POST', '/Users', oktaCreateBody('case@example.com'));

    const response = await okta('PUT', `/Users/${created.body.id}`, {
      ...created.body,
      userName: 'Case@Example.com',
    });

    expect(response.status).toBe(200);
    expect(response.body.userName).toBe('Case@Example.com');
    expect((await okta('GET', lookup('case@example.com'))).body.Resources[0].userName).toBe(
      'Case@Example.com',
    );
  });

  test('PUT on an unknown id is a 404 and creates nothing', async () => {
    const { okta } = await oktaTenant('put-404');

    const response = await okta('PUT', `/Users/${randomUUID()}`, oktaCreateBody('ghost@example.com'));

    expect(response.status).toBe(404);
    expect(response.body).toEqual(scimError(404));
    expect((await okta('GET', '/Users')).body.totalResults).toBe(0);
  });

  test('PATCH replace {active:false} without path deactivates the user', async () => {
    const { okta } = await oktaTenant('deactivate');
    const created = await okta('POST', '/Users', oktaCreateBody('leaver@example.com'));

    const response = await okta('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...created.body,
      active: false,
      meta: { ...created.body.meta, version: 'W/"2"', lastModified: expect.any(String) },
    });
  });

  test('an inactive user stays readable, listed and found by lookup', async () => {
    const { okta } = await oktaTenant('inactive');
    const created = await okta('POST', '/Users', { ...oktaCreateBody('idle@example.com'), active: false });

    const read = await okta('GET', `/Users/${created.body.id}`);
    const listed = await okta('GET', '/Users');
    const found = await okta('GET', lookup('idle@example.com'));

    expect(read.status).toBe(200);
    expect(read.body.active).toBe(false);
    expect(listed.body.Resources).toEqual([expect.objectContaining({ id: created.body.id, active: false })]);
    expect(found.body.totalResults).toBe(1);
  });

  test('PATCH replace {active:true} reactivates the user', async () => {
    const { okta } = await oktaTenant('reactivate');
    const created = await okta('POST', '/Users', { ...oktaCreateBody('back@example.com'), active: false });

    const response = await okta('PATCH', `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: true } }],
    });

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(true);
    expect((await okta('GET', `/Users/${created.body.id}`)).body.active).toBe(true);
  });

  test('a wizard app deactivates with a full PUT of active false', async () => {
    const { okta } = await oktaTenant('put-inactive');
    const created = await okta('POST', '/Users', oktaCreateBody('wizard@example.com'));

    const response = await okta('PUT', `/Users/${created.body.id}`, { ...created.body, active: false });

    expect(response.status).toBe(200);
    expect((await okta('GET', `/Users/${created.body.id}`)).body.active).toBe(false);
  });

  test('imports page with startIndex += 100 and count=100 until totalResults', async () => {
    const { okta } = await oktaTenant('import');
    const names = Array.from({ length: 5 }, (_, i) => `import-${i}@example.com`);
    for (const name of names) await okta('POST', '/Users', oktaCreateBody(name));

    const first = await okta('GET', '/Users?startIndex=1&count=3');
    const second = await okta('GET', '/Users?startIndex=4&count=3');

    expect(first.body).toEqual(expect.objectContaining({ totalResults: 5, startIndex: 1, itemsPerPage: 3 }));
    expect(second.body).toEqual(expect.objectContaining({ totalResults: 5, startIndex: 4, itemsPerPage: 2 }));
    expect([...first.body.Resources, ...second.body.Resources].map((u) => u.userName)).toEqual(names);
  });

  test('a gzip-encoded answer arrives intact when Okta accepts gzip', async () => {
    const { okta, base, token } = await oktaTenant('gzip');
    for (let i = 0; i < 5; i++) await okta('POST', '/Users', oktaCreateBody(`gz-${i}@example.com`));

    const response = await fetch(`${base}/Users`, {
      headers: { ...OKTA_HEADERS, Authorization: `Bearer ${token}` },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { totalResults: number }).totalResults).toBe(5);
  });
});
