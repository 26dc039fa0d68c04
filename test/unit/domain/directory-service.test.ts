import { DirectoryService } from '../../../lambdas/domain/directory';
import { InvalidInputError } from '../../../lambdas/domain/errors';
import { sourceOf } from '../../../lambdas/domain/idp';
import type { ConsoleReads } from '../../../lambdas/domain/ports';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';

function setup() {
  const ports = inMemoryPorts();
  const schemas = new TenantSchemas(ports.settings);
  const users = new UserService(ports.users, ports.groups, ports.memberships, schemas);
  // The console's extra reads, over the in-memory ports (the DynamoDB ones: test/integration/admin-*.test.ts).
  const reads: ConsoleReads = {
    searchUsers: async () => ({ records: [], nextCursor: null }),
    invitesOf: (tenantId, ids) => Promise.all(ids.map((id) => ports.invites.get(tenantId, id))),
    firstGroupIdsOf: async (tenantId, userId, limit) => {
      const ids: string[] = [];
      for await (const page of ports.memberships.groupIdsOf(tenantId, userId)) ids.push(...page);
      return { ids: ids.slice(0, limit), more: ids.length > limit };
    },
    memberIdsPage: async (tenantId, groupId) => {
      const ids: string[] = [];
      for await (const page of ports.memberships.members(tenantId, groupId))
        ids.push(...page.map((m) => m.value));
      return { records: ids, nextCursor: null };
    },
  };
  const directory = new DirectoryService(ports.users, ports.groups, schemas, reads, users);
  /** A user as Okta pushes it; `emails: []` for one without an address. */
  const createUser = async (userName: string, overrides: Record<string, unknown> = {}) => {
    const body = {
      schemas: [USER_SCHEMA_URN],
      userName,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: 'Ada Lovelace',
      active: true,
      ...overrides,
    };
    return (await users.create(TENANT, body, sourceOf('okta', 'Okta SCIM Client 1.0.0'))).user;
  };
  return { ports, directory, createUser };
}

describe('DirectoryService.listUsers', () => {
  test('pages by cursor in index order, the last page without a cursor', async () => {
    const { directory, createUser } = setup();
    for (const name of ['cy@example.com', 'Ada@example.com', 'bob@example.com']) await createUser(name);

    const first = await directory.listUsers(TENANT, { limit: 2, cursor: undefined });
    const second = await directory.listUsers(TENANT, { limit: 2, cursor: first.nextCursor ?? undefined });

    expect(first.records.map((r) => r.user.userName)).toEqual(['Ada@example.com', 'bob@example.com']);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.records.map((r) => r.user.userName)).toEqual(['cy@example.com']);
    expect(second.nextCursor).toBeNull();
  });

  test("another tenant's cursor is an InvalidInputError", async () => {
    const { directory, createUser } = setup();
    for (const name of ['ada@example.com', 'bob@example.com']) await createUser(name);
    const { nextCursor } = await directory.listUsers(TENANT, { limit: 1, cursor: undefined });

    await expect(
      directory.listUsers('globex', { limit: 1, cursor: nextCursor ?? undefined }),
    ).rejects.toThrow(InvalidInputError);
  });

  test("the groups listing's cursor is an InvalidInputError for the users listing", async () => {
    const { ports, directory } = setup();
    const now = new Date().toISOString();
    for (const displayName of ['Alpha', 'Beta']) {
      const group = { tenantId: TENANT, id: displayName, displayName, attributes: {}, memberCount: 0 };
      await ports.groups.create({
        ...group,
        created: now,
        lastModified: now,
        version: 1,
        source: sourceOf('okta'),
      });
    }
    const { nextCursor } = await directory.listGroups(TENANT, 1, undefined);

    await expect(directory.listUsers(TENANT, { limit: 1, cursor: nextCursor ?? undefined })).rejects.toThrow(
      InvalidInputError,
    );
  });

  test('a tenant id that is not 1-63 of a-z, 0-9 and - is an InvalidInputError', async () => {
    const { directory } = setup();

    await expect(async () => directory.listUsers('ACME', { limit: 50, cursor: undefined })).rejects.toThrow(
      InvalidInputError,
    );
  });
});
