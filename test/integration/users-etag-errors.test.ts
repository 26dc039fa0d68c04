import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * ETags and preconditions (RFC 7644 §3.14), DELETE (§3.6), media types and the error responses of
 * /Users (§3.12): every 4xx in the SCIM Error schema, and nothing a client sends yields a 5xx.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

type Scim = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<TestResponse>;

async function newTenant(label: string) {
  const { token, scimBaseUrl } = await service.createToken(`${label}-${randomUUID().slice(0, 8)}`);
  const scim: Scim = (method, path, body, headers) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body, headers);
  const raw = (method: string, path: string, rawBody: string | undefined, headers: Record<string, string>) =>
    service.request(method, `${scimBaseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}`, ...headers },
      rawBody,
    });
  return { scim, raw, base: scimBaseUrl };
}

async function withUser(label: string, userName = 'etag@example.com') {
  const tenant = await newTenant(label);
  const created = await tenant.scim('POST', '/Users', {
    schemas: [USER],
    userName,
    externalId: `ext-${userName}`,
    emails: [{ value: userName, type: 'work' }],
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  return { ...tenant, user: created.body, path: `/Users/${created.body.id}` };
}

const replaceTitle = (title: string) => ({
  schemas: [PATCH_OP],
  Operations: [{ op: 'replace', path: 'title', value: title }],
});

function expectScimError(response: TestResponse, status: number, scimType?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/scim+json');
  expect(response.body).toEqual({
    schemas: [ERROR],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail: expect.any(String),
  });
}

describe('ETags', () => {
  test('a single-resource GET carries the version as a weak ETag', async () => {
    const { scim, path } = await withUser('etag-get');

    const response = await scim('GET', path);

    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.body.meta.version).toBe('W/"1"');
  });

  test('every write moves the ETag', async () => {
    const { scim, path, user } = await withUser('etag-moves');

    const patched = await scim('PATCH', path, replaceTitle('a'));
    const put = await scim('PUT', path, { schemas: [USER], userName: user.userName });

    expect(patched.headers.get('etag')).toBe('W/"2"');
    expect(put.headers.get('etag')).toBe('W/"3"');
    expect((await scim('GET', path)).headers.get('etag')).toBe('W/"3"');
  });

  test('listed users carry their version in meta', async () => {
    const { scim } = await withUser('etag-list');

    const response = await scim('GET', '/Users');

    expect(response.body.Resources[0].meta.version).toBe('W/"1"');
  });

  test('GET with If-None-Match of the current version is a 304 without body', async () => {
    const { scim, path } = await withUser('inm-match');

    const response = await scim('GET', path, undefined, { 'If-None-Match': 'W/"1"' });

    expect(response.status).toBe(304);
    expect(response.text).toBe('');
    expect(response.headers.get('etag')).toBe('W/"1"');
  });

  test('If-None-Match compares weakly: "1" matches W/"1"', async () => {
    const { scim, path } = await withUser('inm-weak');

    const response = await scim('GET', path, undefined, { 'If-None-Match': '"1"' });

    expect(response.status).toBe(304);
  });

  test('If-None-Match with * is a 304', async () => {
    const { scim, path } = await withUser('inm-star');

    expect((await scim('GET', path, undefined, { 'If-None-Match': '*' })).status).toBe(304);
  });

  test('GET with a stale If-None-Match is a 200 with the resource', async () => {
    const { scim, path } = await withUser('inm-stale');
    await scim('PATCH', path, replaceTitle('new'));

    const response = await scim('GET', path, undefined, { 'If-None-Match': 'W/"1"' });

    expect(response.status).toBe(200);
    expect(response.body.title).toBe('new');
  });

  test.each([
    ['PUT', (userName: string) => ({ schemas: [USER], userName, title: 'put' })],
    ['PATCH', () => replaceTitle('patch')],
  ])('%s with a matching If-Match succeeds', async (method, body) => {
    const { scim, path, user } = await withUser(`im-ok-${method.toLowerCase()}`);

    const response = await scim(method, path, body(user.userName), { 'If-Match': 'W/"1"' });

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('W/"2"');
  });

  test.each([
    ['PUT', (userName: string) => ({ schemas: [USER], userName, title: 'put' })],
    ['PATCH', () => replaceTitle('patch')],
  ])('%s with a stale If-Match is a 412 and changes nothing', async (method, body) => {
    const { scim, path, user } = await withUser(`im-stale-${method.toLowerCase()}`);
    await scim('PATCH', path, replaceTitle('first'));

    const response = await scim(method, path, body(user.userName), { 'If-Match': 'W/"1"' });

    expectScimError(response, 412);
    const current = await scim('GET', path);
    expect(current.body.title).toBe('first');
    expect(current.headers.get('etag')).toBe('W/"2"');
  });

  test('If-Match with a list matches any of its tags', async () => {
    const { scim, path } = await withUser('im-list');

    const response = await scim('PATCH', path, replaceTitle('x'), { 'If-Match': 'W/"7", W/"1"' });

    expect(response.status).toBe(200);
  });

  test('DELETE with a stale If-Match is a 412 and keeps the user', async () => {
    const { scim, path } = await withUser('im-delete-stale');
    await scim('PATCH', path, replaceTitle('x'));

    const response = await scim('DELETE', path, undefined, { 'If-Match': 'W/"1"' });

    expectScimError(response, 412);
    expect((await scim('GET', path)).status).toBe(200);
  });

  test('DELETE with a matching If-Match is a 204', async () => {
    const { scim, path } = await withUser('im-delete-ok');

    const response = await scim('DELETE', path, undefined, { 'If-Match': 'W/"1"' });

    expect(response.status).toBe(204);
  });
});

describe('DELETE', () => {
  test('answers 204 without a body', async () => {
    const { scim, path } = await withUser('delete');

    const response = await scim('DELETE', path);

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  test('a deleted user is a 404 on GET, PUT, PATCH and DELETE', async () => {
    const { scim, path, user } = await withUser('delete-404');
    await scim('DELETE', path);

    const responses = [
      await scim('GET', path),
      await scim('PUT', path, { schemas: [USER], userName: user.userName }),
      await scim('PATCH', path, replaceTitle('x')),
      await scim('DELETE', path),
    ];

    for (const response of responses) expectScimError(response, 404);
  });

  test('a deleted user is gone from the list and from every lookup', async () => {
    const { scim, path, user } = await withUser('delete-lookups', 'gone@example.com');
    await scim('DELETE', path);

    const filters = [
      'userName eq "gone@example.com"',
      'externalId eq "ext-gone@example.com"',
      'emails.value eq "gone@example.com"',
      `id eq "${user.id}"`,
      'userName sw "gone"',
    ];
    for (const filter of filters) {
      const response = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(response.body.totalResults).toBe(0);
    }
    expect((await scim('GET', '/Users')).body).toEqual(
      expect.objectContaining({ totalResults: 0, Resources: [] }),
    );
  });

  test('the userName is free again after a delete, in any case', async () => {
    const { scim, path, user } = await withUser('delete-reuse', 'reuse@example.com');
    await scim('DELETE', path);

    const response = await scim('POST', '/Users', { schemas: [USER], userName: 'REUSE@example.com' });

    expect(response.status).toBe(201);
    expect(response.body.id).not.toBe(user.id);
    expect((await scim('GET', '/Users')).body.totalResults).toBe(1);
  });
});

describe('media types', () => {
  test.each([
    'application/scim+json',
    'application/scim+json; charset=utf-8',
    'application/json',
    'application/json;charset=UTF-8',
    'APPLICATION/SCIM+JSON',
  ])('a body sent as %s is accepted', async (contentType) => {
    const { raw } = await newTenant('media');

    const response = await raw(
      'POST',
      '/Users',
      JSON.stringify({ schemas: [USER], userName: 'm@example.com' }),
      {
        'Content-Type': contentType,
      },
    );

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
  });

  test('a GET with a JSON Content-Type and no body is accepted', async () => {
    const { raw } = await newTenant('media-get');

    const response = await raw('GET', '/Users', undefined, {
      'Content-Type': 'application/scim+json; charset=utf-8',
    });

    expect(response.status).toBe(200);
  });

  test('a body sent as text/plain is a 415', async () => {
    const { raw } = await newTenant('media-415');

    const response = await raw(
      'POST',
      '/Users',
      JSON.stringify({ schemas: [USER], userName: 't@example.com' }),
      {
        'Content-Type': 'text/plain',
      },
    );

    expectScimError(response, 415);
  });

  test('a body over 1 MiB is a 413', async () => {
    const { raw } = await newTenant('media-413');
    const body = JSON.stringify({
      schemas: [USER],
      userName: 'big@example.com',
      title: 'x'.repeat(1024 * 1024),
    });

    const response = await raw('POST', '/Users', body, { 'Content-Type': 'application/scim+json' });

    expectScimError(response, 413);
  });
});

describe('malformed requests', () => {
  test.each([
    ['POST', '/Users'],
    ['POST', '/Users/.search'],
    ['PUT', '/Users/x'],
    ['PATCH', '/Users/x'],
  ])('malformed JSON on %s %s is a 400 invalidSyntax', async (method, path) => {
    const { raw } = await newTenant('bad-json');

    const response = await raw(method, path, '{"userName": ', { 'Content-Type': 'application/scim+json' });

    expectScimError(response, 400, 'invalidSyntax');
  });

  test('POST without a body is a 400 invalidSyntax', async () => {
    const { raw } = await newTenant('no-body');

    expectScimError(await raw('POST', '/Users', undefined, {}), 400, 'invalidSyntax');
  });

  test.each([
    ['an array', []],
    ['null', null],
    ['a string', 'alice'],
  ])('a body that is %s is a 400 invalidSyntax', async (_name, body) => {
    const { raw } = await newTenant('not-object');

    const response = await raw('POST', '/Users', JSON.stringify(body), {
      'Content-Type': 'application/scim+json',
    });

    expectScimError(response, 400, 'invalidSyntax');
  });

  test.each([
    ['no userName', { schemas: [USER], displayName: 'x' }],
    ['an empty userName', { schemas: [USER], userName: '' }],
    ['a blank userName', { schemas: [USER], userName: '   ' }],
    ['a non-boolean active', { schemas: [USER], userName: 'a@x.test', active: 'maybe' }],
    ['a string for a complex attribute', { schemas: [USER], userName: 'a@x.test', name: 'Alice' }],
    ['an array for a single-valued attribute', { schemas: [USER], userName: 'a@x.test', title: ['a', 'b'] }],
  ])('a create with %s is a 400 invalidValue', async (_name, body) => {
    const { scim } = await newTenant('invalid-value');

    expectScimError(await scim('POST', '/Users', body), 400, 'invalidValue');
  });

  test('a PUT without userName is a 400 invalidValue and changes nothing', async () => {
    const { scim, path, user } = await withUser('put-invalid');

    const response = await scim('PUT', path, { schemas: [USER], displayName: 'x' });

    expectScimError(response, 400, 'invalidValue');
    expect((await scim('GET', path)).body).toEqual(user);
  });

  test('a PUT with another id in the body keeps the id of the URL', async () => {
    const { scim, path, user } = await withUser('put-id');

    const response = await scim('PUT', path, { schemas: [USER], id: 'other', userName: user.userName });

    expect(response.status).toBe(200);
    expect(response.body.id).toBe(user.id);
  });
});

describe('routes and methods', () => {
  test.each(['/Nothing', '/Users/abc/extra', '/Groupies'])('GET %s is a SCIM 404', async (path) => {
    const { scim } = await newTenant('route-404');

    expectScimError(await scim('GET', path), 404);
  });

  test.each([
    ['DELETE', '/Users'],
    ['PUT', '/Users'],
    ['PATCH', '/Users'],
    ['POST', '/Users/some-id'],
    ['GET', '/Users/.search'],
  ])('%s %s is a 405 naming the allowed methods', async (method, path) => {
    const { scim } = await newTenant('method-405');

    const response = await scim(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});

    expectScimError(response, 405);
    expect(response.headers.get('allow')).toEqual(expect.any(String));
  });

  test('/Users without a token is a SCIM 401', async () => {
    const { base } = await newTenant('no-token');

    const response = await service.request('GET', `${base}/Users`);

    expectScimError(response, 401);
  });
});

describe('no input yields a 5xx', () => {
  test.each([
    ['a userName of 2,000 characters', { userName: `${'u'.repeat(2000)}@example.com` }],
    ['a userName of 600 four-byte characters', { userName: '😀'.repeat(600) }],
    [
      'an email of 3,000 characters',
      { userName: 'a@x.test', emails: [{ value: `${'e'.repeat(3000)}@x.test` }] },
    ],
    ['an externalId of 3,000 characters', { userName: 'b@x.test', externalId: 'x'.repeat(3000) }],
    [
      'attributes adding up to more than a DynamoDB item',
      {
        userName: 'c@x.test',
        ...Object.fromEntries(
          ['displayName', 'nickName', 'title', 'userType', 'profileUrl', 'locale', 'timezone'].map((name) => [
            name,
            'v'.repeat(65_000),
          ]),
        ),
      },
    ],
    [
      '21 emails',
      { userName: 'd@x.test', emails: Array.from({ length: 21 }, (_, i) => ({ value: `${i}@x.test` })) },
    ],
  ])('a create with %s is a 4xx', async (_name, body) => {
    const { scim } = await newTenant('no-5xx');

    const response = await scim('POST', '/Users', { schemas: [USER], ...body });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toEqual(
      expect.objectContaining({ schemas: [ERROR], status: String(response.status) }),
    );
  });

  test('a PATCH that grows the user past a DynamoDB item is a 4xx and changes nothing', async () => {
    const { scim, path, user } = await withUser('no-5xx-patch');
    const value = Object.fromEntries(
      ['displayName', 'nickName', 'title', 'userType', 'profileUrl', 'locale', 'timezone'].map((name) => [
        name,
        'v'.repeat(65_000),
      ]),
    );

    const response = await scim('PATCH', path, { schemas: [PATCH_OP], Operations: [{ op: 'add', value }] });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await scim('GET', path)).body).toEqual(user);
  });

  test('a rename to a userName too long for the index is a 4xx and changes nothing', async () => {
    const { scim, path, user } = await withUser('no-5xx-rename');

    const response = await scim('PATCH', path, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'userName', value: 'r'.repeat(3000) }],
    });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await scim('GET', path)).body).toEqual(user);
  });

  test('a filter on a 3,000-character userName or externalId is answered', async () => {
    const { scim } = await newTenant('no-5xx-filter');

    for (const filter of [`userName eq "${'u'.repeat(3000)}"`, `externalId eq "${'x'.repeat(3000)}"`]) {
      const response = await scim('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter,
      });
      expect(response.status).toBeLessThan(500);
    }
  });

  test.each(['GET', 'PUT', 'PATCH', 'DELETE'])('%s on a 3,000-character id is a 404', async (method) => {
    const { scim } = await newTenant('long-id');

    const response = await scim(
      method,
      `/Users/${'i'.repeat(3000)}`,
      method === 'PUT'
        ? { schemas: [USER], userName: 'x@x.test' }
        : method === 'PATCH'
          ? replaceTitle('x')
          : undefined,
    );

    expectScimError(response, 404);
  });

  test('a userName with unicode and key separators is stored as sent', async () => {
    const { scim } = await newTenant('unicode');

    const created = await scim('POST', '/Users', { schemas: [USER], userName: 'Zoë#Ärger@Example.com' });
    const found = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "zoë#ärger@example.com"')}`,
    );

    expect(created.status).toBe(201);
    expect(created.body.userName).toBe('Zoë#Ärger@Example.com');
    expect(found.body.totalResults).toBe(1);
  });
});
