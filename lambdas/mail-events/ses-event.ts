import type { MailEvent } from '../domain/invites';

/**
 * SES event publishing, as it arrives here: SES -> configuration set -> EventBridge (default bus) ->
 * rule -> SQS -> this function. Each SQS body is the EventBridge event, whose `detail` is SES's event
 * record (docs/events.md, "Mail events"). Only what the invite needs is read.
 */
interface SesEventRecord {
  eventType?: string;
  mail?: { messageId?: string; timestamp?: string };
  bounce?: {
    bounceType?: string;
    bounceSubType?: string;
    timestamp?: string;
    bouncedRecipients?: { emailAddress?: string; diagnosticCode?: string }[];
  };
  complaint?: { timestamp?: string; complaintFeedbackType?: string };
  delivery?: { timestamp?: string };
}

/** A body that is not an SES event record of a message (malformed JSON is a thrown error: retried, then dead-lettered). */
export class NotAMailEventError extends Error {}

/**
 * The mail event of one SQS body; undefined for an SES event type the invite does not follow (Send,
 * Open, Click, Reject, DeliveryDelay, RenderingFailure, Subscription).
 */
export function mailEventOf(body: string): MailEvent | undefined {
  const envelope = JSON.parse(body) as { source?: unknown; detail?: SesEventRecord } | null;
  const detail = envelope?.detail;
  if (envelope?.source !== 'aws.ses' || !detail || typeof detail !== 'object') {
    throw new NotAMailEventError('Not an SES event (source aws.ses with a detail)');
  }
  const messageId = detail.mail?.messageId;
  if (typeof messageId !== 'string' || messageId === '') {
    throw new NotAMailEventError('The SES event names no mail.messageId');
  }
  const mailAt = detail.mail?.timestamp ?? new Date().toISOString();
  switch (detail.eventType) {
    case 'Delivery':
      return { kind: 'delivery', messageId, at: detail.delivery?.timestamp ?? mailAt };
    case 'Complaint':
      return {
        kind: 'complaint',
        messageId,
        at: detail.complaint?.timestamp ?? mailAt,
        feedbackType: detail.complaint?.complaintFeedbackType,
      };
    case 'Bounce': {
      const bounce = detail.bounce ?? {};
      // One recipient per invitation: its diagnostic (the remote server's answer).
      const diagnostic = bounce.bouncedRecipients?.find((r) => r?.diagnosticCode)?.diagnosticCode;
      return {
        kind: 'bounce',
        messageId,
        at: bounce.timestamp ?? mailAt,
        bounceType: bounce.bounceType ?? 'Undetermined',
        bounceSubType: bounce.bounceSubType ?? 'Undetermined',
        diagnostic,
      };
    }
    default:
      return undefined;
  }
}
