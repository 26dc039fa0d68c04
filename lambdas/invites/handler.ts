import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { UserRecord } from '../domain/user-record';
import { logger } from '../http/logger';
import { userFromItem } from '../store/user-repository';
import { inviteService, memberCounts } from './compose';

/**
 * The table's one stream consumer, dispatching by item type (the event source filter passes only
 * these): a user item -> its invitation email through SES; a new count delta -> the group's member
 * count is folded (docs/data-model.md), so a delta left by a request that died is settled even if
 * nobody writes that group again. Each record is processed on its own; a failed record is reported
 * as a partial batch failure (Powertools BatchProcessor), so a failure of one kind never fails the
 * other; after the event source's bounded retries it goes to the on-failure destination.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);
const invites = inviteService();
const counts = memberCounts();

function itemOf(value: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return value ? unmarshall(value as never) : undefined;
}

function userOf(item: Record<string, unknown> | undefined): UserRecord | undefined {
  return item?.type === 'user' ? userFromItem(item) : undefined;
}

async function onUser(record: DynamoDBRecord): Promise<void> {
  const current = userOf(itemOf(record.dynamodb?.NewImage));
  const previous = userOf(itemOf(record.dynamodb?.OldImage));
  if (!current) return;
  const outcome = await invites.onUserChange(previous, current);
  if (outcome === 'sent') logger.info('Invitation sent', { tenantId: current.tenantId, userId: current.id });
}

/**
 * The handler of one batch. Every record of the batch was written before the batch began, so one
 * fold per group (shared by its records, which the processor may run at once) settles them all.
 */
function recordHandler(): (record: DynamoDBRecord) => Promise<void> {
  const folds = new Map<string, Promise<void>>();
  return async (record) => {
    const item = itemOf(record.dynamodb?.NewImage);
    if (item?.type === 'user') return onUser(record);
    if (item?.type === 'countDelta' && record.eventName === 'INSERT') {
      const { tenantId, groupId } = counts.groupOf(item);
      const key = `${tenantId}/${groupId}`;
      if (!folds.has(key)) folds.set(key, counts.fold(tenantId, groupId));
      return folds.get(key);
    }
    // Anything else: the filter does not send it; nothing to do.
  };
}

export async function handler(event: DynamoDBStreamEvent, context: unknown) {
  return processPartialResponse(event, recordHandler(), processor, { context: context as never });
}
