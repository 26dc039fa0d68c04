import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger, logTenant, publishCounts, startInvocation } from '../config/observability';
import { type ChangeEvent, changeEventsOf, type StoredChange } from '../domain/change-events';
import { decodeStreamRecord } from '../store/stream-decoding';
import { changeEvents, inviteService, memberCounts } from './compose';

/**
 * The table's one stream consumer (the event source filter passes only consumedRecords). Each record
 * is decoded once (lambdas/store/stream-decoding.ts) and handed to every task that cares:
 * - a user item -> its invitation email through SES (exactly once: the invite record);
 * - a new count delta -> the group's member count is folded (docs/data-model.md), so a delta left
 *   by a request that died is settled even if nobody writes that group again;
 * - a group's deletion tombstone -> the group's member edges are swept (a no-op when the DELETE
 *   finished its own sweep), so a sweep cut short by a fault or a crash still completes;
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

/** What the records of one batch share: a group's fold, its externalId (read once per batch), the counts. */
interface BatchShared {
  folds: Map<string, Promise<void>>;
  externalIds: Map<string, Promise<string | null>>;
  counts: BatchCounts;
}

/** The batch's metrics (docs/operations.md), written once when the batch is done. */
type BatchCounts = Record<
  | 'UsersCreated'
  | 'UsersUpdated'
  | 'UsersDeactivated'
  | 'GroupMemberChanges'
  | 'InvitesSent'
  | 'InvitesFailed',
  number
>;

const EVENT_METRICS: Partial<Record<ChangeEvent['type'], keyof BatchCounts>> = {
  'user.created': 'UsersCreated',
  'user.updated': 'UsersUpdated',
  'user.deactivated': 'UsersDeactivated',
  'group.member_added': 'GroupMemberChanges',
  'group.member_removed': 'GroupMemberChanges',
};

/** One promise per key of `map`, started by the first record that needs it. */
function once<T>(map: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
  if (!map.has(key)) map.set(key, start());
  return map.get(key) as Promise<T>;
}

/** The events of one record, ready to publish (a member event may need its group's externalId). */
async function eventsOf(change: StoredChange, shared: BatchShared): Promise<ChangeEvent[]> {
  if (change.kind === 'membership' && change.externalId === undefined) {
    if (change.added.length + change.removed.length === 0) return [];
    const { tenantId, groupId } = change;
    const externalId = await once(shared.externalIds, `${tenantId}/${groupId}`, () =>
      events.groupExternalId(tenantId, groupId),
    );
    change = { ...change, externalId };
  }
  return changeEventsOf(change);
}

/**
 * The tasks of one record, all attempted; the record fails when any of them failed. Deltas of a group
 * share the batch's first fold (every record of the batch was written before the batch began, so that
 * fold settles them all) and its externalId, read when the batch publishes it (docs/events.md).
 */
async function consume(change: StoredChange, shared: BatchShared): Promise<void> {
  const tally = shared.counts;
  let published: ChangeEvent[] = [];
  const tasks: Promise<unknown>[] = [
    eventsOf(change, shared).then(async (found) => {
      if (found.length > 0) await events.publisher.publish(found);
      published = found;
    }),
  ];
  if (change.kind === 'user' && change.after) {
    const current = change.after;
    tasks.push(
      invites.onUserChange(change.before, current).then(
        (outcome) => {
          if (outcome === 'sent') {
            tally.InvitesSent++;
            logger.info('Invitation sent', { tenantId: current.tenantId, userId: current.id });
          } else if (outcome === 'undeliverable') tally.InvitesFailed++;
        },
        (error: unknown) => {
          tally.InvitesFailed++;
          throw error;
        },
      ),
    );
  }
  if (change.kind === 'membership') {
    const { tenantId, groupId } = change;
    tasks.push(once(shared.folds, `${tenantId}/${groupId}`, () => counts.fold(tenantId, groupId)));
  }
  if (change.kind === 'deletion' && change.resourceType === 'Group') {
    tasks.push(counts.sweepDeletedGroup(change.tenantId, change.id));
  }
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  // Counted once the record is done (a failed record is counted on the delivery that succeeds).
  for (const event of published) {
    const metric = EVENT_METRICS[event.type];
    if (metric) tally[metric]++;
  }
}

const tenantOf = (change: StoredChange): string | undefined =>
  change.kind === 'user' || change.kind === 'group'
    ? (change.after ?? change.before)?.tenantId
    : change.tenantId;

export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  startInvocation(context);
  const shared: BatchShared = {
    folds: new Map(),
    externalIds: new Map(),
    counts: {
      UsersCreated: 0,
      UsersUpdated: 0,
      UsersDeactivated: 0,
      GroupMemberChanges: 0,
      InvitesSent: 0,
      InvitesFailed: 0,
    },
  };
  try {
    return await consumeBatch(event.Records, shared);
  } finally {
    // One EMF line per batch, only for what happened (a batch of count deltas writes none).
    publishCounts(shared.counts);
  }
}

async function consumeBatch(records: DynamoDBRecord[], shared: BatchShared): Promise<DynamoDBBatchResponse> {
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    try {
      const change = decodeStreamRecord(record);
      // The record's tenant on the log lines it causes (records of a batch may be of many tenants).
      logTenant(change ? tenantOf(change) : undefined);
      if (change) await consume(change, shared);
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
