import { startTestService, type TestService } from '../support/service';

/** The console's Users and Groups views: provisioned users with their source, groups with member counts. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

async function seed(tenantId: string, users: number) {
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  const ids: string[] = [];
  for (let i = 0; i < users; i++) {
    const created = await service.scim(
      'POST',
      `${scimBaseUrl}/Users`,
      token,
      { schemas: [USER], userName: `person${i}@example.com`, displayName: `Person ${i}` },
      { 'User-Agent': 'Okta SCIM Client 1.0' },
    );
    ids.push(created.body.id);
  }
  return { token, scimBaseUrl, ids };
}

test('users are listed page by page with their source, every user exactly once', async () => {
  await seed('dir-users', 5);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page = await service.admin('GET', `/dir-users/users?limit=2${query}`);
    expect(page.status).toBe(200);
    expect(page.body.users.length).toBeLessThanOrEqual(2);
    for (const user of page.body.users) {
      expect(user).toEqual(
        expect.objectContaining({ source: 'SCIM Okta', active: true, displayName: expect.any(String) }),
      );
      seen.push(user.userName);
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `person${i}@example.com`));
});

test('groups are listed with their member counts', async () => {
  const { token, scimBaseUrl, ids } = await seed('dir-groups', 3);
  await service.scim('POST', `${scimBaseUrl}/Groups`, token, {
    schemas: [GROUP],
    displayName: 'Engineering',
    members: ids.map((value) => ({ value })),
  });
  await service.scim('POST', `${scimBaseUrl}/Groups`, token, { schemas: [GROUP], displayName: 'Empty' });
  const response = await service.admin('GET', '/dir-groups/groups');
  expect(response.status).toBe(200);
  expect(response.body).toEqual({
    groups: [
      expect.objectContaining({ displayName: 'Empty', memberCount: 0 }),
      expect.objectContaining({ displayName: 'Engineering', memberCount: 3 }),
    ],
    nextCursor: null,
  });
});

test("a cursor of another tenant's listing, a forged cursor or a bad limit is a 400", async () => {
  await seed('dir-a', 3);
  await seed('dir-b', 1);
  const first = await service.admin('GET', '/dir-a/users?limit=1');
  expect(first.body.nextCursor).toEqual(expect.any(String));
  const foreign = await service.admin('GET', `/dir-b/users?cursor=${first.body.nextCursor}`);
  expect(foreign.status).toBe(400);
  expect(foreign.body.error).toBe('bad_request');
  expect((await service.admin('GET', '/dir-a/users?cursor=not-a-cursor')).status).toBe(400);
  expect((await service.admin('GET', '/dir-a/groups?limit=0')).status).toBe(400);
  expect((await service.admin('GET', '/dir-a/users?limit=abc')).status).toBe(400);
});
