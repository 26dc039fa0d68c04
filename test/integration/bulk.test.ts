import fc from 'fast-check';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { startTestService, type TestService } from '../support/service';
import { GROUP, memberIdsOf, newTenant, PATCH_OP, scimError, type Tenant, USER } from './groups-helpers';

/** POST /Bulk (RFC 7644 §3.7) through HTTP against DynamoDB Local. */
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const bulkOf = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  ...extra,
  Operations,
});
const postUser = (bulkId: string, userName: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER], userName, ...extra },
});
const postGroup = (bulkId: string, displayName: string, members: string[] = []) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) },
});

async function userNames(t: Tenant): Promise<string[]> {
  const response = await t.call('GET', '/Users?count=1000');
  expect(response.status).toBe(200);
  return ((response.body.Resources ?? []) as { userName: string }[]).map((u) => u.userName).sort();
}

async function groupCount(t: Tenant): Promise<number> {
  const response = await t.call('GET', '/Groups?count=0');
  expect(response.status).toBe(200);
  return response.body.totalResults;
}

// biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are inspected freely
const byBulkId = (body: any, bulkId: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are inspected freely
  (body.Operations as any[]).find((o) => o.bulkId === bulkId);

describe('POST /Bulk', () => {
  test('ServiceProviderConfig advertises bulk with the limits it enforces', async () => {
    const t = await newTenant(service, 'bulk-spc');
    const response = await t.call('GET', '/ServiceProviderConfig');
    expect(response.body.bulk).toEqual({ supported: true, maxOperations: 100, maxPayloadSize: 1048576 });
  });

  test('users and a group whose members are bulkId references, forward ones included', async () => {
    const t = await newTenant(service, 'bulk-refs');
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([
        // The group comes first and references users created later in the request (§3.7.1).
        postGroup('team', 'Team', ['bulkId:alice', 'bulkId:bob']),
        postUser('alice', 'alice@example.com'),
        postUser('bob', 'bob@example.com'),
        {
          method: 'PATCH',
          path: '/Users/bulkId:alice',
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'displayName', value: 'Alice A' }],
          },
        },
        {
          method: 'PUT',
          path: '/Groups/bulkId:team',
          data: { schemas: [GROUP], displayName: 'Team Renamed', members: [{ value: 'bulkId:bob' }] },
        },
      ]),
    );

    expect(response.status).toBe(200);
    expect(response.body.schemas).toEqual([BULK_RESPONSE]);
    const ops = response.body.Operations;
    // Processing order: the users, then the group that references them, then the rest in request order.
    expect(ops.map((o: { method: string; status: string }) => `${o.method} ${o.status}`)).toEqual([
      'POST 201',
      'POST 201',
      'POST 201',
      'PATCH 200',
      'PUT 200',
    ]);
    const alice = byBulkId(response.body, 'alice');
    const bob = byBulkId(response.body, 'bob');
    const team = byBulkId(response.body, 'team');
    expect(alice).toEqual({
      location: expect.stringMatching(new RegExp(`^${t.base}/Users/[0-9a-f-]{36}$`)),
      method: 'POST',
      bulkId: 'alice',
      version: 'W/"1"',
      status: '201',
    });
    const aliceId = alice.location.split('/').pop();
    const bobId = bob.location.split('/').pop();
    const teamId = team.location.split('/').pop();
    expect(team.location).toBe(`${t.base}/Groups/${teamId}`);
    expect(ops[3]).toEqual({
      location: alice.location,
      method: 'PATCH',
      version: 'W/"2"',
      status: '200',
    });
    expect(ops[4]).toEqual(
      expect.objectContaining({ location: team.location, method: 'PUT', status: '200' }),
    );

    // Applied through the same use cases: the group's members, the patched user, versions as ETags.
    expect(await memberIdsOf(t, teamId)).toEqual([bobId]);
    const group = await t.call('GET', `/Groups/${teamId}`);
    expect(group.body.displayName).toBe('Team Renamed');
    expect(group.headers.get('etag')).toBe(ops[4].version);
    const aliceRead = await t.call('GET', `/Users/${aliceId}`);
    expect(aliceRead.body.displayName).toBe('Alice A');
    expect(aliceRead.headers.get('etag')).toBe('W/"2"');
  });

  test('failOnErrors stops after that many errors; what was applied before stays applied', async () => {
    const t = await newTenant(service, 'bulk-fail');
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf(
        [
          postUser('a', 'a@example.com'),
          postUser('b', 'b@example.com'),
          { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER] } },
          postUser('c', 'c@example.com'),
          postUser('d', 'd@example.com'),
        ],
        { failOnErrors: 1 },
      ),
    );

    expect(response.status).toBe(200);
    expect(response.body.Operations).toEqual([
      expect.objectContaining({ bulkId: 'a', status: '201' }),
      expect.objectContaining({ bulkId: 'b', status: '201' }),
      { method: 'POST', bulkId: 'bad', status: '400', response: scimError(400, 'invalidValue') },
    ]);
    // Not a transaction (§3.7): a and b stay; c and d were not processed.
    expect(await userNames(t)).toEqual(['a@example.com', 'b@example.com']);
  });

  test('without failOnErrors every operation is processed, errors or not', async () => {
    const t = await newTenant(service, 'bulk-all');
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf(
        [
          { method: 'POST', path: '/Users', bulkId: 'bad1', data: { schemas: [USER] } },
          { method: 'DELETE', path: '/Users/no-such-user' },
          postUser('ok', 'ok@example.com'),
        ],
        { failOnErrors: 3 },
      ),
    );
    expect(response.body.Operations.map((o: { status: string }) => o.status)).toEqual(['400', '404', '201']);
    expect(response.body.Operations[1]).toEqual({
      location: `${t.base}/Users/no-such-user`,
      method: 'DELETE',
      status: '404',
      response: scimError(404),
    });
    expect(await userNames(t)).toEqual(['ok@example.com']);
  });

  test('a uniqueness conflict in the middle is a 409 in that operation; the others are applied', async () => {
    const t = await newTenant(service, 'bulk-unique');
    expect((await t.call('POST', '/Users', { schemas: [USER], userName: 'taken@example.com' })).status).toBe(
      201,
    );

    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([
        postUser('one', 'one@example.com'),
        postUser('dup', 'TAKEN@example.com'),
        postUser('two', 'two@example.com'),
        postGroup('g1', 'Admins'),
        postGroup('g2', 'admins'),
      ]),
    );

    expect(response.status).toBe(200);
    expect(response.body.Operations.map((o: { status: string }) => o.status)).toEqual([
      '201',
      '409',
      '201',
      '201',
      '409',
    ]);
    // A failed POST has no location (§3.7.3); its response is the SCIM Error.
    expect(byBulkId(response.body, 'dup')).toEqual({
      method: 'POST',
      bulkId: 'dup',
      status: '409',
      response: {
        schemas: [SCIM_ERROR_SCHEMA],
        status: '409',
        scimType: 'uniqueness',
        detail: expect.any(String),
      },
    });
    expect(byBulkId(response.body, 'g2').response).toEqual(scimError(409, 'uniqueness'));
    expect(await userNames(t)).toEqual(['one@example.com', 'taken@example.com', 'two@example.com']);
    expect(await groupCount(t)).toBe(1);
  });

  test('an operation version is its If-Match: a stale one is a 412 with the location', async () => {
    const t = await newTenant(service, 'bulk-version');
    const created = await t.call('POST', '/Users', { schemas: [USER], userName: 'v@example.com' });
    const id = created.body.id;
    const put = (version: string, displayName: string) => ({
      method: 'PUT',
      path: `/Users/${id}`,
      version,
      data: { schemas: [USER], userName: 'v@example.com', displayName },
    });
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([
        put('W/"1"', 'First'),
        put('W/"1"', 'Stale'),
        { method: 'DELETE', path: `/Users/${id}`, version: 'W/"1"' },
      ]),
    );
    expect(response.body.Operations).toEqual([
      { location: `${t.base}/Users/${id}`, method: 'PUT', version: 'W/"2"', status: '200' },
      { location: `${t.base}/Users/${id}`, method: 'PUT', status: '412', response: scimError(412) },
      { location: `${t.base}/Users/${id}`, method: 'DELETE', status: '412', response: scimError(412) },
    ]);
    const read = await t.call('GET', `/Users/${id}`);
    expect(read.body.displayName).toBe('First');

    const deleted = await t.call(
      'POST',
      '/Bulk',
      bulkOf([{ method: 'DELETE', path: `/Users/${id}`, version: 'W/"2"' }]),
    );
    expect(deleted.body.Operations).toEqual([
      { location: `${t.base}/Users/${id}`, method: 'DELETE', status: '204' },
    ]);
    expect((await t.call('GET', `/Users/${id}`)).status).toBe(404);
  });

  test('circular bulkId references are answered 409 (RFC 7644 §3.7.1); the rest is processed', async () => {
    const t = await newTenant(service, 'bulk-cycle');
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([
        postGroup('ga', 'A', ['bulkId:gb']),
        postGroup('gb', 'B', ['bulkId:ga']),
        postGroup('self', 'Self', ['bulkId:self']),
        // Depends on the cycle: not resolvable either.
        { method: 'PATCH', path: '/Groups/bulkId:ga', data: { schemas: [PATCH_OP], Operations: [] } },
        postUser('u', 'u@example.com'),
      ]),
    );

    expect(response.status).toBe(200);
    // The user first (processed), then the unresolvable operations in request order.
    expect(
      response.body.Operations.map((o: { bulkId?: string; status: string }) => `${o.bulkId} ${o.status}`),
    ).toEqual(['u 201', 'ga 409', 'gb 409', 'self 409', 'undefined 409']);
    expect(byBulkId(response.body, 'ga').response).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '409',
      detail: expect.stringContaining('circular'),
    });
    expect(await groupCount(t)).toBe(0);
    expect(await userNames(t)).toEqual(['u@example.com']);
  });

  test('a reference to a failed POST is a 409, to an undeclared bulkId a 400', async () => {
    const t = await newTenant(service, 'bulk-deps');
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([
        { method: 'POST', path: '/Users', bulkId: 'broken', data: { schemas: [USER] } },
        postGroup('g', 'G', ['bulkId:broken']),
        postGroup('h', 'H', ['bulkId:nobody']),
      ]),
    );
    expect(response.body.Operations).toEqual([
      expect.objectContaining({ bulkId: 'broken', status: '400' }),
      { method: 'POST', bulkId: 'g', status: '409', response: scimError(409) },
      { method: 'POST', bulkId: 'h', status: '400', response: scimError(400, 'invalidValue') },
    ]);
    expect(await groupCount(t)).toBe(0);
  });

  test('more operations than maxOperations: 413, nothing applied', async () => {
    const t = await newTenant(service, 'bulk-many');
    const operations = Array.from({ length: 101 }, (_, i) => postUser(`u${i}`, `u${i}@example.com`));
    const response = await t.call('POST', '/Bulk', bulkOf(operations));
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '413',
      detail: expect.stringContaining('maxOperations (100)'),
    });
    expect(await userNames(t)).toEqual([]);
  });

  test('more than 1000 member values across group operations: 413, nothing applied', async () => {
    const t = await newTenant(service, 'bulk-members');
    const members = Array.from(
      { length: 1001 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const response = await t.call(
      'POST',
      '/Bulk',
      bulkOf([postUser('first', 'first@example.com'), postGroup('g', 'G', members)]),
    );
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '413',
      detail: expect.stringContaining('1001 member values, more than 1000'),
    });
    expect(await userNames(t)).toEqual([]);
  });

  test('a body over maxPayloadSize: 413, nothing applied', async () => {
    const t = await newTenant(service, 'bulk-big');
    const operations = [
      postUser('small', 'small@example.com'),
      postUser('big', 'big@example.com', { nickName: 'x'.repeat(1024 * 1024) }),
    ];
    const response = await t.call('POST', '/Bulk', bulkOf(operations));
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '413',
      detail: expect.stringContaining('1048576'),
    });
    expect(await userNames(t)).toEqual([]);
  });

  test.each([
    ['wrong schemas', { schemas: ['urn:x'], Operations: [] }, 'invalidSyntax'],
    ['no Operations', { schemas: [BULK_REQUEST] }, 'invalidSyntax'],
    ['a missing method', bulkOf([{ path: '/Users', bulkId: 'x', data: {} }]), 'invalidSyntax'],
    ['an unknown method', bulkOf([{ method: 'GET', path: '/Users/1' }]), 'invalidSyntax'],
    ['a missing path', bulkOf([{ method: 'DELETE' }]), 'invalidSyntax'],
    ['a path outside Users and Groups', bulkOf([{ method: 'DELETE', path: '/Schemas/x' }]), 'invalidPath'],
    ['POST to an id', bulkOf([{ method: 'POST', path: '/Users/1', bulkId: 'x', data: {} }]), 'invalidPath'],
    ['DELETE without an id', bulkOf([{ method: 'DELETE', path: '/Groups' }]), 'invalidPath'],
    ['POST without bulkId', bulkOf([{ method: 'POST', path: '/Users', data: {} }]), 'invalidSyntax'],
    ['PUT without data', bulkOf([{ method: 'PUT', path: '/Users/1' }]), 'invalidSyntax'],
    [
      'a duplicate bulkId',
      bulkOf([postUser('x', 'x1@example.com'), postUser('x', 'x2@example.com')]),
      'invalidValue',
    ],
    ['failOnErrors 0', bulkOf([], { failOnErrors: 0 }), 'invalidValue'],
  ])('a malformed BulkRequest (%s): 400, nothing applied', async (_, body, scimType) => {
    const t = await newTenant(service, 'bulk-bad');
    // A valid operation first: it must not be applied either.
    const withValid =
      Array.isArray((body as { Operations?: unknown[] }).Operations) &&
      !(body as { Operations: { bulkId?: string }[] }).Operations.some((o) => o.bulkId === 'first')
        ? {
            ...body,
            Operations: [
              postUser('first', 'first@example.com'),
              ...(body as { Operations: unknown[] }).Operations,
            ],
          }
        : body;
    const response = await t.call('POST', '/Bulk', withValid);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, scimType));
    expect(await userNames(t)).toEqual([]);
  });

  test('a body that is not JSON is a 400; GET is a 405', async () => {
    const t = await newTenant(service, 'bulk-http');
    const { token } = await service.createToken(t.tenantId);
    const response = await service.request('POST', `${t.base}/Bulk`, {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      rawBody: '{not json',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidSyntax'));
    const get = await t.call('GET', '/Bulk');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  test('generated BulkRequests: never a 5xx, per operation or for the request; a refused one changes nothing', async () => {
    const t = await newTenant(service, 'bulk-fuzz');
    const odd = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      fc.string({ maxLength: 8 }),
      fc.constant('bulkId:b1'),
      fc.constant('bulkId:nobody'),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
    );
    const userData = fc.record(
      {
        schemas: fc.constantFrom([USER], [GROUP], 'x'),
        userName: fc.oneof(fc.constantFrom('fuzz-a@example.com', 'fuzz-b@example.com'), odd),
        active: fc.oneof(fc.boolean(), odd),
        emails: fc.oneof(fc.constant([{ value: 'f@example.com' }]), odd),
      },
      { requiredKeys: [] },
    );
    const groupData = fc.record(
      {
        schemas: fc.constantFrom([GROUP], [USER]),
        displayName: fc.oneof(fc.constantFrom('Fuzz A', 'Fuzz B'), odd),
        members: fc.oneof(fc.constant([{ value: 'bulkId:b1' }]), fc.constant([{ value: 'bulkId:b2' }]), odd),
      },
      { requiredKeys: [] },
    );
    const patchData = fc.record({
      schemas: fc.constantFrom([PATCH_OP], ['x']),
      Operations: fc.array(
        fc.record(
          {
            op: fc.constantFrom('add', 'replace', 'remove', 'nope'),
            path: fc.constantFrom('displayName', 'members', 'userName', 'active'),
            value: odd,
          },
          { requiredKeys: ['op'] },
        ),
        { maxLength: 2 },
      ),
    });
    const randomOperation = fc.record(
      {
        method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
        path: fc.constantFrom(
          '/Users',
          '/Groups',
          '/Users/bulkId:b1',
          '/Groups/bulkId:b2',
          '/Users/nope',
          '/Nope',
        ),
        bulkId: fc.constant('x'),
        version: fc.oneof(fc.constant('W/"1"'), fc.constant('W/"9"'), odd),
        data: fc.oneof(userData, groupData, patchData, odd),
      },
      { requiredKeys: ['method', 'path'] },
    );
    // Mostly well-formed operations, so that the use cases run, with odd values inside.
    // Mostly fresh names; a few repeat, for uniqueness conflicts.
    const name = fc.oneof(
      fc.constant('fuzz@example.com'),
      fc.nat(100_000).map((n) => `fuzz-${n}@example.com`),
    );
    const wellFormed = fc.oneof(
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/Users'),
        bulkId: fc.constant('x'),
        data: fc.oneof(
          name.map((userName) => ({ schemas: [USER], userName })),
          fc.tuple(name, userData).map(([userName, extra]) => ({ schemas: [USER], userName, ...extra })),
        ),
      }),
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/Groups'),
        bulkId: fc.constant('x'),
        data: fc.oneof(
          fc.constantFrom('Fuzz A', 'Fuzz B').map((displayName) => ({ schemas: [GROUP], displayName })),
          groupData,
        ),
      }),
      fc.record({
        method: fc.constantFrom('PATCH', 'PUT'),
        path: fc.constantFrom('/Users/bulkId:b1', '/Groups/bulkId:b2'),
        data: fc.oneof(patchData, userData, groupData),
      }),
      fc.record({
        method: fc.constant('DELETE'),
        path: fc.constantFrom('/Users/bulkId:b1', '/Groups/bulkId:b2'),
      }),
    );
    // bulkIds by position (b1, b2, …): unique, so that the references above name them.
    const operations = fc
      .array(fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: randomOperation }), {
        maxLength: 5,
      })
      .map((list) =>
        list.map((op: Record<string, unknown>, i) => ('bulkId' in op ? { ...op, bulkId: `b${i + 1}` } : op)),
      );
    const body = fc.record(
      {
        schemas: fc.constantFrom([BULK_REQUEST], [BULK_REQUEST], [BULK_REQUEST], ['x']),
        failOnErrors: fc.oneof(fc.integer({ min: 1, max: 3 }), odd),
        Operations: operations,
      },
      { requiredKeys: ['schemas', 'Operations'] },
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(body, async (bulk) => {
        const before = await userNames(t);
        const groupsBefore = await groupCount(t);
        const response = await t.call('POST', '/Bulk', bulk);
        seen.add(String(response.status));
        expect(response.status).toBeLessThan(500);
        if (response.status === 200) {
          for (const op of response.body.Operations) {
            seen.add(`op ${op.status}`);
            expect(Number(op.status)).toBeLessThan(500);
          }
        } else {
          expect(response.status).toBe(400);
          expect(await userNames(t)).toEqual(before);
          expect(await groupCount(t)).toBe(groupsBefore);
        }
      }),
      { numRuns: 40, seed: 9 },
    );
    // The generator reached the operations, successes and failures alike, not only the parser.
    for (const status of ['200', '400', 'op 201', 'op 204', 'op 400', 'op 409'])
      expect(seen).toContain(status);
  }, 120_000);
});
