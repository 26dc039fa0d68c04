import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorConfig, cursorConfig, readRequestLogConfig } from '../config/runtime-config';
import type { CursorPage } from '../domain/ports';
import {
  type RequestCounts,
  type RequestLogEntry,
  type RequestLogQuery,
  type RequestLogRepository,
  STATS_RETENTION_DAYS,
  type StatusClass,
  statsBucketOf,
  statusClassOf,
} from '../domain/request-log';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { openListingCursor, sealCursor } from './cursor-codec';
import { keys } from './keys';

type Item = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY_SECONDS = 24 * 60 * 60;

/**
 * The most items one page of the log evaluates when a FilterExpression (an exact status, a resource
 * type) discards some: the page then returns what it found with a cursor to go on, so a page never
 * costs more than this many items whatever the tenant's log holds.
 */
export const MAX_EVALUATED_PER_PAGE = 1000;

/** BatchWriteItem's limit; the retries of unprocessed items back off up to this many attempts. */
const BATCH = 25;
const MAX_BATCH_ATTEMPTS = 10;

const ENTRY_FIELDS = [
  'tenantId',
  'at',
  'method',
  'path',
  'status',
  'scimType',
  'detail',
  'resourceType',
  'resourceId',
  'tokenId',
  'idp',
  'userAgent',
  'latencyMs',
  'requestId',
] as const;

const toEntry = (item: Item): RequestLogEntry =>
  Object.fromEntries(ENTRY_FIELDS.map((name) => [name, item[name] ?? null])) as unknown as RequestLogEntry;

/**
 * The request log on the single table (docs/data-model.md, "Request log"): `requestLog` items under
 * `T#<t>#REQLOG` (sk `<at>#<requestId>`, newest first by a descending Query), the same items in GSI1
 * under `T#<t>#REQLOG#<class>`, and `requestStats` counters per 5-minute bucket under `T#<t>#REQSTATS`.
 * Every item expires through the table's TTL attribute.
 */
export class DynamoRequestLogRepository implements RequestLogRepository {
  private readonly db = getDocumentClient();

