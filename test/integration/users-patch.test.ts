import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/** A SCIM resource as answered (the test client leaves bodies untyped). */
type ScimResource = TestResponse['body'];

/** PATCH /Users/{id} (RFC 7644 §3.5.2) through HTTP: one tenant and one user per test. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ALICE = {
  schemas: [USER],
  userName: 'alice@example.com',
  externalId: 'ext-alice',
  name: { givenName: 'Alice', familyName: 'Anders' },
  title: 'Engineer',
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
};

interface Fixture {
  scim: (method: string, path: string, body?: unknown) => Promise<TestResponse>;
  /** The user as created. */
  user: ScimResource;
  patch: (...operations: unknown[]) => Promise<TestResponse>;
  /** The user as it is now. */
  read: () => Promise<ScimResource>;
  count: (filter: string) => Promise<number>;
}

/** A tenant of its own with one user (ALICE unless `body` says otherwise). */
async function withUser(label: string, body: Record<string, unknown> = ALICE): Promise<Fixture> {
  const { token, scimBaseUrl } = await service.createToken(`${label}-${randomUUID().slice(0, 8)}`);
  const scim = (method: string, path: string, payload?: unknown) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, payload);
  const created = await scim('POST', '/Users', body);
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const path = `/Users/${created.body.id}`;
  return {
    scim,
    user: created.body,
    patch: (...Operations) => scim('PATCH', path, { schemas: [PATCH_OP], Operations }),
    read: async () => (await scim('GET', path)).body,
    count: async (filter) =>
      (await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.totalResults,
  };
}

function expectScimError(response: TestResponse, status: number, scimType?: string) {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail: expect.any(String),
  });
}

