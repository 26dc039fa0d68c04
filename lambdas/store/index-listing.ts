import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CursorConfig } from '../config/runtime-config';
import { getDocumentClient, tableName } from './client';
import { openListingCursor, sealCursor } from './cursor-codec';
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
    private readonly cursors: CursorConfig,
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
   * A page continued by a cursor (docs/data-model.md, "Paging cursors"): the admin console's listing
   * (`console`, no expiry) or SCIM cursor paging of RFC 9865 (`scim`, expiring after the configured
   * timeout). The cursor is the GSI1 position after the page's last item, sealed with an HMAC bound to
   * the tenant, the resource, the listing and the direction; it is checked before DynamoDB sees it.
   * One Query per page, each item read once: a walk of N items reads N items (plus, when the last page
   * is exactly full, one request that finds nothing more).
   */
  async pageByCursor(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
    options: { listing: 'console' | 'scim'; descending?: boolean } = { listing: 'console' },
  ): Promise<{ items: Item[]; nextCursor: string | null }> {
    const descending = options.descending ?? false;
    const scope = [tenantId, this.resource, options.listing, descending ? 'desc' : 'asc'].join('|');
    const key = await this.cursors.key();
    let ExclusiveStartKey: Item | undefined;
    if (cursor) {
      const expires = options.listing === 'scim';
      ExclusiveStartKey = openListingCursor(
        key,
        scope,
        cursor,
        {
          names: POSITION,
          nowSeconds: this.cursors.nowSeconds(),
          timeoutSeconds: expires ? this.cursors.timeoutSeconds : undefined,
        },
        { name: 'gsi1pk', value: this.partition(tenantId) },
        // SCIM answers a refused cursor with its RFC 9865 scimType, the console with the `cursor` field.
        options.listing === 'console' ? 'admin' : 'scim',
      );
    }
    // count=0 asks for totalResults only (RFC 7644 §3.4.2.4): the cursor was still checked.
    if (limit <= 0) return { items: [], nextCursor: null };
    const items: Item[] = [];
    while (items.length < limit) {
      const result = await this.query(tenantId, descending, {
        Limit: limit - items.length,
        ExclusiveStartKey,
      });
      items.push(...(result.Items ?? []));
      ExclusiveStartKey = result.LastEvaluatedKey;
      if (!ExclusiveStartKey) break;
    }
    // DynamoDB says whether it stopped early; when the last page is exactly full it cannot know, and the
    // cursor it gives leads to an empty last page. That costs one request, not a second read of any item.
    if (!ExclusiveStartKey || items.length === 0) return { items, nextCursor: null };
    const last = items[items.length - 1];
    const position = Object.fromEntries(POSITION.map((n) => [n, String(last[n])]));
    return { items, nextCursor: sealCursor(key, scope, position, Math.floor(this.cursors.nowSeconds())) };
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

/** The attributes of a GSI1 position (the table's key and the index's key). */
const POSITION = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
