import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from './client';
import type { Key } from './keys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BatchGetItem calls in flight at once for a long key list (a 10k-member replace validates 10k users). */
const PARALLEL_BATCHES = 8;

/** BatchGetItem in chunks of 100, retrying unprocessed keys; strongly consistent. Order follows `keyList`. */
export async function batchGet(keyList: Key[]): Promise<(Record<string, unknown> | undefined)[]> {
  const TableName = tableName();
  const found = new Map<string, Record<string, unknown>>();
  const chunks: Key[][] = [];
  for (let i = 0; i < keyList.length; i += 100) chunks.push(keyList.slice(i, i + 100));
  const next = async (): Promise<void> => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) await getChunk(TableName, chunk, found);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, chunks.length) }, next));
  return keyList.map((k) => found.get(`${k.pk}|${k.sk}`));
}

async function getChunk(
  TableName: string,
  keys: Key[],
  found: Map<string, Record<string, unknown>>,
): Promise<void> {
  let pending: Key[] = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const result = await getDocumentClient().send(
      new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of result.Responses?.[TableName] ?? []) found.set(`${item.pk}|${item.sk}`, item);
    pending = (result.UnprocessedKeys?.[TableName]?.Keys as Key[] | undefined) ?? [];
    if (pending.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
  }
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