  constructor(
    private readonly retentionDays: number = readRequestLogConfig().retentionDays,
    /** Read on the first listing only: the writer function seals no cursor and has no cursor key. */
    private readonly cursorsOf: () => CursorConfig = cursorConfig,
  ) {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  /**
   * The entries as items, 25 per BatchWriteItem with unprocessed items retried, then one ADD per
   * (tenant, bucket) to the counters. A redelivered entry overwrites its own item (same key) but is
   * counted again: the counters are exact unless CloudWatch Logs delivers a batch twice.
   */
  async append(entries: readonly RequestLogEntry[]): Promise<void> {
    const byKey = new Map<string, Item>();
    for (const entry of entries) {
      const item = this.itemOf(entry);
      byKey.set(`${item.pk}|${item.sk}`, item);
    }
    const items = [...byKey.values()];
    for (let i = 0; i < items.length; i += BATCH) await this.batchPut(items.slice(i, i + BATCH));
    await this.addCounts(entries);
  }

  private itemOf(entry: RequestLogEntry): Item {
    const key = keys.requestLog(entry.tenantId, entry.at, entry.requestId);
    return {
      ...key,
      gsi1pk: keys.requestLogClassPk(entry.tenantId, statusClassOf(entry.status)),
      gsi1sk: key.sk,
      type: 'requestLog',
      ...entry,
      expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionDays * DAY_SECONDS,
    };
  }

  private async batchPut(items: Item[]): Promise<void> {
    const TableName = tableName();
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) throw new Error(`${pending.length} log items stayed unprocessed`);
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [TableName]: pending } }));
      pending = (result.UnprocessedItems?.[TableName] as typeof pending | undefined) ?? [];
      if (pending.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }

  private async addCounts(entries: readonly RequestLogEntry[]): Promise<void> {
    const buckets = new Map<string, { tenantId: string; bucket: string; counts: RequestCounts }>();
    for (const entry of entries) {
      const bucket = statsBucketOf(entry.at);
      const id = `${entry.tenantId}|${bucket}`;
      const slot = buckets.get(id) ?? {
        tenantId: entry.tenantId,
        bucket,
        counts: { total: 0, '2xx': 0, '4xx': 0, '5xx': 0 },
      };
      slot.counts.total++;
      slot.counts[statusClassOf(entry.status)]++;
      buckets.set(id, slot);
    }
    await Promise.all(
      [...buckets.values()].map(({ tenantId, bucket, counts }) =>
        this.db.send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.requestStats(tenantId, bucket),
            UpdateExpression:
              'ADD #total :total, #c2 :c2, #c4 :c4, #c5 :c5 SET #type = :type, expiresAt = if_not_exists(expiresAt, :ttl)',
            ExpressionAttributeNames: {
              '#total': 'total',
              '#c2': '2xx',
              '#c4': '4xx',
              '#c5': '5xx',
              '#type': 'type',
            },
            ExpressionAttributeValues: {
              ':total': counts.total,
              ':c2': counts['2xx'],
              ':c4': counts['4xx'],
              ':c5': counts['5xx'],
              ':type': 'requestStats',
              ':ttl': Math.floor(Date.parse(bucket) / 1000) + STATS_RETENTION_DAYS * DAY_SECONDS,
            },
          }),
        ),
      ),
    );
  }

  /**
   * A page newest first: the log partition, or the class index for `status=4xx` / `status=409`; an
   * exact code and `resource` are FilterExpressions, `since`/`until` the sort-key range. With a filter
   * a page evaluates at most MAX_EVALUATED_PER_PAGE items and may return fewer than `limit` (even none)
   * with a cursor to go on.
   */
  async list(tenantId: string, query: RequestLogQuery): Promise<CursorPage<RequestLogEntry>> {
    const onIndex = query.statusClass !== undefined;
    const partition = onIndex
      ? keys.requestLogClassPk(tenantId, query.statusClass as StatusClass)
      : keys.requestLogPk(tenantId);
    // A cursor continues exactly the listing it came from: changed filters or range need a new start.
    const scope = [
      tenantId,
      'requestLog',
      partition,
      query.status ?? '',
      query.resourceType ?? '',
      query.since ?? '',
      query.until ?? '',
    ].join('|');
    const names = onIndex ? INDEX_POSITION : TABLE_POSITION;
    const cursors = this.cursorsOf();
    const key = await cursors.key();
    let ExclusiveStartKey: Item | undefined = query.cursor
      ? openListingCursor(
          key,
          scope,
          query.cursor,
          { names, nowSeconds: cursors.nowSeconds() },
          { name: onIndex ? 'gsi1pk' : 'pk', value: partition },
          'admin',
        )
      : undefined;

    const pk = onIndex ? 'gsi1pk' : 'pk';
    const sk = onIndex ? 'gsi1sk' : 'sk';
    const values: Item = { ':pk': partition };
    const attributeNames: Record<string, string> = { '#pk': pk };
    let condition = '#pk = :pk';
    if (query.since !== undefined || query.until !== undefined) {
      attributeNames['#sk'] = sk;
      values[':from'] = query.since ?? '0000';
      // `until` is inclusive: every request id sorts below U+FFFF.
      values[':to'] = `${query.until ?? '9999'}#\uffff`;
      condition += ' AND #sk BETWEEN :from AND :to';
    }
    const filters: string[] = [];
    if (query.status !== undefined) {
      attributeNames['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    if (query.resourceType !== undefined) {
      attributeNames['#resourceType'] = 'resourceType';
      values[':resourceType'] = query.resourceType;
      filters.push('#resourceType = :resourceType');
    }
    const filtered = filters.length > 0;

    const found: Item[] = [];
    let evaluated = 0;
    let cutAtItem = false;
    while (found.length < query.limit && evaluated < MAX_EVALUATED_PER_PAGE) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          ...(onIndex ? { IndexName: 'gsi1' } : {}),
          KeyConditionExpression: condition,
          ...(filtered ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: attributeNames,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: filtered ? MAX_EVALUATED_PER_PAGE - evaluated : query.limit - found.length,
          ExclusiveStartKey,
        }),
      );
      evaluated += result.ScannedCount ?? 0;
      found.push(...(result.Items ?? []));
      ExclusiveStartKey = result.LastEvaluatedKey;
      if (found.length > query.limit) {
        found.length = query.limit;
        cutAtItem = true;
      }
      if (!ExclusiveStartKey || cutAtItem) break;
    }
    let position: Item | undefined;
    if (cutAtItem) position = found[found.length - 1];
    else if (ExclusiveStartKey) position = ExclusiveStartKey;
    const nextCursor = position
      ? sealCursor(
          key,
          scope,
          Object.fromEntries(names.map((n) => [n, String(position[n])])),
          Math.floor(cursors.nowSeconds()),
        )
      : null;
    return { records: found.map(toEntry), nextCursor };
  }

  async newest(tenantId: string, statusClass?: StatusClass): Promise<RequestLogEntry | undefined> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: tableName(),
        ...(statusClass ? { IndexName: 'gsi1' } : {}),
        KeyConditionExpression: statusClass ? 'gsi1pk = :pk' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': statusClass ? keys.requestLogClassPk(tenantId, statusClass) : keys.requestLogPk(tenantId),
        },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item ? toEntry(item) : undefined;
  }

  /** One Query of at most a day of buckets (289 small items, well under one 1 MB page). */
  async counts(tenantId: string, since: string): Promise<RequestCounts> {
    const counts: RequestCounts = { total: 0, '2xx': 0, '4xx': 0, '5xx': 0 };
    let ExclusiveStartKey: Item | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': keys.requestStatsPk(tenantId), ':since': since },
          ExclusiveStartKey,
        }),
      );
      for (const item of result.Items ?? []) {
        for (const name of ['total', '2xx', '4xx', '5xx'] as const) counts[name] += Number(item[name] ?? 0);
      }
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return counts;
  }
}

const TABLE_POSITION = ['pk', 'sk'] as const;
const INDEX_POSITION = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
