import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { keys } from '../../lambdas/store/keys';
import { startTestService, type TestService } from '../support/service';
import {
  createGroup,
  createUsers,
  expectMembers,
  ids,
  newTenant,
  patchGroup,
  storedMemberCount,
} from './groups-helpers';

/** memberCount under parallel chunks: deltas are written per chunk and folded at the end. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

async function pendingDeltas(tenantId: string, groupId: string): Promise<number> {
  const result = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
      ExpressionAttributeValues: {
        ':pk': keys.groupPartition(tenantId, groupId),
        ':d': keys.countDeltaPrefix,
      },
      ConsistentRead: true,
    }),
  );
  return result.Count ?? 0;
}

test('a PATCH spread over parallel chunks leaves an exact count and no pending delta', async () => {
  const t = await newTenant(service, 'count-chunks');
  const users = await createUsers(t, 150);
  const group = await createGroup(t, 'Chunked');
  const response = await patchGroup(t, group.id, {
    op: 'add',
    path: 'members',
    value: ids(users).map((value) => ({ value })),
  });
  expect(response.status).toBe(204);
  await expectMembers(t, group.id, ids(users));
  expect(await pendingDeltas(t.tenantId, group.id)).toBe(0);
  // The edges are spread over the group's member partitions (one key's write rate is limited).
  const perPartition = await Promise.all(
    keys.memberPartitions(t.tenantId, group.id).map(async (pk) => {
      const result = await getDocumentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          Select: 'COUNT',
        }),
      );
      return result.Count ?? 0;
    }),
  );
  expect(perPartition.reduce((a, b) => a + b, 0)).toBe(150);
  expect(Math.max(...perPartition)).toBeLessThan(60);
});

test('deltas left by an interrupted request are folded by the next change of the group', async () => {
  const t = await newTenant(service, 'count-crash');
  const [a, b] = await createUsers(t, 2);
  const group = await createGroup(t, 'Interrupted', [a.id]);
  // What a chunk that landed before its function died leaves behind: both edges and its delta.
  const db = getDocumentClient();
  await db.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.memberEdge(t.tenantId, group.id, b.id),
        type: 'member',
        groupId: group.id,
        userId: b.id,
        display: 'b',
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.memberOfEdge(t.tenantId, b.id, group.id),
        type: 'memberOf',
        groupId: group.id,
        userId: b.id,
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.countDelta(t.tenantId, group.id, randomUUID()), type: 'countDelta', delta: 1 },
    }),
  );
  expect(await storedMemberCount(t, group.id)).toBe(1);

  const [c] = await createUsers(t, 1, 'late');
  expect(
    (await patchGroup(t, group.id, { op: 'add', path: 'members', value: [{ value: c.id }] })).status,
  ).toBe(204);

  await expectMembers(t, group.id, [a.id, b.id, c.id]);
  expect(await pendingDeltas(t.tenantId, group.id)).toBe(0);
});
