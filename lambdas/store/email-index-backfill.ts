import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { primaryEmailOf } from '../domain/user-record';
import { getDocumentClient, tableName } from './client';
import { keys } from './keys';

export interface BackfillProgress {
  /** Items the Scan evaluated so far. */
  scanned: number;
  /** Users that got their GSI2 keys. */
  indexed: number;
  /** Users rewritten meanwhile (their own write set the keys) or without any email. */
  skipped: number;
}

/**
 * Gives every user item written before GSI2 existed its GSI2 keys, so the console's search by email
 * prefix finds it (docs/operations-deploy.md, "After upgrading"). An operator's one-off: it Scans the
 * table (the one place a Scan is right — every tenant, once), page by page, and sets only the two
 * index attributes, conditioned on the version it read: a user written in between already has them
 * from its own Put and is left alone. Nothing else of the item changes, so the stream consumer derives
 * no change event and sends no invitation. Safe to run again; stops after `maxPages` if given.
 */
export async function backfillEmailIndex(
  options: { pageSize?: number; maxPages?: number; onPage?: (progress: BackfillProgress) => void } = {},
): Promise<BackfillProgress> {
  const db = getDocumentClient();
  const progress: BackfillProgress = { scanned: 0, indexed: 0, skipped: 0 };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: '#type = :user AND attribute_not_exists(gsi2pk)',
        ExpressionAttributeNames: { '#type': 'type', '#v': 'version' },
        ExpressionAttributeValues: { ':user': 'user' },
        ProjectionExpression: 'pk, sk, tenantId, id, attributes, #v',
        Limit: options.pageSize ?? 500,
        ExclusiveStartKey,
      }),
    );
    progress.scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const email = primaryEmailOf((item.attributes ?? {}) as Record<string, unknown>);
      if (!email) {
        progress.skipped++;
        continue;
      }
      const index = keys.usersByEmailIndex(item.tenantId as string, email, item.id as string);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
            ConditionExpression: '#v = :v AND attribute_not_exists(gsi2pk)',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':pk': index.gsi2pk, ':sk': index.gsi2sk, ':v': item.version },
          }),
        );
        progress.indexed++;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        progress.skipped++;
      }
    }
    options.onPage?.({ ...progress });
    ExclusiveStartKey = page.LastEvaluatedKey;
    pages++;
  } while (ExclusiveStartKey && (options.maxPages === undefined || pages < options.maxPages));
  return progress;
}
