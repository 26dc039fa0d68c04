import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { type Key, keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A tenant's user and group counters are spread over this many items (sk `COUNTS#0` ..
 * `COUNTS#31`, docs/data-model.md): each create or delete adds its delta to a random one, so
 * concurrent writes in one tenant rarely touch the same item (in AWS two concurrent transactions on
 * one item cancel one another with TransactionConflict). Reading a count sums them all (one Query).
 */
export const COUNTER_SHARDS = 32;

/** The key of a random counter shard of the tenant. */
export function randomCounterShard(tenantId: string): Key {
  const base = keys.counters(tenantId);
  return { pk: base.pk, sk: `${base.sk}#${Math.floor(Math.random() * COUNTER_SHARDS)}` };
}

const SHARD_SK = /^COUNTS#\d+$/;

/**
 * The same transaction with each counter delta moved to a fresh random shard: what a retry after a
 * TransactionConflict sends (the shard it collided on may still be busy). Other items are unchanged.
 */
export function withFreshCounterShards(items: TransactItem[]): TransactItem[] {
  return items.map((item) => {
    const key = item.Update?.Key as Key | undefined;
    if (!item.Update || !key || typeof key.sk !== 'string' || !SHARD_SK.test(key.sk)) return item;
    const tenantId = key.pk.slice('T#'.length);
    return { ...item, Update: { ...item.Update, Key: randomCounterShard(tenantId) } };
  });
}
