import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client';
import type { Key } from './keys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BatchGetItem in chunks of 100, retrying unprocessed keys; strongly consistent. Order follows `keyList`. */
export async function batchGet(keyList: Key[]): Promise<(Record<string, unknown> | undefined)[]> {
  const TableName = tableName();
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Key[] = keyList.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await getDocumentClient().send(
        new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[TableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
      pending = (result.UnprocessedKeys?.[TableName]?.Keys as Key[] | undefined) ?? [];
      if (pending.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }
  return keyList.map((k) => found.get(`${k.pk}|${k.sk}`));
}

/** BatchWriteItem deletes in chunks of 25, retrying unprocessed items (idempotent). */
export async function batchDelete(keyList: Key[]): Promise<void> {
  const TableName = tableName();
  for (let i = 0; i < keyList.length; i += 25) {
    let pending = keyList.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await getDocumentClient().send(
        new BatchWriteCommand({ RequestItems: { [TableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[TableName] as typeof pending | undefined) ?? [];
      if (pending.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
    }
  }
}
