import { GetCommand, QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { UniquenessError, WriteConflictError } from '../domain/errors';
import { getDocumentClient, tableName } from './client';
import { cancellationReasons } from './errors';
import { keys } from './keys';
import { transactWrite } from './transact';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Counters on the tenant's `COUNTS` item, kept in the same transactions as creates and deletes. */
export type TenantCounter = 'users' | 'groups';

export function counterUpdate(tenantId: string, counter: TenantCounter, delta: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.counters(tenantId),
      UpdateExpression: 'ADD #counter :delta',
      ExpressionAttributeNames: { '#counter': counter },
      ExpressionAttributeValues: { ':delta': delta },
    },
  };
}

/** totalResults of an unfiltered list: one strongly consistent read, whatever the tenant's size. */
export async function readCounter(tenantId: string, counter: TenantCounter): Promise<number> {
  const result = await getDocumentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.counters(tenantId),
      ConsistentRead: true,
      ProjectionExpression: '#counter',
      ExpressionAttributeNames: { '#counter': counter },
    }),
  );
  return Math.max(0, (result.Item?.[counter] as number | undefined) ?? 0);
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
