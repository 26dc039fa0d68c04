import { InvalidInputError, UniquenessError } from '../../../lambdas/domain/errors';
import { sourceOf } from '../../../lambdas/domain/idp';
import { InviteService, recipientProblem } from '../../../lambdas/domain/invites';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { activeOf, renderUser, UserService } from '../../../lambdas/domain/users';
import { ScimError } from '../../../lambdas/scim/errors';
import { parseListQuery } from '../../../lambdas/scim/list-request';
import { USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

/** Issue 9, "strict values", in the use cases: unassigned `active`, normalised uniqueness, recipients. */
const TENANT = 'acme';
const BASE_URL = 'https://scim.example.com/scim/v2/acme';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const OKTA = sourceOf('okta', 'Okta SCIM Client 1.0.0');
const CONFIG = {
  fromAddress: 'no-reply@example.com',
  urlTemplate: 'https://console.example.com/{userId}',
  linkKeys: async () => [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
  linkTtlHours: 168,
};

function setup() {
  const ports = inMemoryPorts();
  const schemas = new TenantSchemas(ports.settings);
  const users = new UserService(ports.users, ports.groups, ports.memberships, schemas);
  const invites = new InviteService(ports.settings, ports.invites, ports.mailer, CONFIG, schemas);
  const create = async (body: Record<string, unknown>) =>
    (await users.create(TENANT, { schemas: [USER_SCHEMA_URN], ...body }, OKTA)).user;
  const patch = async (id: string, ...Operations: unknown[]) =>
    (await users.patch(TENANT, id, { schemas: [PATCH_OP], Operations })).user;
  return { ports, users, invites, create, patch };
}

describe('an unassigned active', () => {
  test('a create without active is active, and stores the default', async () => {
    const { create } = setup();
    const user = await create({ userName: 'ada' });
    expect(user.active).toBe(true);
    expect(user.attributes.active).toBe(true);
    expect(renderUser(user, BASE_URL).active).toBe(true);
  });

  test('remove active and replace active null leave it unassigned and the user not active', async () => {
    const { create, patch } = setup();
    for (const operation of [
      { op: 'remove', path: 'active' },
      { op: 'replace', path: 'active', value: null },
    ]) {
      const user = await create({ userName: `u-${operation.op}`, active: false });
      const after = await patch(user.id, operation);
      expect(after.active).toBe(false);
      expect(after.attributes).not.toHaveProperty('active');
      expect(renderUser(after, BASE_URL)).not.toHaveProperty('active');
    }
  });

  test('a PUT without active unassigns it', async () => {
    const { users, create } = setup();
    const user = await create({ userName: 'ada', active: true });
    const { user: after } = await users.replace(TENANT, user.id, {
      schemas: [USER_SCHEMA_URN],
      userName: 'ada',
    });
    expect(after.active).toBe(false);
    expect(renderUser(after, BASE_URL)).not.toHaveProperty('active');
  });

  test('activeOf is true only for an assigned true', () => {
    expect(activeOf({ active: true })).toBe(true);
    expect(activeOf({ active: false })).toBe(false);
    expect(activeOf({})).toBe(false);
  });

  test('no invitation when active goes from false to unassigned, one when it is then assigned true', async () => {
    const { ports, invites, create, patch } = setup();
    await ports.settings.put(TENANT, {
      ...(await ports.settings.get(TENANT)),
      autoInviteUsers: true,
    });
    const created = await create({ userName: 'ada', emails: [{ value: 'ada@example.com' }], active: false });
    expect(await invites.onUserChange(undefined, created)).toBe('not-eligible');
    const removed = await patch(created.id, { op: 'remove', path: 'active' });
    expect(await invites.onUserChange(created, removed)).toBe('not-eligible');
    const activated = await patch(created.id, { op: 'replace', value: { active: true } });
    expect(await invites.onUserChange(removed, activated)).toBe('sent');
    expect(ports.mailer.sent).toHaveLength(1);
  });
});

describe('normalised uniqueness', () => {
  test('NFC and NFD userNames collide; the name is stored as sent', async () => {
    const { users, create } = setup();
    const user = await create({ userName: 'jose\u0301' });
    expect(user.userName).toBe('jose\u0301');
    await expect(create({ userName: 'JOS\u00c9' })).rejects.toThrow(UniquenessError);
    for (const form of ['jos\u00e9', 'JOSE\u0301']) {
      const query = parseListQuery({ filter: `userName eq "${form}"` }, 'userName');
      const list = await users.list(TENANT, query, BASE_URL);
      expect(list.users.map((u) => u.user.id)).toEqual([user.id]);
    }
  });

  test('identifiers with control characters never reach the repository', async () => {
    const { ports, create } = setup();
    await expect(create({ userName: 'a\nb' })).rejects.toThrow(ScimError);
    expect(await ports.users.count(TENANT)).toBe(0);
  });
});

describe('invitation recipients', () => {
  test.each([
    ['a@example.com,b@example.com', /list/],
    ['a@example.com; b@example.com', /list/],
    ['nobody.example.com', /'@'/],
    ['a b@example.com', /single/],
    ['<a@example.com>', /single/],
    ['a@b@example.com', /single/],
  ])('%j is not a recipient', (email, reason) => {
    expect(recipientProblem(email)).toMatch(reason);
  });

  test.each(['ada@example.com', 'first.last+tag@sub.example.org', 'jos\u00e9@example.com'])(
    '%j is a recipient',
    (email) => {
      expect(recipientProblem(email)).toBeUndefined();
    },
  );

  test('an eligible user whose email is a list gets a failed invite with the reason, and no mail', async () => {
    const { ports, invites, create } = setup();
    await ports.settings.put(TENANT, { ...(await ports.settings.get(TENANT)), autoInviteUsers: true });
    const user = await create({
      userName: 'ada',
      emails: [{ value: 'a@example.com,b@example.com' }],
      active: true,
    });
    expect(await invites.onUserChange(undefined, user)).toBe('undeliverable');
    expect(await invites.onUserChange(undefined, user)).toBe('already-handled');
    expect(ports.mailer.sent).toEqual([]);
    expect(await ports.invites.get(TENANT, user.id)).toEqual(
      expect.objectContaining({ state: 'failed', lastError: expect.stringContaining('list') }),
    );
    await expect(invites.resend(user)).rejects.toThrow(InvalidInputError);
    expect(ports.mailer.sent).toEqual([]);
  });
});
