import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { UserRecord } from '../domain/user-record';
import { logger } from '../http/logger';
import { userFromItem } from '../store/user-repository';
import { inviteService } from './compose';

/**
 * Stream consumer: DynamoDB stream -> invitation emails through SES. Each record is processed on its
 * own; a failed record is reported as a partial batch failure (Powertools BatchProcessor), so only it
 * is retried; after the event source's bounded retries it goes to the on-failure destination.
 */
const processor = new BatchProcessor(EventType.DynamoDBStreams);
const invites = inviteService();

function image(value: Record<string, AttributeValue> | undefined): UserRecord | undefined {
  if (!value) return undefined;
  const item = unmarshall(value as never);
  return item.type === 'user' ? userFromItem(item) : undefined;
}

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  // The event source filter delivers user items only; this check keeps the handler safe without it.
  const current = image(record.dynamodb?.NewImage);
  const previous = image(record.dynamodb?.OldImage);
  if (!current) return;
  const outcome = await invites.onUserChange(previous, current);
  if (outcome === 'sent') logger.info('Invitation sent', { tenantId: current.tenantId, userId: current.id });
}

export async function handler(event: DynamoDBStreamEvent, context: unknown) {
  return processPartialResponse(event, recordHandler, processor, { context: context as never });
}
