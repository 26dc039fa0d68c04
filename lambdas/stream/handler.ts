import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type ChangeEvent, changeEventsOf, type StoredChange } from '../domain/change-events';
import { logger } from '../http/logger';
import { decodeStreamRecord } from '../store/stream-decoding';
import { changeEvents, inviteService, memberCounts } from './compose';

/**
 * The table's one stream consumer (the event source filter passes only consumedRecords). Each record
 * is decoded once (lambdas/store/stream-decoding.ts) and handed to every task that cares:
 * - a user item -> its invitation email through SES (exactly once: the invite record);
 * - a new count delta -> the group's member count is folded (docs/data-model.md), so a delta left
 *   by a request that died is settled even if nobody writes that group again;
 * - every record -> its change events on the EventBridge bus (docs/events.md).
 * Records are processed one after the other, in stream order, so the events are published in the
 * order the writes happened. The first record that fails (any of its tasks) is reported as a batch
 * item failure together with every record after it, which is not attempted: the event source retries
 * from there (bounded), then sends the records to the on-failure queue. Retrying a record is
 * harmless: the invitation is guarded by its record, and an event's eventId is the same on every
 * delivery (docs/decisions.md, "One stream consumer, in order").
 */
const invites = inviteService();
const counts = memberCounts();
const events = changeEvents();

/** The events of one record, ready to publish (a member event may need its group's externalId). */
async function eventsOf(change: StoredChange): Promise<ChangeEvent[]> {
  if (change.kind === 'membership' && change.externalId === undefined) {
    if (change.added.length + change.removed.length === 0) return [];
    change = { ...change, externalId: await events.groupExternalId(change.tenantId, change.groupId) };
  }
  return changeEventsOf(change);
}

/**
 * The tasks of one record, all attempted; the record fails when any of them failed. Deltas of a group
 * share the batch's first fold: every record of the batch was written before the batch began, so that
 * fold settles them all.
 */
async function consume(change: StoredChange, folds: Map<string, Promise<void>>): Promise<void> {
  const tasks: Promise<unknown>[] = [
    eventsOf(change).then((found) => (found.length > 0 ? events.publisher.publish(found) : undefined)),
  ];
  if (change.kind === 'user' && change.after) {
    const current = change.after;
    tasks.push(
      invites.onUserChange(change.before, current).then((outcome) => {
        if (outcome === 'sent')
          logger.info('Invitation sent', { tenantId: current.tenantId, userId: current.id });
      }),
    );
  }
  if (change.kind === 'membership') {
    const key = `${change.tenantId}/${change.groupId}`;
    if (!folds.has(key)) folds.set(key, counts.fold(change.tenantId, change.groupId));
    tasks.push(folds.get(key) as Promise<void>);
  }
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

export async function handler(
  event: DynamoDBStreamEvent,
  _context?: unknown,
): Promise<DynamoDBBatchResponse> {
  const folds = new Map<string, Promise<void>>();
  const records = event.Records;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    try {
      const change = decodeStreamRecord(record);
      if (change) await consume(change, folds);
    } catch (error) {
      logger.error('Stream record failed; it and the records after it will be retried', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        eventName: record.eventName,
        error: error as Error,
      });
      return { batchItemFailures: records.slice(index).map(failureOf) };
    }
  }
  return { batchItemFailures: [] };
}

const failureOf = (record: DynamoDBRecord) => ({ itemIdentifier: record.dynamodb?.SequenceNumber as string });
