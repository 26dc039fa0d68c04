import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The records the table's stream consumer is given: the event source filter of lib/api-stack.ts (user
 * items, and count deltas as they are inserted), applied the same way by the local stream poller
 * (local/stream-poller.ts).
 */
export const consumedRecords = (record: DynamoDBRecord) => {
  const type = record.dynamodb?.NewImage?.type?.S;
  return type === 'user' || (type === 'countDelta' && record.eventName === 'INSERT');
};
