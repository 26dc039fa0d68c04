import { bulkCreate } from '../support/bulk-create';
import { type DynamoDbProxy, startDynamoDbProxy } from '../support/dynamodb-proxy';
import { startTestService, type TestService } from '../support/service';

/**
 * Users rows as the console reads them: the cost of a page in a tenant of thousands of users
 * (counted at a proxy in front of DynamoDB Local).
 */
let proxy: DynamoDbProxy;
let service: TestService;
// No stream poller here: the 2,000 inserts would each be read back from DynamoDB Local's stream, which
// made this seed take 17 minutes in a full run (alone: a minute). The invite state a row shows after
// auto-invite is tested with the stream consumer in settings-invites.test.ts.
beforeAll(async () => {
  proxy = await startDynamoDbProxy(process.env.TEST_DYNAMODB_ENDPOINT as string);
  service = await startTestService({ dynamoDbEndpoint: proxy.endpoint });
});
afterAll(async () => {
  await service.stop();
  await proxy.stop();
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('a tenant of 2,000 users', () => {
  const tenant = 'rows-big';
  beforeAll(async () => {
    const { token, scimBaseUrl } = await service.createToken(tenant);
    const operations = Array.from({ length: 2000 }, (_, n) => {
      const k = String(n).padStart(4, '0');
      return {
        method: 'POST' as const,
        path: '/Users',
        bulkId: `u${k}`,
        data: { schemas: [USER], userName: `user-${k}`, emails: [{ value: `person-${k}@example.com` }] },
      };
    });
    await bulkCreate((body) => service.scim('POST', `${scimBaseUrl}/Bulk`, token, body), operations);
    // Alone this takes ~60 s; in the full suite it shares 2 cores with the other 2,000-user seeds and the
    // browser runs (every DynamoDB call of the service also crosses the counting proxy): 20 minutes.
  }, 1_200_000);

  /** The DynamoDB operations one admin request causes (the stream poller's are not the table's). */
  async function operationsOf(path: string) {
    const before = proxy.seen.length;
    const response = await service.admin('GET', path);
    expect(response.status).toBe(200);
    const ops = proxy.seen.slice(before).filter((op) => !op.startsWith('DynamoDBStreams'));
    return { response, ops, count: (name: string) => ops.filter((op) => op === name).length };
  }

  test.each([
    ['a search every user matches by userName', 'search=user-'],
    ['a search every user matches by email', 'search=person-'],
    ['the listing', ''],
  ])('%s answers a page of 20 with O(page) reads, never a scan', async (_name, query) => {
    const { response, ops, count } = await operationsOf(`/${tenant}/users?limit=20&${query}`);
    expect(response.body.users).toHaveLength(20);
    expect(response.body.nextCursor).toEqual(expect.any(String));
    expect(count('Scan')).toBe(0);
    // The index Queries (2 for a search), one Query per row for its groups, BatchGets of the invites and
    // group names: about 25 requests, whatever the tenant's size.
    expect(count('Query')).toBeLessThanOrEqual(20 + 6);
    expect(count('BatchGetItem')).toBeLessThanOrEqual(2);
    expect(ops.length).toBeLessThanOrEqual(35);
  });

  test('the email search of 2,000 pages on by cursor to the right users', async () => {
    const first = await service.admin('GET', `/${tenant}/users?limit=20&search=PERSON-19`);
    const next = await service.admin(
      'GET',
      `/${tenant}/users?limit=20&search=PERSON-19&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    const names = [...first.body.users, ...next.body.users].map((u: { userName: string }) => u.userName);
    expect(names).toEqual(Array.from({ length: 40 }, (_, i) => `user-19${String(i).padStart(2, '0')}`));
  });
});
