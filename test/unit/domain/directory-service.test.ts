import { DirectoryService } from '../../../lambdas/domain/directory';
import { DeliveryFailedError, InvalidInputError, NotFoundError } from '../../../lambdas/domain/errors';
import { sourceOf } from '../../../lambdas/domain/idp';
import { InviteService } from '../../../lambdas/domain/invites';
import type { ConsoleReads } from '../../../lambdas/domain/ports';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const LINK_KEYS = [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }];
const CONFIG = {
  fromAddress: 'no-reply@example.com',
  urlTemplate: 'https://console.example.com/invite?tenant={tenantId}&user={userId}&token={token}',
  linkKeys: async () => LINK_KEYS,
  linkTtlHours: 168,
};

function setup() {
  const ports = inMemoryPorts();
  const schemas = new TenantSchemas(ports.settings);
  const invites = new InviteService(ports.settings, ports.invites, ports.mailer, CONFIG, schemas);
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
  const directory = new DirectoryService(
    ports.users,
    ports.groups,
    ports.settings,
    invites,
    schemas,
    reads,
    users,
  );
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

describe('DirectoryService.resolve', () => {
  test("resolves a template with the user's values and reports known variables without one", async () => {
    const { directory, createUser } = setup();
    const ada = await createUser('ada@example.com');

    const resolved = await directory.resolve(TENANT, ada.id, 'Hi ${givenName} (${email}), ${title}');

    expect(resolved).toEqual({ result: 'Hi Ada (ada@example.com), ', missing: ['title'] });
  });

  test('an unknown variable is an InvalidInputError', async () => {
    const { directory, createUser } = setup();
    const ada = await createUser('ada@example.com');

    await expect(directory.resolve(TENANT, ada.id, 'Hi ${nickname}')).rejects.toThrow(InvalidInputError);
  });

  test('an unknown user is a NotFoundError', async () => {
    const { directory } = setup();

    await expect(directory.resolve(TENANT, 'no-such-user', 'Hi')).rejects.toThrow(NotFoundError);
  });
});

describe('DirectoryService.resendInvite', () => {
  test('a user without an email is an InvalidInputError and nothing is sent', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada', { emails: [] });

    await expect(directory.resendInvite(TENANT, ada.id)).rejects.toThrow(InvalidInputError);
    expect(ports.mailer.sent).toEqual([]);
  });

  test('sends one invitation to the primary email through the mailer', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada@example.com');

    await directory.resendInvite(TENANT, ada.id);

    expect(ports.mailer.sent).toEqual([
      expect.objectContaining({
        from: 'no-reply@example.com',
        to: 'ada@example.com',
        subject: 'You are invited to acme',
        text: expect.stringMatching(
          new RegExp(
            `https://console\\.example\\.com/invite\\?tenant=acme&user=${ada.id}&token=[\\w-]+\\.[\\w-]+`,
          ),
        ),
      }),
    ]);
  });

  test('answers the invite record, which says sent', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada@example.com');

    const invite = await directory.resendInvite(TENANT, ada.id);

    expect(invite).toEqual(
      expect.objectContaining({
        state: 'sent',
        attempts: 1,
        email: 'ada@example.com',
        sentAt: expect.any(String),
      }),
    );
    expect(await ports.invites.get(TENANT, ada.id)).toEqual(invite);
  });

  test('sends again an invitation that was already sent', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada@example.com');
    await directory.resendInvite(TENANT, ada.id);

    const invite = await directory.resendInvite(TENANT, ada.id);

    expect(ports.mailer.sent).toHaveLength(2);
    expect(invite).toEqual(expect.objectContaining({ state: 'sent', attempts: 2 }));
  });

  test('a refusal of the mailer (SES) is a DeliveryFailedError', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada@example.com');
    ports.mailer.failNext(new DeliveryFailedError('MessageRejected: Email address is not verified'));

    await expect(directory.resendInvite(TENANT, ada.id)).rejects.toThrow(DeliveryFailedError);
  });

  test('after a refusal the invite is released for a retry, with the error', async () => {
    const { ports, directory, createUser } = setup();
    const ada = await createUser('ada@example.com');
    ports.mailer.failNext(new DeliveryFailedError('MessageRejected: Email address is not verified'));

    await directory.resendInvite(TENANT, ada.id).catch(() => undefined);

    expect(await ports.invites.get(TENANT, ada.id)).toEqual(
      expect.objectContaining({
        state: 'pending',
        attempts: 1,
        leaseUntil: 0,
        lastError: 'MessageRejected: Email address is not verified',
      }),
    );
  });

  test('an unknown user is a NotFoundError', async () => {
    const { directory } = setup();

    await expect(directory.resendInvite(TENANT, 'no-such-user')).rejects.toThrow(NotFoundError);
  });
});
