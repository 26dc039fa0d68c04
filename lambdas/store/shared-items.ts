import { QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { UniquenessError, WriteConflictError } from '../domain/errors';
import { currentOrigin, type WriteOrigin } from '../domain/write-origin';
import { getDocumentClient, tableName } from './client';
import { randomCounterShard } from './counter-shards';
import { cancellationReasons } from './errors';
import { keys } from './keys';
import { transactWrite } from './transact';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * `{origin}` of the SCIM request being served (lambdas/domain/write-origin.ts), to spread into every
 * user, group, count-delta and deletion item written: the stream consumer names the request and IdP
 * of a change from it. Empty outside a request.
 */
export function originStamp(): { origin?: WriteOrigin } {
  const origin = currentOrigin();
  return origin ? { origin: { ...origin } } : {};
}

/** How long a deletion tombstone stays (the stream consumer reads it within 24 h; the rest is slack). */
const DELETION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The tombstone a user or group delete writes in its transaction (docs/data-model.md): what the
 * user.deleted / group.deleted event says (the stream's REMOVE of the resource item cannot name the
 * request that deleted it). `attributes` are the resource's stored attributes (never a password).
 */
export function deletionPut(deleted: {
  tenantId: string;
  resourceType: 'User' | 'Group';
  id: string;
  externalId: string | undefined;
  attributes: Record<string, unknown>;
  sourceIdp: string;
}): TransactItem {
  const at = new Date();
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.deletion(deleted.tenantId, deleted.resourceType === 'User' ? 'U' : 'G', deleted.id),
        type: 'deletion',
        tenantId: deleted.tenantId,
        resourceType: deleted.resourceType,
        resourceId: deleted.id,
        externalId: deleted.externalId ?? null,
        attributes: deleted.attributes,
        sourceIdp: deleted.sourceIdp,
        at: at.toISOString(),
        expiresAt: Math.floor(at.getTime() / 1000) + DELETION_TTL_SECONDS,
        ...originStamp(),
      },
    },
  };
}

/**
 * Tenant counters of users and groups, kept in the same transactions as creates and deletes. They
 * are spread over COUNTER_SHARDS items (./counter-shards.ts (sk `COUNTS#<n>`, docs/data-model.md): each write adds its
 * delta to a random shard, so concurrent creates in one tenant do not all update the same item (in
 * AWS, concurrent transactions on one item cancel each other with TransactionConflict). A total is
 * every item whose sk begins with `COUNTS`, summed: the shards and the unsharded `COUNTS` item that
 * tables written before the shards still hold (which also keeps the token count), so no migration.
 */
export type TenantCounter = 'users' | 'groups';

export function counterUpdate(tenantId: string, counter: TenantCounter, delta: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: randomCounterShard(tenantId),
      UpdateExpression: 'SET #type = :type ADD #counter :delta',
      ExpressionAttributeNames: { '#counter': counter, '#type': 'type' },
      ExpressionAttributeValues: { ':delta': delta, ':type': 'counters' },
    },
  };
}

/**
 * totalResults of an unfiltered list: one strongly consistent Query of the counter items (at most
 * COUNTER_SHARDS + 1 small items, one page), summed, whatever the tenant's size.
 */
export async function readCounter(tenantId: string, counter: TenantCounter): Promise<number> {
  const base = keys.counters(tenantId);
  let total = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': base.pk, ':sk': base.sk },
        ConsistentRead: true,
        ProjectionExpression: '#counter',
        ExpressionAttributeNames: { '#counter': counter },
        ExclusiveStartKey,
      }),
    );
    for (const item of result.Items ?? []) total += (item[counter] as number | undefined) ?? 0;
    ExclusiveStartKey = result.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return Math.max(0, total);
}

/** The ids an edge partition points at (email, externalId), page by page, strongly consistent. */
export async function* edgeIds(pk: string, idAttribute: 'userId' | 'groupId'): AsyncGenerator<string[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        Limit: 100,
        ExclusiveStartKey,
      }),
    );
    const ids = (result.Items ?? []).map((item) => item[idAttribute] as string);
    if (ids.length > 0) yield ids;
    ExclusiveStartKey = result.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/**
 * Writes a resource transaction whose first item is the resource itself and whose other conditions
 * are its uniqueness guards: the first failing means a concurrent writer won (WriteConflictError),
 * any other failing means the name is taken (UniquenessError).
 */
export async function writeGuarded(items: TransactItem[], takenDetail: string): Promise<void> {
  try {
    await transactWrite(items);
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    if (reasons[0] === 'ConditionalCheckFailed') throw new WriteConflictError(undefined, { cause: error });
    if (reasons.includes('ConditionalCheckFailed')) throw new UniquenessError(takenDetail, { cause: error });
    throw error;
  }
}
