import {
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  StorageFailureError,
  UniquenessError,
} from '../../../lambdas/domain/errors';
import { GroupService } from '../../../lambdas/domain/groups';
import { sourceOf } from '../../../lambdas/domain/idp';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { parseListQuery } from '../../../lambdas/scim/list-request';
import { GROUP_SCHEMA_URN, USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const BASE_URL = 'https://scim.example.com/scim/v2/acme';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const patchOf = (...Operations: Record<string, unknown>[]) => ({ schemas: [PATCH_OP], Operations });
/** Okta's membership updates: `add members [{value, display}]`, `remove members[value eq "<id>"]`. */
const addMembers = (...users: { id: string; userName: string }[]) =>
  patchOf({ op: 'add', path: 'members', value: users.map((u) => ({ value: u.id, display: u.userName })) });
const removeMember = (user: { id: string }) =>
  patchOf({ op: 'remove', path: `members[value eq "${user.id}"]` });
const groupBody = (displayName: string, members: { id: string }[] = []) => ({
  schemas: [GROUP_SCHEMA_URN],
  displayName,
  members: members.map((m) => ({ value: m.id })),
});

/** Groups created through an Okta token. */
const OKTA = sourceOf('okta', 'Okta SCIM Client 1.0.0');

function setup() {
  const ports = inMemoryPorts();
  const service = new GroupService(ports.groups, ports.memberships, ports.users);
  const userService = new UserService(
    ports.users,
    ports.groups,
    ports.memberships,
    new TenantSchemas(ports.settings),
  );
  const createUsers = async (...names: string[]) => {
    const users = [];
    for (const name of names) {
      const body = {
        schemas: [USER_SCHEMA_URN],
        userName: `${name}@example.com`,
        displayName: name,
        emails: [{ primary: true, value: `${name}@example.com`, type: 'work' }],
        active: true,
      };
      users.push((await userService.create(TENANT, body, sourceOf('okta', 'Okta SCIM Client 1.0.0'))).user);
    }
    return users;
  };
  const membersOf = async (groupId: string) => {
    const members = [];
    for await (const page of service.members(TENANT, groupId)) members.push(...page);
    return members.sort((a, b) => (a.display ?? '').localeCompare(b.display ?? ''));
  };
  const memberCountOf = async (groupId: string) => (await ports.groups.get(TENANT, groupId))?.memberCount;
  return { ports, service, createUsers, membersOf, memberCountOf };
}

describe('GroupService.create', () => {
  test('creates a group with its members, their displays and their count', async () => {
    const { service, createUsers, membersOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');

    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    expect(group).toEqual(expect.objectContaining({ displayName: 'Engineering', memberCount: 2 }));
    expect(await membersOf(group.id)).toEqual([
      { value: ada.id, display: 'ada' },
      { value: bob.id, display: 'bob' },
    ]);
  });

  test('answers the version the member changes moved to (the ETag a client gets)', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');

    const group = await service.create(TENANT, groupBody('Engineering', [ada]), OKTA);

    expect(group.version).toBe((await ports.groups.get(TENANT, group.id))?.version);
  });

  test('an unknown member is an InvalidInputError and leaves no group behind', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');

    const created = service.create(TENANT, groupBody('Engineering', [ada, { id: 'no-such-user' }]), OKTA);

    await expect(created).rejects.toThrow(InvalidInputError);
    expect(await ports.groups.count(TENANT)).toBe(0);
    expect(await ports.groups.findByDisplayName(TENANT, 'Engineering')).toBeUndefined();
  });

  test("another tenant's user is an unknown member", async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');

    const created = service.create('globex', groupBody('Engineering', [ada]), OKTA);

    await expect(created).rejects.toThrow(InvalidInputError);
    expect(await ports.groups.count('globex')).toBe(0);
  });

  test('when the members cannot be written, the half-made group is taken away again', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');
    ports.memberships.failNextWrite(new StorageFailureError({ cause: new Error('throttled') }));

    const created = service.create(TENANT, groupBody('Engineering', [ada]), OKTA);

    await expect(created).rejects.toThrow(StorageFailureError);
    expect(await ports.groups.count(TENANT)).toBe(0);
  });

  test('a displayName taken in another case is a UniquenessError', async () => {
    const { ports, service } = setup();
    await service.create(TENANT, groupBody('Finance'), OKTA);

    await expect(service.create(TENANT, groupBody('FINANCE'), OKTA)).rejects.toThrow(UniquenessError);
    expect(await ports.groups.count(TENANT)).toBe(1);
  });

  test("keeps the creating token's source through later PUT and PATCH from another client", async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');
    const entra = sourceOf('entra', 'Okta SCIM Client 1.0.0');

    const group = await service.create(TENANT, groupBody('Engineering'), entra);
    await service.patch(TENANT, group.id, addMembers(ada));
    await service.patch(TENANT, group.id, patchOf({ op: 'replace', path: 'displayName', value: 'Eng' }));
    await service.replace(TENANT, group.id, groupBody('Engineering', [ada]));

    expect(group.source).toEqual(entra);
    expect((await ports.groups.get(TENANT, group.id))?.source).toEqual(entra);
  });
});

