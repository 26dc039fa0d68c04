import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * Concurrent writers on /Users: uniqueness is a guard item in the creating transaction (never a read
 * then a write), and updates are optimistic (version condition, retried from a fresh read).
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function newTenant(label: string) {
  const { token, scimBaseUrl } = await service.createToken(`${label}-${randomUUID().slice(0, 8)}`);
  return (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse> => service.scim(method, `${scimBaseUrl}${path}`, token, body, headers);
}

const statuses = (responses: TestResponse[]) => responses.map((r) => r.status).sort();

test('8 parallel creates of one userName in mixed case give one 201 and seven 409', async () => {
  const scim = await newTenant('race-create');
  const spellings = [
    'race@x.test',
    'RACE@x.test',
    'Race@X.test',
    'rAce@x.TEST',
    'raCe@x.test',
    'racE@X.TEST',
    'RACE@X.TEST',
    'race@X.test',
  ];

  const responses = await Promise.all(
    spellings.map((userName) => scim('POST', '/Users', { schemas: [USER], userName })),
  );

  expect(statuses(responses)).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  for (const conflict of responses.filter((r) => r.status === 409)) {
    expect(conflict.body.scimType).toBe('uniqueness');
  }
  const listed = await scim('GET', '/Users');
  expect(listed.body.totalResults).toBe(1);
  expect(listed.body.Resources[0].id).toBe(responses.find((r) => r.status === 201)?.body.id);
});

test('parallel creates of distinct users are all counted', async () => {
  const scim = await newTenant('race-count');

  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      scim('POST', '/Users', { schemas: [USER], userName: `u${i}@x.test` }),
    ),
  );

  expect(responses.every((r) => r.status === 201)).toBe(true);
  const listed = await scim('GET', '/Users?count=0');
  expect(listed.body.totalResults).toBe(20);
});

test('10 parallel PATCHes without If-Match all land: none is lost, none is a 412', async () => {
  const scim = await newTenant('race-patch');
  const created = await scim('POST', '/Users', { schemas: [USER], userName: 'p@x.test' });
  const values = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((v) => `${v}@x.test`);

  const responses = await Promise.all(
    values.map((value) =>
      scim('PATCH', `/Users/${created.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'emails', value: [{ value, type: 'other' }] }],
      }),
    ),
  );

  expect(statuses(responses)).toEqual(values.map(() => 200));
  const current = await scim('GET', `/Users/${created.body.id}`);
  expect(current.body.emails.map((e: { value: string }) => e.value).sort()).toEqual(values);
  expect(current.body.meta.version).toBe('W/"11"');
});

test('parallel PATCHes with the same If-Match: one wins, the others get 412', async () => {
  const scim = await newTenant('race-if-match');
  const created = await scim('POST', '/Users', { schemas: [USER], userName: 'm@x.test' });

  const responses = await Promise.all(
    ['a', 'b', 'c'].map((title) =>
      scim(
        'PATCH',
        `/Users/${created.body.id}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] },
        { 'If-Match': 'W/"1"' },
      ),
    ),
  );

  expect(statuses(responses)).toEqual([200, 412, 412]);
  expect((await scim('GET', `/Users/${created.body.id}`)).body.meta.version).toBe('W/"2"');
});

test('two users renamed to one name in parallel: one 200, one 409', async () => {
  const scim = await newTenant('race-rename');
  const first = await scim('POST', '/Users', { schemas: [USER], userName: 'first@x.test' });
  const second = await scim('POST', '/Users', { schemas: [USER], userName: 'second@x.test' });

  const responses = await Promise.all(
    [first, second].map((user, i) =>
      scim('PATCH', `/Users/${user.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'userName', value: i ? 'TARGET@x.test' : 'target@x.test' }],
      }),
    ),
  );

  expect(statuses(responses)).toEqual([200, 409]);
  const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "target@x.test"')}`);
  expect(found.body.totalResults).toBe(1);
});

test('a delete racing a PATCH leaves no user and no 5xx', async () => {
  const scim = await newTenant('race-delete');
  const created = await scim('POST', '/Users', { schemas: [USER], userName: 'd@x.test' });
  const path = `/Users/${created.body.id}`;

  const responses = await Promise.all([
    scim('DELETE', path),
    scim('PATCH', path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }),
    scim('PUT', path, { schemas: [USER], userName: 'd@x.test', title: 'y' }),
  ]);

  expect(responses[0].status).toBe(204);
  for (const response of responses.slice(1)) expect([200, 404]).toContain(response.status);
  expect((await scim('GET', path)).status).toBe(404);
  expect((await scim('GET', '/Users?count=0')).body.totalResults).toBe(0);
  expect((await scim('POST', '/Users', { schemas: [USER], userName: 'd@x.test' })).status).toBe(201);
});
