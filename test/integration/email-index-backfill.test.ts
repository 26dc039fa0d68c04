import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { backfillEmailIndex } from '../../lambdas/store/email-index-backfill';
import { startTestService, type TestService } from '../support/service';

/**
 * Users written before GSI2 existed (a table deployed before the console's email search) lack its
 * keys, so the search misses them; `npm run reindex` gives them the keys without any other change.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ streams: true });
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

type Detail = { type: string; resource: { id: string } };
const published = () => (service.eventBus?.events() ?? []).map((e) => e.detail as Detail);
async function eventFor(userId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!published().some((d) => d.resource.id === userId)) {
    if (Date.now() > deadline) throw new Error(`no event for user ${userId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('indexes the users written before gsi2 and leaves them otherwise as they were', async () => {
  const { token, scimBaseUrl } = await service.createToken('backfill');
  const ids: string[] = [];
  for (const [userName, email] of [
    ['ann', 'Ann.Lee@Example.com'],
    ['bob', 'bob@example.com'],
    ['cyd', undefined],
  ] as const) {
    const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
      schemas: [USER],
      userName,
      ...(email ? { emails: [{ value: email, primary: true }] } : {}),
    });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
  const db = getDocumentClient();
  const userItems = async () =>
    (
      await db.send(
        new ScanCommand({
          TableName: tableName(),
          FilterExpression: '#t = :u',
          ExpressionAttributeNames: { '#t': 'type' },
          ExpressionAttributeValues: { ':u': 'user' },
        }),
      )
    ).Items ?? [];
  // As an older version wrote them: no GSI2 keys.
  for (const item of await userItems()) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      }),
    );
  }
  const before = await userItems();
  const search = async (prefix: string) =>
    (await service.admin('GET', `/backfill/users?search=${prefix}`)).body.users.map(
      (u: { userName: string }) => u.userName,
    );
  expect(await search('ann.')).toEqual([]);

  for (const id of ids) await eventFor(id);
  const eventsBefore = published().length;
  const progress = await backfillEmailIndex({ pageSize: 2 });
  expect(progress).toMatchObject({ indexed: 2, skipped: 1 });
  expect(await search('ann.')).toEqual(['ann']);
  expect(await search('BOB@')).toEqual(['bob']);

  // Nothing but the index keys changed: same version, attributes, lastModified.
  const strip = ({ gsi2pk: _p, gsi2sk: _s, ...rest }: Record<string, unknown>) => rest;
  const byPk = (items: Record<string, unknown>[]) =>
    Object.fromEntries(items.map((i) => [i.pk as string, strip(i)]));
  expect(byPk(await userItems())).toEqual(byPk(before));
  // No change event from the backfill: a user created after it is the next and only event.
  const dee = await service.scim('POST', `${scimBaseUrl}/Users`, token, { schemas: [USER], userName: 'dee' });
  expect(dee.status).toBe(201);
  await eventFor(dee.body.id);
  expect(
    published()
      .slice(eventsBefore)
      .map((d) => [d.type, d.resource.id]),
  ).toEqual([['user.created', dee.body.id]]);
  // A second run finds nothing left to do.
  expect(await backfillEmailIndex()).toMatchObject({ indexed: 0, skipped: 2 }); // cyd and dee: no email
  expect(ids).toHaveLength(3);
});
