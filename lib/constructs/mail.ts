import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureQueue } from './failure-queue';
import { HandlerFunction } from './handler-function';

/** The function that turns SES events into invite states (lambdas/mail-events, the mail helper's). */
export const MAIL_EVENTS_ENTRY = 'lambdas/mail-events/handler.ts';

/** The SES events the mail-events function reads, as EventBridge detail types (source aws.ses). */
export const MAIL_EVENT_DETAIL_TYPES = [
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Delivery Delayed',
];

export interface MailProps {
  /** The identity to create: a domain or an address. */
  identity: string;
  /** false: the identity exists already (verified by hand or by another stack). */
  createIdentity: boolean;
  /** The sender the functions may use (ses:FromAddress). */
  fromAddress: string;
  table: dynamodb.ITable;
  /** @default MAIL_EVENTS_ENTRY */
  eventsEntry?: string;
  /** Reserved concurrency of the mail-events function; the SQS event source's maximum follows it. */
  reservedConcurrency?: number;
  memoryMb: number;
}

/**
 * Mail that tells what happened to it: the SES identity, a configuration set (account-level
 * suppression list for bounces and complaints, reputation metrics) whose delivery, bounce, complaint,
 * reject and delay events go to the default EventBridge bus; a rule for this configuration set's
 * events only → an encrypted SQS queue (with its own DLQ) → the mail-events function, which records
 * them on the invitations (delivered / bounced / complained).
 */
export class Mail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly identity?: ses.EmailIdentity;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: HandlerFunction;
  private readonly fromAddress: string;
  private readonly identityName: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.fromAddress = props.fromAddress;
    this.identityName = props.identity;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      // Addresses on the account-level suppression list (hard bounces, complaints) are not sent to.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    // SES publishes to the default bus only.
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: [
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
      ],
    });

    if (props.createIdentity) {
      const isAddress = props.identity.includes('@');
      this.identity = new ses.EmailIdentity(this, 'Identity', {
        identity: isAddress ? ses.Identity.email(props.identity) : ses.Identity.domain(props.identity),
        // Sends without ConfigurationSetName still publish their events.
        configurationSet: this.configurationSet,
      });
      if (!isAddress) {
        // Easy DKIM: the three CNAME records that verify the domain.
        const identity = this.identity;
        const records = [
          [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
          [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
          [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
        ];
        records.forEach(([name, value], i) => {
          // Stack-level ids: the output names stay MailDkimRecord1..3.
          new CfnOutput(Stack.of(this), `MailDkimRecord${i + 1}`, {
            value: `${name} CNAME ${value}`,
            description: `DKIM record ${i + 1} of 3 to create in the DNS of ${props.identity}`,
          });
        });
      }
    }

    this.deadLetterQueue = failureQueue(this, 'DeadLetters', 'the mail-events queue (its DLQ)');
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function timeout, as Lambda recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(180),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    new events.Rule(this, 'Rule', {
      description:
        "SES delivery, bounce, complaint, reject and delay events of this stage's configuration set",
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detailType: MAIL_EVENT_DETAIL_TYPES,
        // SES tags every message with the configuration set it was sent with.
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new targets.SqsQueue(this.queue)],
    });

    this.handler = new HandlerFunction(this, 'Handler', {
      entry: props.eventsEntry ?? MAIL_EVENTS_ENTRY,
      serviceName: 'scim-mail-events',
      description: 'SES delivery, bounce and complaint events -> invitation states',
      table: props.table,
      tableAccess: 'readWrite',
      timeout: Duration.seconds(30),
      memorySize: props.memoryMb,
      reservedConcurrency: props.reservedConcurrency,
    });
    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // SQS event sources take 2 to 1000; the reserved concurrency caps the function anyway.
        maxConcurrency: Math.max(2, Math.min(props.reservedConcurrency ?? 5, 1000)),
      }),
    );
  }

  /**
   * SES send permission for a function: from the configured address only, through the identity
   * (address or domain) and this configuration set (SendEmail with ConfigurationSetName is
   * authorized against both), and the configuration set's name as SES_CONFIGURATION_SET.
   */
  allowSend(handler: HandlerFunction): void {
    const stack = Stack.of(this);
    const domain = this.fromAddress.split('@')[1];
    const identities = [...new Set([this.fromAddress, domain, this.identityName])];
    handler.function.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    handler.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          ...identities.map((identity) =>
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
          ),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
      }),
    );
  }
}
