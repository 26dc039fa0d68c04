import { startTestService, type TestService } from '../support/service';
import {
  type CreatedUser,
  createGroup,
  createUsers,
  expectMembers,
  filterQuery,
  GROUP,
  ids,
  memberIdsOf,
  newTenant,
  patchOf,
  scimError,
  storedEdges,
  storedMemberCount,
  type Tenant,
} from './groups-helpers';

/** Concurrent requests on one group: no membership change may be lost, the count stays exact. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

describe('concurrent membership changes', () => {
  // The membership tests below share one tenant's 20 users; each works on its own group.
  let t: Tenant;
  let pool: CreatedUser[];
  beforeAll(async () => {
    t = await newTenant(service, 'conc-pool');
    pool = await createUsers(t, 20);
  });

  test('20 concurrent single-member adds on one group all land', async () => {
    const users = pool;
    const group = await createGroup(t, 'Hot Group');

    const responses = await Promise.all(
      users.map((u) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] }),
        ),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(users.map(() => 204));
    await expectMembers(t, group.id, ids(users));
  });

  test('concurrent removes of some members and adds of others keep every change', async () => {
    const users = pool.slice(0, 16);
    const leaving = users.slice(0, 8);
    const joining = users.slice(8);
    const group = await createGroup(t, 'Churn', ids(leaving));

    const responses = await Promise.all([
      ...leaving.map((u) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'remove', path: `members[value eq "${u.id}"]` }),
        ),
      ),
      ...joining.map((u) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] }),
        ),
      ),
    ]);

    expect(responses.every((r) => r.status === 204)).toBe(true);
    await expectMembers(t, group.id, ids(joining));
  });

  test('concurrent Okta updates, each with the rename and one add, all apply (no 412 without If-Match)', async () => {
    const users = pool.slice(0, 8);
    const group = await createGroup(t, 'Before');

    const responses = await Promise.all(
      users.map((u) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf(
            { op: 'replace', value: { id: group.id, displayName: 'After' } },
            { op: 'add', path: 'members', value: [{ value: u.id, display: u.userName }] },
          ),
        ),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(users.map(() => 204));
    expect((await t.call('GET', `/Groups/${group.id}`)).body.displayName).toBe('After');
    await expectMembers(t, group.id, ids(users));
  });

  test('concurrent attribute changes amid member adds all succeed without If-Match; the last one holds', async () => {
    const users = pool.slice(10, 20);
    const group = await createGroup(t, 'Attrs');
    const externalIds = users.map((_, i) => `ext-${i}`);

    const responses = await Promise.all([
      ...externalIds.map((externalId) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'replace', path: 'externalId', value: externalId }),
        ),
      ),
      ...users.map((u) =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] }),
        ),
      ),
    ]);

    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 204));
    await expectMembers(t, group.id, ids(users));
    const final = (await t.call('GET', `/Groups/${group.id}`)).body.externalId;
    expect(externalIds).toContain(final);
    // Exactly one externalId edge is left: only the final value finds the group.
    const found = await Promise.all(
      externalIds.map(async (externalId) => {
        const response = await t.call('GET', `/Groups?${filterQuery(`externalId eq "${externalId}"`)}`);
        return response.body.totalResults;
      }),
    );
    expect(found).toEqual(externalIds.map((e) => (e === final ? 1 : 0)));
  });

  test('two concurrent PUTs with disjoint member sets leave one of the sets, never their union', async () => {
    const sets = [ids(pool.slice(0, 10)), ids(pool.slice(10, 20))];
    const groups = await Promise.all(
      [1, 2, 3].map((n) => createGroup(t, `Replaced ${n}`, ids(pool.slice(5, 15)))),
    );

    const responses = await Promise.all(
      groups.flatMap((group) =>
        sets.map((set) =>
          t.call('PUT', `/Groups/${group.id}`, {
            schemas: [GROUP],
            displayName: group.displayName,
            members: set.map((value) => ({ value })),
          }),
        ),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const group of groups) {
      const members = await memberIdsOf(t, group.id);
      expect([[...sets[0]].sort(), [...sets[1]].sort()]).toContainEqual(members);
      expect(await storedMemberCount(t, group.id)).toBe(10);
    }
  });

  test('the same member added by several requests at once is counted once', async () => {
    const user = pool[19];
    const group = await createGroup(t, 'Same');

    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.call(
          'PATCH',
          `/Groups/${group.id}`,
          patchOf({ op: 'add', path: 'members', value: [{ value: user.id }] }),
        ),
      ),
    );

    expect(responses.every((r) => r.status === 204)).toBe(true);
    await expectMembers(t, group.id, [user.id]);
  });
});

describe('concurrent deletes and creates', () => {
  test('a group deleted while members are being added leaves no membership item behind', async () => {
    const t = await newTenant(service, 'conc-delgroup');
    const users = await createUsers(t, 6);
    const group = await createGroup(t, 'Vanishing', ids(users.slice(0, 2)));

    const [deleted, ...patches] = await Promise.all([
      t.call('DELETE', `/Groups/${group.id}`),
      ...users
        .slice(2)
        .map((u) =>
          t.call(
            'PATCH',
            `/Groups/${group.id}`,
            patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] }),
          ),
        ),
    ]);

    expect(deleted.status).toBe(204);
    for (const patch of patches) expect([204, 404]).toContain(patch.status);
    expect((await t.call('GET', `/Groups/${group.id}`)).status).toBe(404);
    expect(await storedEdges(t, { groupId: group.id })).toBe(0);
    const reverse = await Promise.all(users.map((u) => storedEdges(t, { userId: u.id })));
    expect(reverse).toEqual(users.map(() => 0));
  });

  test('a user deleted while being added to groups ends up in none of them, with exact counts', async () => {
    const t = await newTenant(service, 'conc-deluser');
    const [doomed, other] = await createUsers(t, 2);
    const groups = [
      await createGroup(t, 'G1', [other.id]),
      await createGroup(t, 'G2', [other.id]),
      await createGroup(t, 'G3', [other.id]),
    ];

    const [deleted, ...patches] = await Promise.all([
      t.call('DELETE', `/Users/${doomed.id}`),
      ...groups.map((g) =>
        t.call(
          'PATCH',
          `/Groups/${g.id}`,
          patchOf({ op: 'add', path: 'members', value: [{ value: doomed.id }] }),
        ),
      ),
    ]);

    expect(deleted.status).toBe(204);
    for (const patch of patches) expect([204, 400]).toContain(patch.status);
    expect(await storedEdges(t, { userId: doomed.id })).toBe(0);
    for (const g of groups) await expectMembers(t, g.id, [other.id]);
  });

  test('concurrent creates of one displayName (any case) make exactly one group', async () => {
    const t = await newTenant(service, 'conc-create');
    const names = ['Ops', 'OPS', 'ops', 'Ops', 'oPs', 'OpS'];

    const responses = await Promise.all(
      names.map((displayName) => t.call('POST', '/Groups', { schemas: [GROUP], displayName, members: [] })),
    );

    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(names.length - 1);
    for (const conflict of conflicts) expect(conflict.body).toEqual(scimError(409, 'uniqueness'));
    expect((await t.call('GET', '/Groups')).body.totalResults).toBe(1);
  });
});
