import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient } from './client';
import { isTransactionConflict } from './errors';

const MAX_ATTEMPTS = 8;

/**
 * TransactWriteItems, retried with jittered backoff when DynamoDB cancels it for a conflicting
 * concurrent transaction or a throttled item (AWS does; DynamoDB Local never does). Condition failures are not retried:
 * they are the caller's business (uniqueness, limits, existence).
 */
export async function transactWrite(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await getDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
    }
  }
}
