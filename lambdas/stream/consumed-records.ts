import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The stream records the consumer is given, defined once: lib/api-stack.ts turns these patterns into
 * the event source mapping's FilterCriteria (records that match none cost nothing), and the local
 * stream poller applies the same patterns through `consumedRecords`. User and group items on every
 * write (invitations; created/updated/deactivated/reactivated events), count deltas and deletion
 * tombstones when inserted (member counts and member events; deleted events). The REMOVE of a user
 * or group item is not needed: its tombstone's INSERT says who deleted it.
 */
export const CONSUMED_RECORD_PATTERNS: readonly Record<string, unknown>[] = [
  { dynamodb: { NewImage: { type: { S: ['user'] } } } },
  { dynamodb: { NewImage: { type: { S: ['group'] } } } },
  { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['countDelta'] } } } },
  { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['deletion'] } } } },
];

/** Whether the event source filter lets the record through (any pattern matches). */
export const consumedRecords = (record: DynamoDBRecord): boolean =>
  CONSUMED_RECORD_PATTERNS.some((pattern) => matches(pattern, record));

/**
 * EventBridge-style pattern matching, the subset the patterns above use: an array lists the accepted
 * values, an object descends into the field of that name.
 */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (!pattern || typeof pattern !== 'object') return false;
  if (!value || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([name, sub]) =>
    matches(sub, (value as Record<string, unknown>)[name]),
  );
}
