import { BulkService } from '../../../lambdas/domain/bulk';
import { UniquenessError } from '../../../lambdas/domain/errors';
import { GroupService } from '../../../lambdas/domain/groups';
import { sourceOf } from '../../../lambdas/domain/idp';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { BULK_REQUEST_SCHEMA, parseBulkRequest } from '../../../lambdas/scim/bulk';
import type { ScimError } from '../../../lambdas/scim/errors';
import { GROUP_SCHEMA_URN, USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const SOURCE = sourceOf('okta', 'Okta SCIM Client 1.0.0');

const postUser = (bulkId: string, userName = `${bulkId}@example.com`) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER_SCHEMA_URN], userName },
});
const postGroup = (bulkId: string, ...members: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { schemas: [GROUP_SCHEMA_URN], displayName: bulkId, members: members.map((value) => ({ value })) },
});
const message = (Operations: unknown[], failOnErrors?: number) =>
  parseBulkRequest({ schemas: [BULK_REQUEST_SCHEMA], Operations, ...(failOnErrors ? { failOnErrors } : {}) });

function setup(options: ConstructorParameters<typeof BulkService>[2] = {}) {
  const ports = inMemoryPorts();
  const users = new UserService(
    ports.users,
    ports.groups,
    ports.memberships,
    new TenantSchemas(ports.settings),
  );
  const groups = new GroupService(ports.groups, ports.memberships, ports.users);
  return { ports, users, groups, bulk: new BulkService(users, groups, options) };
}

describe('BulkService (RFC 7644 §3.7)', () => {
  test('runs each operation through the user and group use cases, references resolved', async () => {
    const { bulk, groups } = setup();
    const outcomes = await bulk.execute(
      TENANT,
      message([postGroup('g', 'bulkId:a'), postUser('a'), { method: 'DELETE', path: '/Users/bulkId:a' }]),
      SOURCE,
    );
    expect(outcomes.map((o) => [o.operation.index, o.status, o.error])).toEqual([
      [1, 201, undefined],
      [0, 201, undefined],
      [2, 204, undefined],
    ]);
    const [user, group, deleted] = outcomes;
    expect(deleted.id).toBe(user.id);
    // The group was created with the user as member (version 2: the membership moved it), then the
    // user's delete took the membership away again.
    expect(group.version).toBe(2);
    const members = [];
    for await (const page of groups.members(TENANT, group.id as string)) members.push(...page);
    expect(members).toEqual([]);
  });

  test('errors are outcomes, counted against failOnErrors; the remaining operations are not listed', async () => {
    const { bulk, ports } = setup();
    ports.users.failNextWrite(new UniquenessError('userName is taken'));
    const outcomes = await bulk.execute(
      TENANT,
      message([postUser('a'), postUser('b'), postUser('c'), postUser('d')], 2),
      SOURCE,
    );
    expect(outcomes.map((o) => o.operation.bulkId)).toEqual(['a', 'b', 'c', 'd']);
    expect(outcomes[0].error).toBeInstanceOf(UniquenessError);

    const stopped = await setup().bulk.execute(
      TENANT,
      message([postUser('x', 'same@example.com'), postUser('y', 'same@example.com'), postUser('z')], 1),
      SOURCE,
    );
    expect(stopped.map((o) => [o.operation.bulkId, o.status ?? 'error'])).toEqual([
      ['x', 201],
      ['y', 'error'],
    ]);
    expect(stopped[1].error).toBeInstanceOf(UniquenessError);
  });

  test('once the time budget is spent, no operation is started and the rest are answered 503', async () => {
    let clock = 0;
    const { bulk, ports } = setup({ timeBudgetMs: 1000, now: () => clock });
    // Each write advances the fake clock by 600 ms: the third operation finds the budget spent.
    const write = ports.users.create.bind(ports.users);
    ports.users.create = async (user) => {
      clock += 600;
      return write(user);
    };
    const outcomes = await bulk.execute(
      TENANT,
      message([postUser('a'), postUser('b'), postUser('c'), postUser('d')]),
      SOURCE,
    );
    expect(outcomes.map((o) => [o.operation.bulkId, o.status ?? (o.error as ScimError).status])).toEqual([
      ['a', 201],
      ['b', 201],
      ['c', 503],
      ['d', 503],
    ]);
    expect(await ports.users.count(TENANT)).toBe(2);
  });
});
