import { startTestService, type TestService } from '../support/service';
import {
  createGroup,
  createUsers,
  expectMembers,
  GROUP,
  ids,
  newTenant,
  patchOf,
  scimError,
} from './groups-helpers';

/** Concurrent requests on one group: no membership change may be lost, the count stays exact. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

describe('concurrent membership changes', () => {
  test('20 concurrent single-member adds on one group all land', async () => {
    const t = await newTenant(service, 'conc-adds');
    const users = await createUsers(t, 20);
    const group = await createGroup(t, 'Hot Group');

    const responses = await Promise.all(
      users.map((u) =>
        t.call('PATCH', `/Groups/${group.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] })),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(users.map(() => 204));
    await expectMembers(t, group.id, ids(users));
  });

  test('concurrent removes of some members and adds of others keep every change', async () => {
    const t = await newTenant(service, 'conc-mixed');
    const users = await createUsers(t, 16);
    const leaving = users.slice(0, 8);
    const joining = users.slice(8);
    const group = await createGroup(t, 'Churn', ids(leaving));

    const responses = await Promise.all([
      ...leaving.map((u) =>
        t.call('PATCH', `/Groups/${group.id}`, patchOf({ op: 'remove', path: `members[value eq "${u.id}"]` })),
      ),
      ...joining.map((u) =>
        t.call('PATCH', `/Groups/${group.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: u.id }] })),
      ),
    ]);

    expect(responses.every((r) => r.status === 204)).toBe(true);
    await expectMembers(t, group.id, ids(joining));
  });

  test("concurrent Okta updates, each with the rename and one add, all apply (no 412 without If-Match)", async () => {
    const t = await newTenant(service, 'conc-okta');
    const users = await createUsers(t, 8);
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

  test('the same member added by several requests at once is counted once', async () => {
    const t = await newTenant(service, 'conc-same');
    const [user] = await createUsers(t, 1);
    const group = await createGroup(t, 'Same');

    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.call('PATCH', `/Groups/${group.id}`, patchOf({ op: 'add', path: 'members', value: [{ value: user.id }] })),
      ),
    );

    expect(responses.every((r) => r.status === 204)).toBe(true);
    await expectMembers(t, group.id, [user.id]);
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
