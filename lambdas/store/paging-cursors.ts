import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client';
import { keys } from './keys';

/** Cursors live a while: Okta's import of 100k users takes minutes, pages come seconds apart. */
const CURSOR_TTL_SECONDS = 60 * 60;

export type DynamoKey = Record<string, unknown>;

/**
 * SCIM pages by offset (`startIndex`), DynamoDB by cursor (`ExclusiveStartKey`). After serving a page
 * we remember the cursor that starts the next one; a sequential import then costs one Query per page
 * instead of skipping `startIndex - 1` items (docs/data-model.md, "Cursors").
 */
export function queryHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export async function findCursor(
  tenantId: string,
  hash: string,
  startIndex: number,
): Promise<DynamoKey | undefined> {
  const result = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.pagingCursor(tenantId, hash, startIndex) }),
  );
  const item = result.Item;
  if (!item || (item.expiresAt as number) < Date.now() / 1000) return undefined;
  return item.cursor as DynamoKey;
}

export async function rememberCursor(
  tenantId: string,
  hash: string,
  startIndex: number,
  cursor: DynamoKey,
): Promise<void> {
  await getDocumentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.pagingCursor(tenantId, hash, startIndex),
        type: 'cursor',
        cursor,
        expiresAt: Math.floor(Date.now() / 1000) + CURSOR_TTL_SECONDS,
      },
    }),
  );
}
