import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient } from './client';
import { withFreshCounterShards } from './counter-shards';
import { isTransactionConflict } from './errors';

const MAX_ATTEMPTS = 8;

/**
 * TransactWriteItems, retried with jittered backoff when DynamoDB cancels it for a conflicting
 * concurrent transaction or a throttled item (AWS does; DynamoDB Local never does): up to
 * MAX_ATTEMPTS sends, the n-th retry after a random wait below 25 ms * 2^n ("full jitter"), each
 * retry's counter delta on a fresh random shard. Condition failures are not retried: they are the
 * caller's business (uniqueness, limits, existence). A transaction is idempotent to retry here: a
 * cancelled one wrote nothing.
 */
export async function transactWrite(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<void> {
  let sent = items;
  for (let attempt = 1; ; attempt++) {
    try {
      await getDocumentClient().send(new TransactWriteCommand({ TransactItems: sent }));
      return;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
      sent = withFreshCounterShards(sent);
    }
  }
}
