import { Duration, SecretValue } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CHANGE_EVENT_SOURCE } from '../../lambdas/domain/change-events';
import { failureQueue } from './failure-queue';

export interface ChangeEventsProps {
  /** Optional delivery to the vendor's app (context eventsWebhookUrl + eventsWebhookSecretArn). */
  webhook?: { url: string; secretArn: string };
}

/**
 * The change events' bus (docs/events.md) and, when configured, their delivery to the vendor's app:
 * an EventBridge API destination behind a rule on this bus (each stage's stack has its own bus and
 * rule), with EventBridge's own retries and a dead-letter queue — no home-made HTTP delivery loop.
 * The connection sends the Authorization header whose value the Secrets Manager secret holds.
 */
export class ChangeEvents extends Construct {
  readonly bus: events.EventBus;
  readonly webhookFailures?: sqs.Queue;

  constructor(scope: Construct, id: string, props: ChangeEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      description: `SCIM change events (source ${CHANGE_EVENT_SOURCE}; docs/events.md)`,
    });
    if (!props.webhook) return;

    const connection = new events.Connection(this, 'WebhookConnection', {
      description: 'Authorization header of the change-event webhook (value from Secrets Manager)',
      authorization: events.Authorization.apiKey(
        'Authorization',
        SecretValue.secretsManager(props.webhook.secretArn),
      ),
    });
    const destination = new events.ApiDestination(this, 'Webhook', {
      description: 'The vendor app endpoint that receives each change event detail',
      connection,
      endpoint: props.webhook.url,
      httpMethod: events.HttpMethod.POST,
    });
    this.webhookFailures = failureQueue(this, 'WebhookFailures', 'the change-event webhook target');
    new events.Rule(this, 'ToWebhook', {
      description: 'Every change event of this stage to the vendor app (API destination)',
      eventBus: this.bus,
      eventPattern: { source: [CHANGE_EVENT_SOURCE] },
      targets: [
        new targets.ApiDestination(destination, {
          // The app receives exactly the documented detail, not the EventBridge envelope.
          event: events.RuleTargetInput.fromEventPath('$.detail'),
          deadLetterQueue: this.webhookFailures,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }

  /** events:PutEvents on this bus only. */
  grantPublish(grantee: iam.IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}