describe('GroupService.patch', () => {
  test('adding members raises memberCount and the version', async () => {
    const { ports, service, createUsers, memberCountOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);

    await service.patch(TENANT, group.id, addMembers(ada, bob));

    expect(await memberCountOf(group.id)).toBe(2);
    expect((await ports.groups.get(TENANT, group.id))?.version).toBeGreaterThan(group.version);
  });

  test('adding a member twice counts it once', async () => {
    const { service, createUsers, memberCountOf } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering', [ada]), OKTA);

    await service.patch(TENANT, group.id, addMembers(ada));

    expect(await memberCountOf(group.id)).toBe(1);
  });

  test('removing a member lowers memberCount and drops its edges', async () => {
    const { service, createUsers, membersOf, memberCountOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');
    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    await service.patch(TENANT, group.id, removeMember(ada));

    expect(await memberCountOf(group.id)).toBe(1);
    expect((await membersOf(group.id)).map((m) => m.value)).toEqual([bob.id]);
  });

  test("Okta's rename with the readOnly id renames the group and keeps its members", async () => {
    const { ports, service, createUsers, memberCountOf } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering', [ada]), OKTA);

    await service.patch(
      TENANT,
      group.id,
      patchOf({ op: 'replace', value: { id: group.id, displayName: 'Platform' } }),
    );

    expect((await ports.groups.findByDisplayName(TENANT, 'platform'))?.id).toBe(group.id);
    expect(await memberCountOf(group.id)).toBe(1);
  });

  test('"Push now" (replace members) leaves exactly the new member set', async () => {
    const { service, createUsers, membersOf, memberCountOf } = setup();
    const [ada, bob, cy] = await createUsers('ada', 'bob', 'cy');
    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    await service.patch(
      TENANT,
      group.id,
      patchOf({ op: 'replace', path: 'members', value: [{ value: bob.id }, { value: cy.id }] }),
    );

    expect((await membersOf(group.id)).map((m) => m.value)).toEqual([bob.id, cy.id]);
    expect(await memberCountOf(group.id)).toBe(2);
  });

  test('an unknown member is an InvalidInputError and nothing is applied', async () => {
    const { service, createUsers, memberCountOf } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);

    const patch = service.patch(TENANT, group.id, addMembers(ada, { id: 'no-such-user', userName: 'x' }));

    await expect(patch).rejects.toThrow(InvalidInputError);
    expect(await memberCountOf(group.id)).toBe(0);
  });

  test('a group deleted while its members change is a NotFoundError', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);
    ports.memberships.beforeNextWrite(() => service.delete(TENANT, group.id));

    await expect(service.patch(TENANT, group.id, addMembers(ada))).rejects.toThrow(NotFoundError);
  });

  test('a stale If-Match is a PreconditionFailedError and adds nobody', async () => {
    const { service, createUsers, memberCountOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);
    await service.patch(TENANT, group.id, addMembers(ada));

    const stale = service.patch(TENANT, group.id, addMembers(bob), 'W/"1"');

    await expect(stale).rejects.toThrow(PreconditionFailedError);
    expect(await memberCountOf(group.id)).toBe(1);
  });

  test('an unknown group is a NotFoundError', async () => {
    const { service, createUsers } = setup();
    const [ada] = await createUsers('ada');

    await expect(service.patch(TENANT, 'no-such-group', addMembers(ada))).rejects.toThrow(NotFoundError);
  });
});

