import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditConfig, type CursorConfig, cursorConfig } from '../config/runtime-config';
import type { AuditEntry } from '../domain/audit';
import type { AuditRepository, CursorPage } from '../domain/ports';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { openListingCursor, sealCursor } from './cursor-codec';
import { keys } from './keys';

const SECONDS_PER_DAY = 86_400;

/**
 * The audit item of an entry (docs/data-model.md, "Audit trail"), for the Put that goes into the
 * transaction of the change it records. `n` numbers the entries of one write. Conditioned on being
 * new: an entry is never overwritten. `expiresAt` (the table's TTL) is the entry's time plus the
 * configured retention (AUDIT_RETENTION_DAYS).
 */
export function auditPut(entry: AuditEntry, n = 0) {
  const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + auditConfig().retentionDays * SECONDS_PER_DAY;
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.audit(entry.tenantId, entry.at, entry.requestId, n),
        type: 'audit',
        ...entry,
        expiresAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const toEntry = (item: Record<string, unknown>): AuditEntry => ({
  tenantId: item.tenantId as string,
  at: item.at as string,
  actor: item.actor as string,
  action: item.action as AuditEntry['action'],
  target: item.target as AuditEntry['target'],
  changes: (item.changes as AuditEntry['changes'] | undefined) ?? {},
  requestId: item.requestId as string,
});

/** The position of a cursor: the table key of the page's last entry. */
const POSITION = ['pk', 'sk'] as const;

/** A tenant's audit trail, newest first, one Query of its partition per page. */
export class DynamoAuditRepository implements AuditRepository {
  private readonly db = getDocumentClient();

  constructor(private readonly cursors: CursorConfig = cursorConfig()) {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async list(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<AuditEntry>> {
    // The scope binds a cursor to this tenant and this listing (lambdas/store/cursor-codec.ts).
    const scope = [tenantId, 'audit', 'console', 'desc'].join('|');
    const key = await this.cursors.key();
    const partition = keys.auditPartition(tenantId);
    const ExclusiveStartKey = cursor
      ? openListingCursor(
          key,
          scope,
          cursor,
          { names: POSITION, nowSeconds: this.cursors.nowSeconds() },
          { name: 'pk', value: partition },
          'admin',
        )
      : undefined;
    const records: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined = ExclusiveStartKey;
    let more = true;
    while (records.length < limit && more) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
          Limit: limit - records.length,
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(result.Items ?? []).map(toEntry));
      start = result.LastEvaluatedKey;
      more = start !== undefined;
    }
    if (!more || records.length === 0) return { records, nextCursor: null };
    // DynamoDB stopped at the page's limit: its LastEvaluatedKey is the key of the page's last entry.
    const last = start as { pk: string; sk: string };
    return {
      records,
      nextCursor: sealCursor(key, scope, { pk: last.pk, sk: last.sk }, Math.floor(this.cursors.nowSeconds())),
    };
  }
}
