import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Reasons DynamoDB gives per item when a transaction is cancelled, in request order
 * ('ConditionalCheckFailed', 'None', 'TransactionConflict', ...).
 */
export function cancellationReasons(error: unknown): string[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as { name?: string })?.name === 'TransactionCanceledException'
  ) {
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    return reasons.map((r) => r.Code ?? 'None');
  }
  return undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * True when the transaction was cancelled by a conflicting transaction or by throttling of one of its
 * items (a hot partition), not by a condition: safe to retry as is, after a backoff.
 */
export function isTransactionConflict(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return (
    !!reasons &&
    reasons.some((r) => r === 'TransactionConflict' || r === 'ThrottlingError') &&
    !reasons.includes('ConditionalCheckFailed')
  );
}