describe('the answer', () => {
  test('is 200 with the whole resource, a new version and its ETag', async () => {
    const { patch, user } = await withUser('answer');

    const response = await patch({ op: 'replace', path: 'title', value: 'Architect' });

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('W/"2"');
    expect(response.body).toEqual({
      ...user,
      title: 'Architect',
      meta: { ...user.meta, version: 'W/"2"', lastModified: expect.any(String) },
    });
    expect(Date.parse(response.body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(user.meta.created));
  });

  test('the change is stored', async () => {
    const { patch, read } = await withUser('stored');

    const response = await patch({ op: 'replace', path: 'title', value: 'Architect' });

    expect(await read()).toEqual(response.body);
  });

  test('an unknown user is a 404', async () => {
    const { scim } = await withUser('unknown');

    const response = await scim('PATCH', `/Users/${randomUUID()}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'x' }],
    });

    expectScimError(response, 404);
  });
});

describe('simple attributes', () => {
  test('add sets an absent attribute', async () => {
    const { patch } = await withUser('add-simple');

    const response = await patch({ op: 'add', path: 'nickName', value: 'Al' });

    expect(response.body.nickName).toBe('Al');
  });

  test('add on a set single-valued attribute replaces it', async () => {
    const { patch } = await withUser('add-existing');

    const response = await patch({ op: 'add', path: 'title', value: 'Lead' });

    expect(response.body.title).toBe('Lead');
  });

  test('remove unassigns the attribute', async () => {
    const { patch } = await withUser('remove-simple');

    const response = await patch({ op: 'remove', path: 'title' });

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('title');
  });

  test('replace with null unassigns the attribute', async () => {
    const { patch } = await withUser('replace-null');

    const response = await patch({ op: 'replace', path: 'title', value: null });

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('title');
  });

  test('attribute names in paths are case-insensitive', async () => {
    const { patch } = await withUser('path-case');

    const response = await patch({ op: 'replace', path: 'DISPLAYNAME', value: 'Alice A.' });

    expect(response.body.displayName).toBe('Alice A.');
  });

  test('a path qualified with the core schema URN is the core attribute', async () => {
    const { patch } = await withUser('core-urn');

    const response = await patch({ op: 'replace', path: `${USER}:name.givenName`, value: 'Ally' });

    expect(response.body.name).toEqual({ givenName: 'Ally', familyName: 'Anders' });
  });

  test('a value of the wrong type is a 400 invalidValue', async () => {
    const { patch } = await withUser('wrong-type');

    expectScimError(await patch({ op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue');
  });

  test('the password is accepted and never returned', async () => {
    const { patch, read } = await withUser('password');

    const response = await patch({ op: 'replace', path: 'password', value: 'n3w-Secret' });

    expect(response.status).toBe(200);
    expect(response.text).not.toContain('n3w-Secret');
    expect(JSON.stringify(await read())).not.toContain('n3w-Secret');
  });

  test('replace externalId moves the externalId lookup', async () => {
    const { patch, count } = await withUser('external-id');

    await patch({ op: 'replace', path: 'externalId', value: 'ext-new' });

    expect(await count('externalId eq "ext-new"')).toBe(1);
    expect(await count('externalId eq "ext-alice"')).toBe(0);
  });

  test('remove externalId drops the externalId lookup', async () => {
    const { patch, count } = await withUser('external-id-remove');

    await patch({ op: 'remove', path: 'externalId' });

    expect(await count('externalId eq "ext-alice"')).toBe(0);
  });
});

describe('complex attributes and sub-attributes', () => {
  test('replace of name with an object keeps the sub-attributes not given', async () => {
    const { patch } = await withUser('replace-complex');

    const response = await patch({ op: 'replace', path: 'name', value: { familyName: 'King' } });

    expect(response.body.name).toEqual({ givenName: 'Alice', familyName: 'King' });
  });

  test('add of a sub-attribute creates the complex attribute', async () => {
    const { patch } = await withUser('add-sub', { schemas: [USER], userName: 'bare@example.com' });

    const response = await patch({ op: 'add', path: 'name.givenName', value: 'Bare' });

    expect(response.body.name).toEqual({ givenName: 'Bare' });
  });

  test('remove of a sub-attribute keeps the others', async () => {
    const { patch } = await withUser('remove-sub');

    const response = await patch({ op: 'remove', path: 'name.givenName' });

    expect(response.body.name).toEqual({ familyName: 'Anders' });
  });

  test('an unknown sub-attribute is a 400 invalidPath', async () => {
    const { patch } = await withUser('unknown-sub');

    expectScimError(await patch({ op: 'replace', path: 'name.nickName', value: 'x' }), 400, 'invalidPath');
  });
});

describe('multi-valued attributes', () => {
  test('add appends a value and keeps the others', async () => {
    const { patch } = await withUser('add-email');

    const response = await patch({
      op: 'add',
      path: 'emails',
      value: [{ value: 'a@other.org', type: 'other' }],
    });

    expect(response.body.emails).toEqual([...ALICE.emails, { value: 'a@other.org', type: 'other' }]);
  });

  test('a path-less add of emails appends to them', async () => {
    const { patch } = await withUser('add-emails-map');

    const response = await patch({ op: 'add', value: { emails: [{ value: 'a@other.org', type: 'other' }] } });

    expect(response.body.emails).toEqual([...ALICE.emails, { value: 'a@other.org', type: 'other' }]);
  });

  test('add of a value already present does not duplicate it', async () => {
    const { patch } = await withUser('add-dup');

    const response = await patch({
      op: 'add',
      path: 'emails',
      value: [{ value: 'alice@home.org', type: 'home' }],
    });

    expect(response.body.emails).toEqual(ALICE.emails);
  });

  test('replace without a filter replaces the whole set and the email lookups', async () => {
    const { patch, count } = await withUser('replace-emails');

    const response = await patch({
      op: 'replace',
      path: 'emails',
      value: [{ value: 'new@example.com', type: 'work' }],
    });

    expect(response.body.emails).toEqual([{ value: 'new@example.com', type: 'work' }]);
    expect(await count('emails.value eq "new@example.com"')).toBe(1);
    expect(await count('emails.value eq "alice@home.org"')).toBe(0);
  });

  test('remove without a filter removes every value', async () => {
    const { patch, count } = await withUser('remove-emails');

    const response = await patch({ op: 'remove', path: 'emails' });

    expect(response.body).not.toHaveProperty('emails');
    expect(await count('emails.value eq "alice@example.com"')).toBe(0);
  });

  test('remove with a value filter removes only the matching values', async () => {
    const { patch, count } = await withUser('remove-filtered');

    const response = await patch({ op: 'remove', path: 'emails[type eq "home"]' });

    expect(response.body.emails).toEqual([ALICE.emails[0]]);
    expect(await count('emails.value eq "alice@home.org"')).toBe(0);
    expect(await count('emails.value eq "alice@example.com"')).toBe(1);
  });

  test('a value filter compares values with the attribute case rules', async () => {
    const { patch } = await withUser('filter-case');

    const response = await patch({ op: 'remove', path: 'emails[value eq "ALICE@HOME.ORG"]' });

    expect(response.body.emails).toEqual([ALICE.emails[0]]);
  });

  test('replace with a value filter replaces the matching value', async () => {
    const { patch } = await withUser('replace-filtered');

    const response = await patch({
      op: 'replace',
      path: 'emails[type eq "home"]',
      value: { value: 'alice@new-home.org', type: 'home' },
    });

    expect(response.body.emails).toEqual([ALICE.emails[0], { value: 'alice@new-home.org', type: 'home' }]);
  });

  test('replace of a sub-attribute through a value filter changes only that', async () => {
    const { patch } = await withUser('replace-filtered-sub');

    const response = await patch({
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'a@work.org',
    });

    expect(response.body.emails).toEqual([
      { value: 'a@work.org', type: 'work', primary: true },
      ALICE.emails[1],
    ]);
  });

  test('remove with a filter that matches nothing is a 400 noTarget', async () => {
    const { patch } = await withUser('no-target');

    expectScimError(await patch({ op: 'remove', path: 'emails[type eq "fax"]' }), 400, 'noTarget');
  });

  test('a value filter on a single-valued attribute is a 400 invalidPath', async () => {
    const { patch } = await withUser('filter-single');

    expectScimError(
      await patch({ op: 'replace', path: 'title[value eq "x"]', value: 'y' }),
      400,
      'invalidPath',
    );
  });

  test('a malformed value filter is a 400 invalidFilter', async () => {
    const { patch } = await withUser('bad-filter');

    expectScimError(await patch({ op: 'remove', path: 'emails[type xx "work"]' }), 400, 'invalidFilter');
  });

  test('an unclosed value path is a 400 invalidPath', async () => {
    const { patch } = await withUser('unclosed');

    expectScimError(await patch({ op: 'remove', path: 'emails[type eq "work"' }), 400, 'invalidPath');
  });
});

describe('primary', () => {
  test('adding a primary value makes the former primary non-primary', async () => {
    const { patch } = await withUser('primary-add');

    const response = await patch({
      op: 'add',
      path: 'emails',
      value: [{ value: 'main@example.com', type: 'other', primary: true }],
    });

    expect(response.body.emails.filter((e: { primary?: boolean }) => e.primary)).toEqual([
      { value: 'main@example.com', type: 'other', primary: true },
    ]);
  });

  test('setting primary through a value filter moves it', async () => {
    const { patch } = await withUser('primary-move');

    const response = await patch({ op: 'replace', path: 'emails[type eq "home"].primary', value: true });

    expect(response.body.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: false },
      { value: 'alice@home.org', type: 'home', primary: true },
    ]);
  });

  test('two primary values in one operation are a 400 invalidValue', async () => {
    const { patch, read, user } = await withUser('primary-two');

    const response = await patch({
      op: 'replace',
      path: 'emails',
      value: [
        { value: 'one@example.com', primary: true },
        { value: 'two@example.com', primary: true },
      ],
    });

    expectScimError(response, 400, 'invalidValue');
    expect(await read()).toEqual(user);
  });
});

describe('extension attributes', () => {
  test('add of a URN-qualified attribute creates the extension', async () => {
    const { patch } = await withUser('ext-add');

    const response = await patch({ op: 'add', path: `${ENTERPRISE}:department`, value: 'R&D' });

    expect(response.body[ENTERPRISE]).toEqual({ department: 'R&D' });
    expect(response.body.schemas).toEqual([USER, ENTERPRISE]);
  });

  test('a path naming the extension takes an object of its attributes', async () => {
    const { patch } = await withUser('ext-object');

    const response = await patch({
      op: 'replace',
      path: ENTERPRISE,
      value: { employeeNumber: '42', manager: { value: 'boss' } },
    });

    expect(response.body[ENTERPRISE]).toEqual({ employeeNumber: '42', manager: { value: 'boss' } });
  });

  test('a sub-attribute of the manager by its qualified path', async () => {
    const { patch } = await withUser('ext-sub');

    const response = await patch({ op: 'add', path: `${ENTERPRISE}:manager.value`, value: 'boss' });

    expect(response.body[ENTERPRISE]).toEqual({ manager: { value: 'boss' } });
  });

  test('removing the extension drops it and its schema URN', async () => {
    const { patch } = await withUser('ext-remove', { ...ALICE, [ENTERPRISE]: { department: 'R&D' } });

    const response = await patch({ op: 'remove', path: ENTERPRISE });

    expect(response.body).not.toHaveProperty(ENTERPRISE);
    expect(response.body.schemas).toEqual([USER]);
  });

  test('removing its last attribute drops the extension', async () => {
    const { patch } = await withUser('ext-last', { ...ALICE, [ENTERPRISE]: { department: 'R&D' } });

    const response = await patch({ op: 'remove', path: `${ENTERPRISE}:department` });

    expect(response.body).not.toHaveProperty(ENTERPRISE);
    expect(response.body.schemas).toEqual([USER]);
  });

  test('an extension attribute that does not exist is a 400 invalidPath', async () => {
    const { patch } = await withUser('ext-unknown');

    expectScimError(
      await patch({ op: 'add', path: `${ENTERPRISE}:shoeSize`, value: '9' }),
      400,
      'invalidPath',
    );
  });
});

describe('mutability', () => {
  test.each([
    ['id', 'replace', 'id', 'other'],
    ['meta', 'replace', 'meta.created', '2000-01-01T00:00:00Z'],
    ['groups', 'add', 'groups', [{ value: 'g1' }]],
    ['schemas', 'replace', 'schemas', [USER]],
  ])('a path to readOnly %s is a 400 mutability', async (_name, op, path, value) => {
    const { patch, read, user } = await withUser(`readonly-${_name}`);

    expectScimError(await patch({ op, path, value }), 400, 'mutability');
    expect(await read()).toEqual(user);
  });

  test('readOnly attributes inside a path-less value are ignored', async () => {
    const { patch, user } = await withUser('readonly-ignored');

    const response = await patch({
      op: 'replace',
      value: { id: 'other', meta: { created: 'x' }, groups: [{ value: 'g' }], displayName: 'Renamed' },
    });

    expect(response.status).toBe(200);
    expect(response.body.id).toBe(user.id);
    expect(response.body.meta.created).toBe(user.meta.created);
    expect(response.body.displayName).toBe('Renamed');
  });

  test('removing the required userName is a 400', async () => {
    const { patch, read, user } = await withUser('required');

    const response = await patch({ op: 'remove', path: 'userName' });

    expect(response.status).toBe(400);
    expect(['mutability', 'invalidValue']).toContain(response.body.scimType);
    expect(await read()).toEqual(user);
  });

  test('an unknown attribute is a 400 invalidPath', async () => {
    const { patch } = await withUser('invalid-path');

    expectScimError(await patch({ op: 'replace', path: 'shoeSize', value: 9 }), 400, 'invalidPath');
  });

  test('an unknown attribute inside a path-less value is a 400 invalidPath', async () => {
    const { patch } = await withUser('invalid-path-map');

    expectScimError(await patch({ op: 'replace', value: { shoeSize: 9 } }), 400, 'invalidPath');
  });
});

describe('userName changes', () => {
  test('a rename frees the old name and takes the new one', async () => {
    const { patch, scim, count } = await withUser('rename');

    await patch({ op: 'replace', path: 'userName', value: 'renamed@example.com' });

    expect(await count('userName eq "alice@example.com"')).toBe(0);
    expect(await count('userName eq "RENAMED@example.com"')).toBe(1);
    expect((await scim('POST', '/Users', { schemas: [USER], userName: 'Renamed@Example.com' })).status).toBe(
      409,
    );
    expect((await scim('POST', '/Users', { schemas: [USER], userName: 'alice@example.com' })).status).toBe(
      201,
    );
  });

  test('a rename to a taken name is a 409 uniqueness and changes nothing', async () => {
    const { patch, scim, read, user } = await withUser('rename-taken');
    await scim('POST', '/Users', { schemas: [USER], userName: 'bob@example.com' });

    const response = await patch(
      { op: 'replace', path: 'displayName', value: 'Changed' },
      { op: 'replace', path: 'userName', value: 'BOB@example.com' },
    );

    expectScimError(response, 409, 'uniqueness');
    expect(await read()).toEqual(user);
  });

  test('a change of case only keeps the name and stores the new spelling', async () => {
    const { patch, count } = await withUser('rename-case');

    const response = await patch({ op: 'replace', path: 'userName', value: 'Alice@Example.com' });

    expect(response.status).toBe(200);
    expect(response.body.userName).toBe('Alice@Example.com');
    expect(await count('userName eq "alice@example.com"')).toBe(1);
  });

  test('an empty userName is a 400 invalidValue', async () => {
    const { patch } = await withUser('rename-empty');

    expectScimError(await patch({ op: 'replace', path: 'userName', value: '  ' }), 400, 'invalidValue');
  });
});

describe('atomicity', () => {
  test('a failing second operation leaves the user unchanged', async () => {
    const { patch, read, user } = await withUser('atomic');

    const response = await patch(
      { op: 'replace', path: 'title', value: 'Changed' },
      { op: 'replace', path: 'shoeSize', value: 9 },
    );

    expectScimError(response, 400, 'invalidPath');
    expect(response.body.detail).toContain('Operations[1]');
    expect(await read()).toEqual(user);
  });

  test('a failing last operation after a rename leaves the old name taken', async () => {
    const { patch, scim, count } = await withUser('atomic-rename');

    await patch(
      { op: 'replace', path: 'userName', value: 'other@example.com' },
      { op: 'remove', path: 'emails[type eq "fax"]' },
    );

    expect(await count('userName eq "alice@example.com"')).toBe(1);
    expect((await scim('POST', '/Users', { schemas: [USER], userName: 'other@example.com' })).status).toBe(
      201,
    );
  });

  test('operations apply in order: a later one sees an earlier one', async () => {
    const { patch } = await withUser('ordered');

    const response = await patch(
      { op: 'add', path: 'emails', value: [{ value: 'x@example.com', type: 'other' }] },
      { op: 'replace', path: 'emails[type eq "other"].display', value: 'X' },
      { op: 'remove', path: 'emails[type eq "home"]' },
    );

    expect(response.body.emails).toEqual([
      ALICE.emails[0],
      { value: 'x@example.com', type: 'other', display: 'X' },
    ]);
  });
});

describe('the PatchOp message', () => {
  test.each([
    ['no schemas', { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    ['empty Operations', { schemas: [PATCH_OP], Operations: [] }, 'invalidSyntax'],
    ['an unknown op', { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'title' }] }, 'invalidSyntax'],
    [
      'add without a value',
      { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title' }] },
      'invalidValue',
    ],
    ['remove without a path', { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }, 'noTarget'],
    [
      'a path-less replace of a string',
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: 'x' }] },
      'invalidValue',
    ],
    ['a body that is an array', [{ op: 'replace', path: 'title', value: 'x' }], 'invalidSyntax'],
  ])('%s is a 400 %s', async (_name, body, scimType) => {
    const { scim, user } = await withUser(`message-${scimType.toLowerCase()}`);

    expectScimError(await scim('PATCH', `/Users/${user.id}`, body), 400, scimType);
  });

  test('more than 1000 operations are refused', async () => {
    const { patch } = await withUser('too-many');
    const operations = Array.from({ length: 1001 }, (_, i) => ({
      op: 'replace',
      path: 'title',
      value: `t${i}`,
    }));

    const response = await patch(...operations);

    expect(response.status).toBe(400);
  });
});
