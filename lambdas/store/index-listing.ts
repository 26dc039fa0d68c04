import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidInputError } from '../domain/errors';
import { getDocumentClient, tableName } from './client';
import { findCursor, queryHash, rememberCursor } from './paging-cursors';

type Item = Record<string, unknown>;

/**
 * Ordered listings of one tenant's users or groups on GSI1 (docs/data-model.md). Reads from a GSI are
 * eventually consistent in AWS: acceptable for imports and lists, never used for uniqueness or lookups.
 */
export class IndexListing {
  constructor(
    /** Name that keeps the cursors of users and groups apart. */
    private readonly resource: string,
    private readonly partition: (tenantId: string) => string,
  ) {}

  /**
   * One page in index order. The cursor that starts the next page is remembered, so a sequential
   * import costs one Query per page; a jump to an unremembered offset walks keys only (O(offset)).
   */
  async page(tenantId: string, startIndex: number, count: number, descending: boolean): Promise<Item[]> {
    const hash = queryHash({ resource: this.resource, descending });
    let ExclusiveStartKey: Item | undefined;
    if (startIndex > 1) {
      ExclusiveStartKey =
        (await findCursor(tenantId, hash, startIndex)) ??
        (await this.skip(tenantId, startIndex - 1, descending));
      if (!ExclusiveStartKey) return [];
    }
    const items: Item[] = [];
    while (items.length < count) {
      const result = await this.query(tenantId, descending, {
        Limit: count - items.length,
        ExclusiveStartKey,
      });
      items.push(...(result.Items ?? []));
      ExclusiveStartKey = result.LastEvaluatedKey;
      if (!ExclusiveStartKey) break;
    }
    if (ExclusiveStartKey && items.length === count) {
      await rememberCursor(tenantId, hash, startIndex + count, ExclusiveStartKey);
    }
    return items;
  }

  /**
   * A page for the admin console, continued by an opaque cursor (the LastEvaluatedKey, base64url).
   * A cursor from another tenant's listing is refused: the tenant is part of the key it names.
   */
  async pageByCursor(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: Item[]; nextCursor: string | null }> {
    let ExclusiveStartKey: Item | undefined;
    if (cursor) {
      ExclusiveStartKey = decodeCursor(cursor);
      if (!ExclusiveStartKey || ExclusiveStartKey.gsi1pk !== this.partition(tenantId))
        throw new InvalidInputError('cursor is not a cursor of this listing');
    }
    const items: Item[] = [];
    while (items.length < limit) {
      const result = await this.query(tenantId, false, { Limit: limit - items.length, ExclusiveStartKey });
      items.push(...(result.Items ?? []));
      ExclusiveStartKey = result.LastEvaluatedKey;
      if (!ExclusiveStartKey) break;
    }
    return {
      items,
      nextCursor: ExclusiveStartKey
        ? Buffer.from(JSON.stringify(ExclusiveStartKey)).toString('base64url')
        : null,
    };
  }

  /** Every item in index order, one DynamoDB page at a time (bounded memory). */
  async *walk(tenantId: string, descending: boolean): AsyncGenerator<Item[]> {
    let ExclusiveStartKey: Item | undefined;
    do {
      const result = await this.query(tenantId, descending, { ExclusiveStartKey });
      if (result.Items?.length) yield result.Items;
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** Skips `n` entries reading keys only; the cursor after them, or undefined past the end. */
  private async skip(tenantId: string, n: number, descending: boolean): Promise<Item | undefined> {
    let remaining = n;
    let ExclusiveStartKey: Item | undefined;
    while (remaining > 0) {
      const result = await this.query(tenantId, descending, {
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk',
        Limit: Math.min(remaining, 5000),
        ExclusiveStartKey,
      });
      const items = result.Items ?? [];
      remaining -= items.length;
      if (remaining === 0 && items.length > 0) {
        const last = items[items.length - 1];
        return { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk };
      }
      ExclusiveStartKey = result.LastEvaluatedKey;
      if (!ExclusiveStartKey) return undefined;
    }
    return undefined;
  }

  private query(
    tenantId: string,
    descending: boolean,
    extra: { Limit?: number; ExclusiveStartKey?: Item; ProjectionExpression?: string },
  ) {
    return getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': this.partition(tenantId) },
        ScanIndexForward: !descending,
        ...extra,
      }),
    );
  }
}

function decodeCursor(cursor: string): Item | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object' || Array.isArray(key)) return undefined;
    const record = key as Record<string, unknown>;
    const names = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
    if (Object.keys(record).length !== names.length) return undefined;
    return names.every((n) => typeof record[n] === 'string') ? record : undefined;
  } catch {
    return undefined;
  }
}
