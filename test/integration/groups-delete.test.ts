import { startTestService, type TestService } from '../support/service';
import {
  createGroup,
  createUsers,
  expectMembers,
  filterQuery,
  newTenant,
  patchGroup,
  scimError,
  storedEdges,
} from './groups-helpers';

/** Deleting groups and users keeps memberships and member counts consistent on both sides. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

describe('deleting a group', () => {
  test("removes its memberships: the users' groups no longer list it", async () => {
    const t = await newTenant(service, 'del-group');
    const [a, b] = await createUsers(t, 2);
    const doomed = await createGroup(t, 'Doomed', [a.id, b.id]);
    const kept = await createGroup(t, 'Kept', [a.id]);

    const response = await t.call('DELETE', `/Groups/${doomed.id}`);

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(await storedEdges(t, { groupId: doomed.id })).toBe(0);
    expect(await storedEdges(t, { userId: b.id })).toBe(0);
    expect(await storedEdges(t, { userId: a.id })).toBe(1);
    const userA = await t.call('GET', `/Users/${a.id}`);
    const userB = await t.call('GET', `/Users/${b.id}`);
    expect(userA.body.groups.map((g: { value: string }) => g.value)).toEqual([kept.id]);
    expect(userB.body.groups ?? []).toEqual([]);
    const ofA = await t.call('GET', `/Groups?${filterQuery(`members[value eq "${a.id}"]`)}`);
    expect(ofA.body.Resources.map((g: { id: string }) => g.id)).toEqual([kept.id]);
  });

  test('frees its displayName: a new group of that name starts empty', async () => {
    const t = await newTenant(service, 'del-rename');
    const [a] = await createUsers(t, 1);
    const old = await createGroup(t, 'Reused', [a.id]);
    await t.call('DELETE', `/Groups/${old.id}`);

    const fresh = await createGroup(t, 'REUSED');

    expect(fresh.id).not.toBe(old.id);
    await expectMembers(t, fresh.id, []);
    const found = await t.call('GET', `/Groups?${filterQuery('displayName eq "reused"')}`);
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([fresh.id]);
  });

  test('twice is a 404 the second time; GET and PATCH of it are 404 too', async () => {
    const t = await newTenant(service, 'del-twice');
    const group = await createGroup(t, 'Once');
    await t.call('DELETE', `/Groups/${group.id}`);

    const again = await t.call('DELETE', `/Groups/${group.id}`);
    const read = await t.call('GET', `/Groups/${group.id}`);
    const patch = await t.call('PATCH', `/Groups/${group.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Zombie' }],
    });

    expect(again.status).toBe(404);
    expect(again.body).toEqual(scimError(404));
    expect(read.status).toBe(404);
    expect(patch.status).toBe(404);
  });

  test('with a stale If-Match is a 412 and deletes nothing', async () => {
    const t = await newTenant(service, 'del-ifmatch');
    const [a] = await createUsers(t, 1);
    const group = await createGroup(t, 'Guarded');
    await patchGroup(t, group.id, { op: 'add', path: 'members', value: [{ value: a.id }] });

    const stale = await t.call('DELETE', `/Groups/${group.id}`, undefined, {
      'If-Match': group.meta.version,
    });

    expect(stale.status).toBe(412);
    await expectMembers(t, group.id, [a.id]);
  });
});

describe('deleting a user', () => {
  test('removes it from every group and fixes each member count', async () => {
    const t = await newTenant(service, 'del-user');
    const [leaver, stayer] = await createUsers(t, 2);
    const groups = [
      await createGroup(t, 'One', [leaver.id, stayer.id]),
      await createGroup(t, 'Two', [leaver.id]),
      await createGroup(t, 'Three', [stayer.id, leaver.id]),
    ];

    const response = await t.call('DELETE', `/Users/${leaver.id}`);

    expect(response.status).toBe(204);
    expect(await storedEdges(t, { userId: leaver.id })).toBe(0);
    await expectMembers(t, groups[0].id, [stayer.id]);
    await expectMembers(t, groups[1].id, []);
    await expectMembers(t, groups[2].id, [stayer.id]);
    const ofLeaver = await t.call('GET', `/Groups?${filterQuery(`members[value eq "${leaver.id}"]`)}`);
    expect(ofLeaver.body.totalResults).toBe(0);
  });

  test('after its group was deleted first still works (the stale reverse edge is harmless)', async () => {
    const t = await newTenant(service, 'del-both');
    const [user] = await createUsers(t, 1);
    const gone = await createGroup(t, 'Gone', [user.id]);
    const alive = await createGroup(t, 'Alive', [user.id]);
    await t.call('DELETE', `/Groups/${gone.id}`);

    const response = await t.call('DELETE', `/Users/${user.id}`);

    expect(response.status).toBe(204);
    await expectMembers(t, alive.id, []);
    expect(await storedEdges(t, { userId: user.id })).toBe(0);
    expect(await storedEdges(t, { groupId: gone.id })).toBe(0);
  });

  test('a deleted user cannot be added back by id (400), and the group is unchanged', async () => {
    const t = await newTenant(service, 'del-readd');
    const [user, other] = await createUsers(t, 2);
    const group = await createGroup(t, 'Readd', [other.id]);
    await t.call('DELETE', `/Users/${user.id}`);

    const response = await t.call('PATCH', `/Groups/${group.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }],
    });

    expect(response.status).toBe(400);
    expect(response.body).toEqual(scimError(400, 'invalidValue'));
    await expectMembers(t, group.id, [other.id]);
  });
});
