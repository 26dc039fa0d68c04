import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client';
import { deltaItem, foldCounts } from './count-deltas';
import { keys } from './keys';
import { counterUpdate, type TenantCounter, type TransactItem } from './shared-items';
import { transactWrite } from './transact';

/**
 * The reads and the count repairs of the consistency checker (consistency-check.ts): the finding
 * kinds, the projected batch read of a page's counterparts, a group's member edges counted shard by
 * shard, the tenant's counter items summed, and the two count fixes.
 */
export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export const FINDING_KINDS: Record<string, string> = {
  userWithoutGuard: 'a user without its userName guard',
  userGuardPointsElsewhere: 'a user whose userName guard names another user',
  orphanUserNameGuard: 'a userName guard whose user is missing',
  userNameGuardMismatch: "a userName guard whose user's folded userName is another",
  userIndexKeys: "a user item whose GSI1 keys are not its tenant's listing keys",
  userWithoutEmailEdge: 'a user email without its lookup edge',
  orphanEmailEdge: 'an email edge whose user is missing or no longer has that email',
  userWithoutExternalIdEdge: 'a user externalId without its lookup edge',
  orphanUserExternalIdEdge: 'a user externalId edge whose user is missing or has another externalId',
  groupWithoutGuard: 'a group without its displayName guard',
  groupGuardPointsElsewhere: 'a group whose displayName guard names another group',
  orphanDisplayNameGuard: 'a displayName guard whose group is missing',
  displayNameGuardMismatch: "a displayName guard whose group's folded displayName is another",
  groupIndexKeys: "a group item whose GSI1 keys are not its tenant's listing keys",
  groupWithoutExternalIdEdge: 'a group externalId without its lookup edge',
  orphanGroupExternalIdEdge: 'a group externalId edge whose group is missing or has another externalId',
  memberEdgeWithoutTwin: 'a member edge (M#) without its MEMBEROF# twin',
  memberOfEdgeWithoutTwin: 'a MEMBEROF# edge without its member edge (M#) twin',
  membershipUserMissing: 'a membership edge naming a missing user',
  membershipGroupMissing: 'a membership edge naming a missing group',
  memberEdgeWrongShard: 'a member edge outside the shard its user id picks',
  memberCountMismatch:
    "a group's memberCount plus pending deltas disagreeing with its member edges (repairable)",
  orphanCountDelta: 'a count delta of a missing group',
  tenantCounterMismatch: 'a tenant counter (users, groups, tokens) disagreeing with the items (repairable)',
  counterReadMismatch: 'readCounter disagreeing with the sum of the counter items',
  tokenWithoutHash: 'a token without a SHA-256 secretHash',
  tokenPlaintextSecret: 'a token (or token hash item) holding a plaintext secret attribute',
  tokenHashMissing: 'a token whose hash item is missing or disagrees (tenant, token, status)',
  orphanTokenHash: 'a token hash item whose token is missing or has another secret',
  staleCursor: "a paging cursor without a valid TTL, or not a position in the tenant's listing",
  missingTtl: 'a tombstone, audit, request-log or mail item without its TTL (expiresAt)',
  secretInAudit: 'an audit entry whose changes hold a secret or its hash',
};

/** A group's member edges, counted (`Select: COUNT`) shard by shard, page by page: O(1) memory. */
export async function countMemberEdges(tenantId: string, groupId: string): Promise<number> {
  let edges = 0;
  for (const pk of keys.memberPartitions(tenantId, groupId)) {
    let ExclusiveStartKey: Item | undefined;
    do {
      const result = await getDocumentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ExpressionAttributeValues: { ':pk': pk, ':m': keys.memberEdgePrefix },
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      edges += result.Count ?? 0;
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return edges;
}

/**
 * The tenant counters as stored: every item of the counter partition whose sort key starts with
 * `keys.counters(t).sk`, summed (contract 1: the counter may be sharded), and those items' keys.
 */
export async function sumCounterItems(
  tenantId: string,
): Promise<{ stored: { users: number; groups: number; tokens: number }; counterKeys: Key[] }> {
  const counterKey = keys.counters(tenantId);
  const stored = { users: 0, groups: 0, tokens: 0 };
  const counterKeys: Key[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const result = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': counterKey.pk, ':sk': counterKey.sk },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of result.Items ?? []) {
      counterKeys.push({ pk: String(item.pk), sk: String(item.sk) });
      for (const c of ['users', 'groups', 'tokens'] as const)
        if (typeof item[c] === 'number') stored[c] += item[c] as number;
    }
    ExclusiveStartKey = result.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { stored, counterKeys };
}

/** A tenant counter moved by `delta` in one transaction (tokens: ADD on the counters item). */
export async function repairCounter(
  tenantId: string,
  counter: TenantCounter | 'tokens',
  delta: number,
): Promise<void> {
  const item: TransactItem =
    counter === 'tokens'
      ? {
          Update: {
            TableName: tableName(),
            Key: keys.counters(tenantId),
            UpdateExpression: 'ADD tokens :delta',
            ExpressionAttributeValues: { ':delta': delta },
          },
        }
      : counterUpdate(tenantId, counter, delta);
  await transactWrite([item]);
}

/**
 * A group's member count moved by `delta` the way member chunks move it: a count delta item next to
 * the group (the group must still exist), then a fold into memberCount.
 */
export async function repairMemberCount(tenantId: string, groupId: string, delta: number): Promise<void> {
  await transactWrite([
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.group(tenantId, groupId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Put: { TableName: tableName(), Item: deltaItem(tenantId, groupId, delta, new Date().toISOString()) } },
  ]);
  await foldCounts(tenantId, groupId);
}

export const id = (k: Key) => `${k.pk}\u0000${k.sk}`;

/** Strongly consistent BatchGetItem of distinct keys, 100 a call, projected to what the checks read. */
export async function batchGetProjected(keyList: Key[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const TableName = tableName();
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Key[] = keyList.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await getDocumentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression:
                '#pk, #sk, #userId, #groupId, #userName, #displayName, #a.#emails, #a.#externalId, #secretHash, #tenantId, #tokenId, #status, #foldedDeltas',
              ExpressionAttributeNames: {
                '#pk': 'pk',
                '#sk': 'sk',
                '#userId': 'userId',
                '#groupId': 'groupId',
                '#userName': 'userName',
                '#displayName': 'displayName',
                '#a': 'attributes',
                '#emails': 'emails',
                '#externalId': 'externalId',
                '#secretHash': 'secretHash',
                '#tenantId': 'tenantId',
                '#tokenId': 'tokenId',
                '#status': 'status',
                '#foldedDeltas': 'foldedDeltas',
              },
            },
          },
        }),
      );
      for (const item of result.Responses?.[TableName] ?? []) found.set(id(item as Key), item);
      pending = (result.UnprocessedKeys?.[TableName]?.Keys as Key[] | undefined) ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }
  return found;
}
