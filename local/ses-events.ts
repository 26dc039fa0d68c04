import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalRoute } from './adapter';
import { invitePageRoutes } from './invite-page';

/**
 * A fake SES event feed (npm start and the tests): SES in AWS publishes each message's delivery,
 * bounce and complaint through the configuration set -> EventBridge -> SQS -> the mail-events
 * function; here the feed watches local SES's store (GET <sesEndpoint>/store) and hands the same
 * function the same SQS event for each new message:
 * - to `bounce@…` (or `bounce+anything@…`): a Permanent/General bounce;
 * - to `complaint@…` (or `complaint+…@…`): a delivery, then a complaint;
 * - to anyone else: a delivery.
 * Like SES, it reports a message only once the send is complete: it waits until the invite records
 * that message id (SES's own events come seconds later; a poll of local SES could otherwise outrun the
 * write that follows SendEmail). A message no invite claims within WAIT_FOR_INVITE_MS is reported anyway.
 */

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface SesEventFeedOptions {
  sesEndpoint: string;
  /** The mail-events handler, required on first use (after the local environment is set). */
  handler?: () => SqsHandler;
  /** Whether an invite already records this message id (the store, required on first use). */
  isRecorded?: (messageId: string) => Promise<boolean>;
  pollMs?: number;
}

export interface SesEventFeed {
  /** How many SES events the feed has handed to the function. */
  readonly delivered: number;
  stop(): Promise<void>;
}

interface LocalEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  at: number;
}

const WAIT_FOR_INVITE_MS = 10_000;
/** Attempts of one message whose events the function reported as failed. */
const MAX_ATTEMPTS = 5;

export function startSesEventFeed(options: SesEventFeedOptions): SesEventFeed {
  const handler = options.handler ?? (() => require('../lambdas/mail-events/handler').handler as SqsHandler);
  const isRecorded = options.isRecorded ?? inviteRecords;
  const pollMs = options.pollMs ?? 250;
  const done = new Set<string>();
  const firstSeen = new Map<string, number>();
  const attempts = new Map<string, number>();
  let stopped = false;
  let delivered = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const dispatch = async (email: LocalEmail): Promise<boolean> => {
    for (const detail of eventsFor(email)) {
      if (stopped) return false;
      const response = await handler()(sqsEventOf(detail));
      delivered++;
      if (response?.batchItemFailures?.length) return false;
    }
    return true;
  };

  const poll = async () => {
    const response = await fetch(`${options.sesEndpoint}/store`);
    const store = (await response.json()) as { emails: LocalEmail[] };
    for (const email of store.emails) {
      if (stopped) return;
      if (done.has(email.messageId)) continue;
      const seen = firstSeen.get(email.messageId) ?? Date.now();
      firstSeen.set(email.messageId, seen);
      if (!(await isRecorded(email.messageId)) && Date.now() - seen < WAIT_FOR_INVITE_MS) continue;
      const tries = (attempts.get(email.messageId) ?? 0) + 1;
      attempts.set(email.messageId, tries);
      if ((await dispatch(email)) || tries >= MAX_ATTEMPTS) {
        done.add(email.messageId);
        firstSeen.delete(email.messageId);
      }
    }
  };

  const loop = () => {
    if (stopped) return;
    current = poll()
      .catch((error: unknown) => {
        if (!stopped) console.warn('local SES event feed: poll failed', (error as Error).message);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };
  loop();

  return {
    get delivered() {
      return delivered;
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

/** The SES event records (EventBridge `detail`) a local message gets, in order. */
export function eventsFor(email: LocalEmail): Record<string, unknown>[] {
  const to = email.destination.to;
  const kind = fakeKindOf(to[0] ?? '');
  const sentAt = new Date(email.at * 1000).toISOString();
  const now = new Date().toISOString();
  const mail = {
    timestamp: sentAt,
    source: email.from,
    sourceArn: 'arn:aws:ses:local:000000000000:identity/local',
    sendingAccountId: '000000000000',
    messageId: email.messageId,
    destination: to,
    headersTruncated: false,
    // Local SES keeps no tags (SES would carry the configuration set's).
    tags: {},
  };
  const delivery = {
    eventType: 'Delivery',
    mail,
    delivery: {
      timestamp: now,
      processingTimeMillis: 100,
      recipients: to,
      smtpResponse: '250 2.6.0 Message received (local)',
      reportingMTA: 'local-ses',
    },
  };
  if (kind === 'bounce') {
    return [
      {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: to.map((emailAddress) => ({
            emailAddress,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown (local fake bounce)',
          })),
          timestamp: now,
          feedbackId: randomUUID(),
          reportingMTA: 'dsn; local-ses',
        },
      },
    ];
  }
  if (kind === 'complaint') {
    return [
      delivery,
      {
        eventType: 'Complaint',
        mail,
        complaint: {
          complainedRecipients: to.map((emailAddress) => ({ emailAddress })),
          timestamp: now,
          feedbackId: randomUUID(),
          complaintFeedbackType: 'abuse',
        },
      },
    ];
  }
  return [delivery];
}

/** `bounce@…`, `bounce+x@…` -> bounce; `complaint@…`, `complaint+x@…` -> complaint; else delivery. */
export function fakeKindOf(address: string): 'bounce' | 'complaint' | 'delivery' {
  const local = address.split('@')[0]?.toLowerCase().split('+')[0];
  if (local === 'bounce') return 'bounce';
  if (local === 'complaint') return 'complaint';
  return 'delivery';
}

const DETAIL_TYPES: Record<string, string> = {
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
};

/** One SQS record whose body is the EventBridge event of one SES event record. */
export function sqsEventOf(detail: Record<string, unknown>): SQSEvent {
  const body = JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPES[detail.eventType as string] ?? 'Email Event',
    source: 'aws.ses',
    account: '000000000000',
    time: new Date().toISOString(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    resources: [],
    detail,
  });
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'local',
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:mail-events',
        awsRegion: process.env.AWS_REGION ?? 'us-east-1',
      },
    ],
  };
}

/** Whether an invite records the message (the pointer, then the invite itself names it). */
async function inviteRecords(messageId: string): Promise<boolean> {
  const { DynamoInviteRepository } =
    require('../lambdas/store/invite-repository') as typeof import('../lambdas/store/invite-repository');
  repository ??= new DynamoInviteRepository();
  const owner = await repository.messageOwner(messageId);
  if (!owner) return false;
  return (await repository.get(owner.tenantId, owner.userId))?.messageId === messageId;
}

let repository: import('../lambdas/store/invite-repository').DynamoInviteRepository | undefined;

/**
 * The local mail wiring of local/service.ts, in one piece: the invite page's routes, and (with local
 * SES) the event feed. LOCAL_SES_EVENTS=off keeps the feed off (a suite that asserts `sent` itself).
 */
export function startLocalMail(options: { sesEndpoint?: string }): {
  routes: Record<string, LocalRoute>;
  stop(): Promise<void>;
} {
  const feed =
    options.sesEndpoint && process.env.LOCAL_SES_EVENTS !== 'off'
      ? startSesEventFeed({ sesEndpoint: options.sesEndpoint })
      : undefined;
  return { routes: invitePageRoutes(), stop: async () => feed?.stop() };
}
