import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type MetricName, publishCounts, startInvocation } from '../config/observability';
import type { MailEventOutcome } from '../domain/invites';
import { logger } from '../http/logger';
import { mailEventService } from './compose';
import { mailEventOf, NotAMailEventError } from './ses-event';

/**
 * The invitations' mail events (docs/events.md, "Mail events"): each SQS record is one SES event
 * (through EventBridge) of a message; a delivery, a bounce or a complaint moves the invite whose
 * message it is to delivered / bounced / complained. Stale events (an older send), duplicates and
 * out-of-order events change nothing (conditional updates). A record that fails (the table) is
 * reported as a batch item failure and retried by SQS, then dead-lettered; one that is not an SES
 * event at all is dropped with a warning (retrying it cannot help).
 */
const invites = mailEventService();
const processor = new BatchProcessor(EventType.SQS);

/** The outcomes that move an invite, as the metric that counts them (stale and unknown ones count nothing). */
const METRIC_OF: Partial<Record<MailEventOutcome, MetricName>> = {
  delivered: 'InvitesDelivered',
  bounced: 'InvitesBounced',
  complained: 'InvitesComplained',
};
/** The counts of the batch being handled (one EMF blob per invocation). */
let counts: Partial<Record<MetricName, number>> = {};

async function recordHandler(record: SQSRecord): Promise<void> {
  let event: ReturnType<typeof mailEventOf>;
  try {
    event = mailEventOf(record.body);
  } catch (error) {
    if (error instanceof NotAMailEventError || error instanceof SyntaxError) {
      logger.warn('Dropped a record that is not an SES mail event', {
        messageId: record.messageId,
        reason: (error as Error).message,
      });
      return;
    }
    throw error;
  }
  if (!event) return;
  const outcome = await invites.onMailEvent(event);
  const metric = METRIC_OF[outcome];
  if (metric) counts[metric] = (counts[metric] ?? 0) + 1;
  // The SES message id only: the address and the diagnostic stay on the invite.
  logger.info('Mail event', { sesMessageId: event.messageId, kind: event.kind, outcome });
}

export async function handler(event: SQSEvent, context?: unknown): Promise<SQSBatchResponse> {
  startInvocation(context as never);
  counts = {};
  try {
    return await processPartialResponse(event, recordHandler, processor, {
      context: context as never,
      throwOnFullBatchFailure: false,
    });
  } finally {
    // InvitesDelivered / InvitesBounced / InvitesComplained: the invites this batch moved.
    publishCounts(counts);
  }
}
