import { checkTenant } from '../../lambdas/store/consistency-check';
import { type DynamoDbProxy, startDynamoDbProxy } from '../support/dynamodb-proxy';
import { startTestService, type TestService } from '../support/service';

/**
 * A group DELETE whose edge sweep is cut short (here: every BatchWriteItem fails until the fault is lifted) answers a retryable error with the group already gone. Nothing is lost even when the IdP
 * never retries: the checker reads the edges of a group with a deletion tombstone as a pending sweep
 * (not a broken invariant), and the stream consumer sweeps them once the tombstone arrives.
 */
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const TENANT = 'delete-sweep';
let proxy: DynamoDbProxy;
let service: TestService;
let token: string;
let base: string;

beforeAll(async () => {
  proxy = await startDynamoDbProxy(process.env.TEST_DYNAMODB_ENDPOINT as string);
  service = await startTestService({ dynamoDbEndpoint: proxy.endpoint, streams: true });
  ({ token, scimBaseUrl: base } = await service.createToken(TENANT));
}, 120_000);
afterAll(async () => {
  proxy.failWhen('none');
  await service.stop();
  await proxy.stop();
});

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('a DELETE cut short leaves a pending sweep, never a broken tenant, and the stream finishes it', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const created = await service.scim('POST', `${base}/Users`, token, {
      schemas: [USER],
      userName: `sweep-${i}@example.com`,
    });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  const group = await service.scim('POST', `${base}/Groups`, token, {
    schemas: [GROUP],
    displayName: 'Swept',
    members: ids.map((value) => ({ value })),
  });
  expect(group.status).toBe(201);

  // Every BatchWriteItem fails (the DELETE's sweep and the stream consumer's) until the fault is lifted.
  proxy.failWhen(['BatchWriteItem']);
  const deleted = await service.scim('DELETE', `${base}/Groups/${group.body.id}`, token);
  expect(deleted.status).toBe(503);
  expect(deleted.headers.get('retry-after')).toMatch(/^\d+$/);
  expect((await service.scim('GET', `${base}/Groups/${group.body.id}`, token)).status).toBe(404);

  // While the sweep is due the edges are there, counted as pending, and nothing is reported broken.
  const during = await checkTenant(TENANT);
  expect(during.findings).toEqual([]);
  expect(during.stats.edgesOfDeletedGroups).toBeGreaterThan(0);

  // No retry of the DELETE: the stream consumer's sweep (retried while the fault lasts) removes them.
  proxy.failWhen('none');
  await until('the stream consumer to sweep the deleted group', async () => {
    const report = await checkTenant(TENANT);
    return report.findings.length === 0 && !report.stats.edgesOfDeletedGroups;
  });
  for (const id of ids) {
    const user = await service.scim('GET', `${base}/Users/${id}`, token);
    expect(user.body.groups ?? []).toEqual([]);
  }
});
