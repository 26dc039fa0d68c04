import { bulkCreate } from '../support/bulk-create';
import { startTestService, type TestService } from '../support/service';

/**
 * The User groups page's members (GET …/groups/{id}/members), the groups of each Users row and a
 * user's detail with its SCIM representation — through HTTP against DynamoDB Local.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** `count` users named `<prefix>-000`…, created by SCIM Bulk; their ids in order. */
async function seedUsers(
  scim: { token: string; scimBaseUrl: string },
  prefix: string,
  count: number,
): Promise<string[]> {
  const operations = Array.from({ length: count }, (_, n) => ({
    method: 'POST' as const,
    path: '/Users',
    bulkId: `u${n}`,
    data: {
      schemas: [USER],
      userName: `${prefix}-${String(n).padStart(3, '0')}`,
      displayName: `Member ${n}`,
    },
  }));
  const results = await bulkCreate(
    (body) => service.scim('POST', `${scim.scimBaseUrl}/Bulk`, scim.token, body),
    operations,
  );
  return results.map((r) => r.location.split('/').pop() as string);
}

describe('a group of 130 members, 50 a page', () => {
  const tenant = 'members-paging';
  let groupId: string;
  let userIds: string[];
  beforeAll(async () => {
    const scim = await service.createToken(tenant);
    userIds = await seedUsers(scim, 'member', 130);
    const group = await service.scim('POST', `${scim.scimBaseUrl}/Groups`, scim.token, {
      schemas: [GROUP],
      displayName: 'Big',
      members: userIds.map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });

  test('three pages, across the member shards, every member exactly once with its names', async () => {
    const seen: { id: string; userName: string; displayName: string | null }[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await service.admin('GET', `/${tenant}/groups/${groupId}/members?limit=50${query}`);
      expect(page.status).toBe(200);
      sizes.push(page.body.members.length);
      seen.push(...page.body.members);
      cursor = page.body.nextCursor;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([50, 50, 30]);
    expect(seen.map((m) => m.id).sort()).toEqual([...userIds].sort());
    const first = seen.find((m) => m.id === userIds[0]);
    expect(first).toEqual({ id: userIds[0], userName: 'member-000', displayName: 'Member 0' });
  });

  test('the default page is 50; a bad limit or a foreign cursor is a 400 naming it', async () => {
    const page = await service.admin('GET', `/${tenant}/groups/${groupId}/members`);
    expect(page.body.members).toHaveLength(50);
    for (const limit of ['0', '201', 'x']) {
      const refused = await service.admin('GET', `/${tenant}/groups/${groupId}/members?limit=${limit}`);
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ path: 'limit', message: expect.any(String) }]);
    }
    // A users listing cursor is not a members cursor, nor is another group's.
    const users = await service.admin('GET', `/${tenant}/users?limit=1`);
    const foreign = await service.admin(
      'GET',
      `/${tenant}/groups/${groupId}/members?cursor=${encodeURIComponent(users.body.nextCursor)}`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.fields).toEqual([{ path: 'cursor', message: expect.any(String) }]);
  });

  test('an unknown group, or one of another tenant, is a 404', async () => {
    const unknown = await service.admin(
      'GET',
      `/${tenant}/groups/00000000-0000-4000-8000-000000000000/members`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: expect.any(String) });
    const foreign = await service.admin('GET', `/members-other/groups/${groupId}/members`);
    expect(foreign.status).toBe(404);
  });
});

describe('the groups of a Users row', () => {
  test('at most 20 groups with their names, and moreGroups when there are more', async () => {
    const tenant = 'rows-groups';
    const scim = await service.createToken(tenant);
    const [many, few] = await seedUsers(scim, 'row', 2);
    for (let i = 0; i < 21; i++) {
      const members = i === 0 ? [{ value: many }, { value: few }] : [{ value: many }];
      const group = await service.scim('POST', `${scim.scimBaseUrl}/Groups`, scim.token, {
        schemas: [GROUP],
        displayName: `Team ${String(i).padStart(2, '0')}`,
        members,
      });
      expect(group.status).toBe(201);
    }
    const page = await service.admin('GET', `/${tenant}/users`);
    const [rowMany, rowFew] = page.body.users;
    expect(rowMany.id).toBe(many);
    expect(rowMany.groups).toHaveLength(20);
    expect(rowMany.groups[0]).toEqual({
      id: expect.any(String),
      displayName: expect.stringMatching(/^Team \d\d$/),
    });
    expect(rowMany.moreGroups).toBe(true);
    expect(rowFew.groups).toEqual([{ id: expect.any(String), displayName: 'Team 00' }]);
    expect(rowFew.moreGroups).toBe(false);
  });
});

describe("a user's detail", () => {
  test('is its row plus its SCIM representation exactly as SCIM GET answers it', async () => {
    const tenant = 'detail-scim';
    const scim = await service.createToken(tenant);
    const created = await service.scim('POST', `${scim.scimBaseUrl}/Users`, scim.token, {
      schemas: [USER],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada@example.com', primary: true }],
    });
    await service.scim('POST', `${scim.scimBaseUrl}/Groups`, scim.token, {
      schemas: [GROUP],
      displayName: 'Analysts',
      members: [{ value: created.body.id }],
    });
    const viaScim = await service.scim('GET', `${scim.scimBaseUrl}/Users/${created.body.id}`, scim.token);
    const detail = await service.admin('GET', `/${tenant}/users/${created.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.scim).toEqual(viaScim.body);
    expect(detail.body.scim.meta.location).toBe(`${scim.scimBaseUrl}/Users/${created.body.id}`);
    expect(detail.body).toEqual(
      expect.objectContaining({
        id: created.body.id,
        userName: 'ada@example.com',
        email: 'ada@example.com',
        groups: [{ id: expect.any(String), displayName: 'Analysts' }],
        invite: { state: 'none', sentAt: null, lastError: null },
      }),
    );
  });

  test('of an unknown user is a 404', async () => {
    const response = await service.admin('GET', '/detail-scim/users/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.body.error).toBe('not_found');
  });
});