describe('GroupService.replace', () => {
  test('PUT replaces the displayName and the whole member set', async () => {
    const { ports, service, createUsers, membersOf, memberCountOf } = setup();
    const [ada, bob, cy] = await createUsers('ada', 'bob', 'cy');
    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    await service.replace(TENANT, group.id, groupBody('Platform Wizards', [cy]));

    expect((await ports.groups.get(TENANT, group.id))?.displayName).toBe('Platform Wizards');
    expect((await membersOf(group.id)).map((m) => m.value)).toEqual([cy.id]);
    expect(await memberCountOf(group.id)).toBe(1);
  });

  test('a PUT with no members empties the group', async () => {
    const { service, createUsers, memberCountOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');
    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    await service.replace(TENANT, group.id, groupBody('Engineering'));

    expect(await memberCountOf(group.id)).toBe(0);
  });
});

describe('GroupService.delete', () => {
  test('removes the group and both edges of every membership', async () => {
    const { ports, service, createUsers, membersOf } = setup();
    const [ada, bob] = await createUsers('ada', 'bob');
    const group = await service.create(TENANT, groupBody('Engineering', [ada, bob]), OKTA);

    await service.delete(TENANT, group.id);

    expect(await ports.groups.get(TENANT, group.id)).toBeUndefined();
    expect(await membersOf(group.id)).toEqual([]);
    const adaGroups = [];
    for await (const page of ports.memberships.groupIdsOf(TENANT, ada.id)) adaGroups.push(...page);
    expect(adaGroups).toEqual([]);
  });

  test('frees the displayName', async () => {
    const { ports, service } = setup();
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);

    await service.delete(TENANT, group.id);

    await service.create(TENANT, groupBody('engineering'), OKTA);
    expect(await ports.groups.count(TENANT)).toBe(1);
  });

  test('a stale If-Match is a PreconditionFailedError and keeps the group', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);
    await service.patch(TENANT, group.id, addMembers(ada));

    await expect(service.delete(TENANT, group.id, 'W/"1"')).rejects.toThrow(PreconditionFailedError);
    expect(await ports.groups.get(TENANT, group.id)).toBeDefined();
  });

  // Suspected bug (reported, not fixed): If-Match is checked on the read only; the group's delete is
  // not conditioned on the version (unlike a user's), so a change that lands in between is deleted over.
  test.failing('a DELETE with If-Match loses to a member change that lands after the read', async () => {
    const { ports, service, createUsers } = setup();
    const [ada] = await createUsers('ada');
    const group = await service.create(TENANT, groupBody('Engineering'), OKTA);
    ports.groups.beforeNextWrite(() => service.patch(TENANT, group.id, addMembers(ada)));

    await expect(service.delete(TENANT, group.id, 'W/"1"')).rejects.toThrow(PreconditionFailedError);
  });

  test('an unknown group is a NotFoundError', async () => {
    const { service } = setup();

    await expect(service.delete(TENANT, 'no-such-group')).rejects.toThrow(NotFoundError);
  });
});

describe('GroupService.list', () => {
  async function threeGroups() {
    const context = setup();
    const [ada, bob] = await context.createUsers('ada', 'bob');
    const alpha = await context.service.create(TENANT, groupBody('Alpha', [ada, bob]), OKTA);
    const beta = await context.service.create(TENANT, groupBody('Beta', [bob]), OKTA);
    const empty = await context.service.create(TENANT, groupBody('Gamma'), OKTA);
    const find = async (filter: string) => {
      const query = parseListQuery({ filter }, 'displayName');
      const { groups, totalResults } = await context.service.list(TENANT, query, BASE_URL);
      return { names: groups.map((g) => g.displayName), totalResults };
    };
    return { ...context, ada, bob, alpha, beta, empty, find };
  }

  test('members[value eq "<id>"] finds the groups of that user, from its reverse edges', async () => {
    const { ports, ada, bob, find } = await threeGroups();
    const walk = jest.spyOn(ports.groups, 'walk');

    expect(await find(`members[value eq "${bob.id}"]`)).toEqual({
      names: ['Alpha', 'Beta'],
      totalResults: 2,
    });
    expect(await find(`members[value eq "${ada.id}"]`)).toEqual({ names: ['Alpha'], totalResults: 1 });
    expect(walk).not.toHaveBeenCalled();
  });

  test('members pr finds the groups that have members', async () => {
    const { find } = await threeGroups();

    expect(await find('members pr')).toEqual({ names: ['Alpha', 'Beta'], totalResults: 2 });
  });

  test('not (members pr) finds the empty groups', async () => {
    const { find } = await threeGroups();

    expect(await find('not (members pr)')).toEqual({ names: ['Gamma'], totalResults: 1 });
  });

  test('displayName eq matches in any case', async () => {
    const { find } = await threeGroups();

    expect(await find('displayName eq "BETA"')).toEqual({ names: ['Beta'], totalResults: 1 });
  });

  test.each(['members[display eq "ada"]', 'members.display eq "ada"', 'members.display co "a"'])(
    '%s is an InvalidInputError with scimType invalidFilter',
    async (filter) => {
      const { find } = await threeGroups();

      const error = await find(filter).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toHaveProperty('scimType', 'invalidFilter');
    },
  );
});
