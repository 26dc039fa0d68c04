import { startTestService, type TestService } from '../support/service';
import {
  type CreatedUser,
  createGroup,
  createUsers,
  expectMembers,
  GROUP,
  ids,
  memberIdsOf,
  newTenant,
  patchGroup,
  patchOf,
  scimError,
  storedEdges,
  storedMemberCount,
  type Tenant,
} from './groups-helpers';

/** Group membership through HTTP: validation, the member representation, large changes, PATCH answers. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

describe('members must be users of the same tenant', () => {
  test('an unknown member id is a 400 invalidValue and nothing of the request is applied', async () => {
    const t = await newTenant(service, 'mem-unknown');
    const [kept, added, removed] = await createUsers(t, 3);
    const group = await createGroup(t, 'Original', [kept.id, removed.id]);

    const response = await t.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf(
        { op: 'replace', value: { id: group.id, displayName: 'Renamed' } },
        { op: 'remove', path: `members[value eq "${removed.id}"]` },
        {
          op: 'add',
          path: 'members',
          value: [{ value: added.id }, { value: '1c1c1c1c-0000-4000-8000-000000000000' }],
        },
      ),
    );

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
    expect(response.body.detail).toContain('1c1c1c1c-0000-4000-8000-000000000000');
    const after = await t.call('GET', `/Groups/${group.id}`);
    expect(after.body.displayName).toBe('Original');
    expect(after.body.meta.version).toBe(group.meta.version);
    await expectMembers(t, group.id, [kept.id, removed.id]);
  });

  test("another tenant's user id is refused like an unknown id, and nothing is applied", async () => {
    const t = await newTenant(service, 'mem-home');
    const other = await newTenant(service, 'mem-foreign');
    const [local] = await createUsers(t, 1);
    const [foreign] = await createUsers(other, 1);
    const group = await createGroup(t, 'Home');

    const response = await t.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf(
        { op: 'replace', value: { id: group.id, displayName: 'Hijacked' } },
        { op: 'add', path: 'members', value: [{ value: local.id }, { value: foreign.id }] },
      ),
    );

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
    expect((await t.call('GET', `/Groups/${group.id}`)).body.displayName).toBe('Home');
    await expectMembers(t, group.id, []);
    const foreignUser = await other.call('GET', `/Users/${foreign.id}`);
    expect(foreignUser.body.groups ?? []).toEqual([]);
  });

  test('a POST with an unknown member is a 400 and creates no group (the name stays free)', async () => {
    const t = await newTenant(service, 'mem-post');
    const [user] = await createUsers(t, 1);

    const response = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Half Made',
      members: [{ value: user.id }, { value: 'no-such-user' }],
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
    const list = await t.call('GET', '/Groups');
    expect(list.body.totalResults).toBe(0);
    expect((await t.call('GET', `/Users/${user.id}`)).body.groups ?? []).toEqual([]);
    const retry = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Half Made',
      members: [],
    });
    expect(retry.status).toBe(201);
  });

  test('a PUT with an unknown member is a 400 and leaves name and members unchanged', async () => {
    const t = await newTenant(service, 'mem-put');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'Stable', [a.id]);

    const response = await t.call('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP],
      displayName: 'Changed',
      members: [{ value: b.id }, { value: 'ghost' }],
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
    expect((await t.call('GET', `/Groups/${group.id}`)).body.displayName).toBe('Stable');
    await expectMembers(t, group.id, [a.id]);
  });

  test('a member without a value is a 400', async () => {
    const t = await newTenant(service, 'mem-novalue');
    const group = await createGroup(t, 'NoValue');

    const response = await t.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'add', path: 'members', value: [{ display: 'someone' }] }),
    );

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
  });

  test('a PATCH on an unknown group is a SCIM 404, even when its members are unknown too', async () => {
    const t = await newTenant(service, 'mem-404');
    const [user] = await createUsers(t, 1);
    const missing = '0f0f0f0f-0000-4000-8000-000000000000';

    const valid = await t.call(
      'PATCH',
      `/Groups/${missing}`,
      patchOf({ op: 'add', path: 'members', value: [{ value: user.id }] }),
    );
    const invalid = await t.call(
      'PATCH',
      `/Groups/${missing}`,
      patchOf({ op: 'add', path: 'members', value: [{ value: 'ghost' }] }),
    );

    expect(valid.status).toBe(404);
    expect(valid.body).toEqual(scimError(404));
    expect(invalid.status).toBe(404);
    expect((await t.call('GET', `/Users/${user.id}`)).body.groups ?? []).toEqual([]);
  });
});

describe('the member representation', () => {
  test('GET /Groups/{id} returns each member with value, display, $ref and type', async () => {
    const t = await newTenant(service, 'mem-repr');
    const [ada] = await createUsers(t, 1, 'ada');
    const group = await createGroup(t, 'Repr', [ada.id]);

    const response = await t.call('GET', `/Groups/${group.id}`);

    expect(response.status).toBe(200);
    expect(response.body.members).toEqual([
      { value: ada.id, display: ada.displayName, $ref: `${t.base}/Users/${ada.id}`, type: 'User' },
    ]);
  });

  test('GET /Users/{id} lists its groups as direct memberships, and follows a rename', async () => {
    const t = await newTenant(service, 'mem-usergroups');
    const [user] = await createUsers(t, 1);
    const first = await createGroup(t, 'First', [user.id]);
    const second = await createGroup(t, 'Second');
    await patchGroup(t, second.id, { op: 'add', path: 'members', value: [{ value: user.id }] });
    await patchGroup(t, first.id, { op: 'replace', value: { id: first.id, displayName: 'First Renamed' } });

    const response = await t.call('GET', `/Users/${user.id}`);

    expect(response.status).toBe(200);
    const groups = [...response.body.groups].sort((a, b) => a.display.localeCompare(b.display));
    expect(groups).toEqual([
      { value: first.id, display: 'First Renamed', $ref: `${t.base}/Groups/${first.id}`, type: 'direct' },
      { value: second.id, display: 'Second', $ref: `${t.base}/Groups/${second.id}`, type: 'direct' },
    ]);
  });

  test('groups sent on a user write are ignored (readOnly): memberships change only through /Groups', async () => {
    const t = await newTenant(service, 'mem-readonly');
    const [user] = await createUsers(t, 1);
    const group = await createGroup(t, 'Readonly');
    const current = (await t.call('GET', `/Users/${user.id}`)).body;

    const put = await t.call('PUT', `/Users/${user.id}`, {
      ...current,
      groups: [{ value: group.id, display: 'Readonly' }],
    });

    expect(put.status).toBe(200);
    expect(put.body.groups ?? []).toEqual([]);
    await expectMembers(t, group.id, []);
  });
});

describe('membership changes', () => {
  test('adding a present member and removing an absent one change nothing', async () => {
    const t = await newTenant(service, 'mem-idem');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'Idempotent', [a.id]);

    await patchGroup(
      t,
      group.id,
      { op: 'add', path: 'members', value: [{ value: a.id }, { value: a.id }] },
      { op: 'remove', path: `members[value eq "${b.id}"]` },
    );

    await expectMembers(t, group.id, [a.id]);
  });

  test('within one request the later operation wins (remove then add keeps, add then remove drops)', async () => {
    const t = await newTenant(service, 'mem-order');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'Order', [a.id]);

    await patchGroup(
      t,
      group.id,
      { op: 'remove', path: `members[value eq "${a.id}"]` },
      { op: 'add', path: 'members', value: [{ value: a.id }] },
      { op: 'add', path: 'members', value: [{ value: b.id }] },
      { op: 'remove', path: `members[value eq "${b.id}"]` },
    );

    await expectMembers(t, group.id, [a.id]);
  });

  test('remove of "members" without a value removes every member', async () => {
    const t = await newTenant(service, 'mem-removeall');
    const users = await createUsers(t, 3);
    const group = await createGroup(t, 'RemoveAll', ids(users));

    await patchGroup(t, group.id, { op: 'remove', path: 'members' });

    await expectMembers(t, group.id, []);
  });

  test('an add without a path carries members in its value', async () => {
    const t = await newTenant(service, 'mem-nopath');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'NoPath', [a.id]);

    await patchGroup(t, group.id, { op: 'add', value: { members: [{ value: b.id }] } });

    await expectMembers(t, group.id, [a.id, b.id]);
  });

  test('a full PUT replaces the member set; a PUT without members empties it', async () => {
    const t = await newTenant(service, 'mem-put-set');
    const [a, b, c] = await createUsers(t, 3);
    const group = await createGroup(t, 'PutSet', [a.id, b.id]);

    const replaced = await t.call('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP],
      displayName: 'PutSet',
      members: [{ value: b.id }, { value: c.id }],
    });
    expect(replaced.status).toBe(200);
    await expectMembers(t, group.id, [b.id, c.id]);

    const emptied = await t.call('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: 'PutSet' });
    expect(emptied.status).toBe(200);
    await expectMembers(t, group.id, []);
  });

  test('a stale If-Match is a 412 and applies nothing', async () => {
    const t = await newTenant(service, 'mem-ifmatch');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'IfMatch', [a.id]);
    await patchGroup(t, group.id, { op: 'add', path: 'members', value: [{ value: b.id }] });

    const response = await t.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'replace', path: 'members', value: [] }),
      { 'If-Match': group.meta.version },
    );

    expect(response.status).toBe(412);
    await expectMembers(t, group.id, [a.id, b.id]);
  });
});

describe('PATCH answers', () => {
  test('204 with no body and the new ETag by default', async () => {
    const t = await newTenant(service, 'ans-204');
    const group = await createGroup(t, 'Answer');

    const response = await t.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'replace', path: 'displayName', value: 'Answered' }),
    );

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const after = await t.call('GET', `/Groups/${group.id}`);
    expect(response.headers.get('etag')).toBe(after.headers.get('etag'));
    expect(after.body.meta.version).toBe(after.headers.get('etag'));
    expect(after.headers.get('etag')).not.toBe(group.meta.version);
  });

  test('200 with the projected group when attributes or excludedAttributes are given', async () => {
    const t = await newTenant(service, 'ans-200');
    const [a, b] = await createUsers(t, 2);
    const group = await createGroup(t, 'Projected', [a.id]);

    const withMembers = await t.call(
      'PATCH',
      `/Groups/${group.id}?attributes=members`,
      patchOf({ op: 'add', path: 'members', value: [{ value: b.id }] }),
    );
    const withoutMembers = await t.call(
      'PATCH',
      `/Groups/${group.id}?excludedAttributes=members`,
      patchOf({ op: 'replace', path: 'displayName', value: 'Projected 2' }),
    );
    const nameOnly = await t.call(
      'PATCH',
      `/Groups/${group.id}?attributes=displayName`,
      patchOf({ op: 'remove', path: `members[value eq "${a.id}"]` }),
    );

    expect(withMembers.status).toBe(200);
    expect(withMembers.body.id).toBe(group.id);
    expect(withMembers.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect(withoutMembers.status).toBe(200);
    expect(withoutMembers.body.displayName).toBe('Projected 2');
    expect(withoutMembers.body.members).toBeUndefined();
    expect(withoutMembers.body.meta).toBeDefined();
    expect(nameOnly.status).toBe(200);
    expect(nameOnly.body).toEqual({ schemas: [GROUP], id: group.id, displayName: 'Projected 2' });
    await expectMembers(t, group.id, [b.id]);
  });
});

describe('conditional reads', () => {
  test('If-None-Match with the current ETag is a 304 until a member change moves the version', async () => {
    const t = await newTenant(service, 'cond-read');
    const [a] = await createUsers(t, 1);
    const group = await createGroup(t, 'Cached');
    const etag = (await t.call('GET', `/Groups/${group.id}`)).headers.get('etag') as string;

    const unchanged = await t.call('GET', `/Groups/${group.id}`, undefined, { 'If-None-Match': etag });
    await patchGroup(t, group.id, { op: 'add', path: 'members', value: [{ value: a.id }] });
    const changed = await t.call('GET', `/Groups/${group.id}`, undefined, { 'If-None-Match': etag });

    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body.members).toHaveLength(1);
  });
});

describe('large member sets (beyond one 32-change transaction)', () => {
  let pool: Tenant;
  let users: CreatedUser[];
  beforeAll(async () => {
    pool = await newTenant(service, 'mem-large');
    users = await createUsers(pool, 150);
  });

  test('a POST with 150 members creates them all', async () => {
    const response = await pool.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Big Create',
      members: users.map((u) => ({ value: u.id, display: u.userName })),
    });

    expect(response.status).toBe(201);
    expect(response.body.members).toHaveLength(150);
    await expectMembers(pool, response.body.id, ids(users));
    const read = await pool.call('GET', `/Groups/${response.body.id}`);
    expect(response.headers.get('etag')).toBe(read.headers.get('etag'));
    expect(response.body.meta.version).toBe(read.body.meta.version);
  });

  test("a PATCH with 100 adds in one request (Okta's batch) adds all 100", async () => {
    const group = await createGroup(pool, 'Big Patch');
    const hundred = users.slice(0, 100);

    const response = await pool.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf(
        { op: 'replace', value: { id: group.id, displayName: 'Big Patch' } },
        { op: 'add', path: 'members', value: hundred.map((u) => ({ value: u.id, display: u.userName })) },
      ),
    );

    expect(response.status).toBe(204);
    await expectMembers(pool, group.id, ids(hundred));
  });

  test('70 remove operations in one request remove exactly those 70', async () => {
    const group = await createGroup(pool, 'Big Remove', ids(users.slice(0, 100)));

    await patchGroup(
      pool,
      group.id,
      ...users.slice(0, 70).map((u) => ({ op: 'remove', path: `members[value eq "${u.id}"]` })),
    );

    await expectMembers(pool, group.id, ids(users.slice(70, 100)));
  });

  test('a PUT with 150 members replaces an overlapping set exactly', async () => {
    const group = await createGroup(pool, 'Big Put', ids(users.slice(0, 40)));

    const response = await pool.call('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP],
      displayName: 'Big Put',
      members: users.slice(20).map((u) => ({ value: u.id })),
    });
    expect(response.status).toBe(200);
    await expectMembers(pool, group.id, ids(users.slice(20)));

    const again = await pool.call('PUT', `/Groups/${group.id}`, {
      schemas: [GROUP],
      displayName: 'Big Put',
      members: users.map((u) => ({ value: u.id })),
    });
    expect(again.status).toBe(200);
    expect(again.body.members).toHaveLength(150);
    await expectMembers(pool, group.id, ids(users));
  });

  test('replace members with a large list keeps the overlap and drops the rest', async () => {
    const group = await createGroup(pool, 'Big Replace', ids(users.slice(0, 80)));

    await patchGroup(pool, group.id, {
      op: 'replace',
      path: 'members',
      value: users.slice(60, 150).map((u) => ({ value: u.id })),
    });

    await expectMembers(pool, group.id, ids(users.slice(60, 150)));
    expect(await storedMemberCount(pool, group.id)).toBe(90);
  });

  test('deleting a large group removes every membership item on both sides', async () => {
    const group = await createGroup(pool, 'Big Delete', ids(users));
    const sample = [users[0], users[77], users[149]];
    const before = await Promise.all(sample.map((u) => storedEdges(pool, { userId: u.id })));

    const response = await pool.call('DELETE', `/Groups/${group.id}`);

    expect(response.status).toBe(204);
    expect(await storedEdges(pool, { groupId: group.id })).toBe(0);
    // Read before any GET /Users, whose lazy cleanup would hide a leftover reverse edge.
    const after = await Promise.all(sample.map((u) => storedEdges(pool, { userId: u.id })));
    expect(after).toEqual(before.map((n) => n - 1));
    for (const user of sample) {
      const groups = (await pool.call('GET', `/Users/${user.id}`)).body.groups ?? [];
      expect(groups.map((g: { value: string }) => g.value)).not.toContain(group.id);
    }
  });

  test('the members of a large group are all listed, once each', async () => {
    const group = await createGroup(pool, 'Big Read', ids(users));

    const members = await memberIdsOf(pool, group.id);

    expect(new Set(members).size).toBe(150);
    expect(members).toEqual(ids(users).sort());
  });
});
