import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';
import { METRICS_NAMESPACE } from './handler-function';
import type { RateLimitAcl } from './rate-limits';

export { METRICS_NAMESPACE };
/** The metric the authorizer's ERROR log lines (it could not check a token) are counted as. */
export const AUTHORIZER_FAILURES_METRIC = 'AuthorizerFailures';

/** Alarm thresholds (docs/deploy.md, "Alarms"). */
export const ALARM_THRESHOLDS = {
  /** Percent of SCIM requests answered 5xx over 5 minutes, three periods in a row, with at least 20 requests. */
  scim5xxPercent: 1,
  scim5xxMinRequests: 20,
  /** Seconds the stream consumer may lag behind the table (its records expire after an hour). */
  iteratorAgeSeconds: 300,
  /** Percent of requests a web ACL blocked over 5 minutes, with at least 100 requests. */
  wafBlockedPercent: 5,
  wafMinRequests: 100,
  /** SES reputation: AWS reviews an account at 5 % bounces and 0.1 % complaints; alarm before. */
  sesBounceRate: 0.04,
  sesComplaintRate: 0.0008,
} as const;

/** An SES reputation metric of the configuration set (hourly maximum). */
function sesReputation(configurationSetName: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    dimensionsMap: { 'ses:configuration-set': configurationSetName },
    statistic: 'Maximum',
    period: Duration.hours(1),
  });
}

export interface MonitoringProps {
  scimStage: apigw.Stage;
  adminStage: apigw.Stage;
  /** Every function of the stack, by a readable name. `errorsAlarm: false` for the authorizer (a refused token is an error). */
  functions: { name: string; handler: HandlerFunction; errorsAlarm: boolean }[];
  authorizer: HandlerFunction;
  streamConsumer: HandlerFunction;
  /** The dead-letter / on-failure queues: any message in one is an alarm. */
  failureQueues: { name: string; queue: sqs.IQueue }[];
  acls: RateLimitAcl[];
  configurationSetName: string;
  alarmEmail?: string;
}

/**
 * The stage's alarms and its one dashboard, with plain CloudWatch constructs: the alarms need
 * metric math (a 5xx and a WAF block *rate* with a request floor), SES configuration-set reputation
 * metrics, a log metric filter and SEARCH over the EMF metrics, which cdk-monitoring-constructs'
 * facades would wrap or not offer; plain constructs keep each alarm's id, threshold and dimensions
 * readable in the template and in the tests. With `alarmEmail`, every alarm (and its OK) goes to an
 * SNS topic encrypted with a customer managed key CloudWatch may use.
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const period = Duration.minutes(5);
    if (props.alarmEmail) this.topic = this.alarmTopic(props.alarmEmail);

    // SCIM 5xx rate.
    const requests = props.scimStage.metricCount({ period, statistic: 'Sum' });
    const errors5xx = props.scimStage.metricServerError({ period, statistic: 'Sum' });
    const t = ALARM_THRESHOLDS;
    const rate5xx = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${t.scim5xxMinRequests}, 100 * errors / requests, 0)`,
      usingMetrics: { requests, errors: errors5xx },
      period,
      label: 'SCIM 5xx (%)',
    });
    this.alarm(
      'Scim5xxRate',
      rate5xx,
      t.scim5xxPercent,
      'SCIM API: more than 1 % of requests answered 5xx',
      3,
    );

    // The authorizer could not check tokens (storage unavailable): IdPs get 503s.
    const authorizerFailures = new logs.MetricFilter(this, 'AuthorizerFailureFilter', {
      logGroup: props.authorizer.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: AUTHORIZER_FAILURES_METRIC,
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period, statistic: 'Sum' });
    this.alarm(
      'AuthorizerErrors',
      authorizerFailures,
      1,
      'SCIM authorizer could not check tokens (503 to IdPs)',
    );

    // Errors and throttles of every function.
    for (const { name, handler, errorsAlarm } of props.functions) {
      if (errorsAlarm) {
        this.alarm(`${name}Errors`, handler.function.metricErrors({ period }), 1, `${name}: function errors`);
      }
      this.alarm(
        `${name}Throttles`,
        handler.function.metricThrottles({ period }),
        1,
        `${name}: throttled (reserved concurrency reached)`,
      );
    }

    const iteratorAge = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: props.streamConsumer.function.functionName },
      statistic: 'Maximum',
      period,
    });
    this.alarm(
      'StreamIteratorAge',
      iteratorAge,
      t.iteratorAgeSeconds * 1000,
      'Stream consumer lags more than 5 minutes behind the table (invitations, counts, events late)',
    );

    for (const { name, queue } of props.failureQueues) {
      this.alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        `${name}: messages that failed their retries wait for inspection and replay`,
      );
    }

    const region = stack.region;
    for (const acl of props.acls) {
      const blocked = acl.metric('BlockedRequests', region).with({ period });
      const allowed = acl.metric('AllowedRequests', region).with({ period });
      const blockedRate = new cloudwatch.MathExpression({
        expression: `IF(blocked + allowed >= ${t.wafMinRequests}, 100 * blocked / (blocked + allowed), 0)`,
        usingMetrics: { blocked, allowed },
        period,
        label: `${acl.name} blocked (%)`,
      });
      this.alarm(
        `${acl.node.id}BlockedRate`,
        blockedRate,
        t.wafBlockedPercent,
        `${acl.name}: over 5 % of requests rate-limited`,
      );
    }

    const reputation = (metricName: string) => sesReputation(props.configurationSetName, metricName);
    this.alarm(
      'SesBounceRate',
      reputation('Reputation.BounceRate'),
      t.sesBounceRate,
      'SES bounce rate at 4 % (AWS reviews at 5 %)',
    );
    this.alarm(
      'SesComplaintRate',
      reputation('Reputation.ComplaintRate'),
      t.sesComplaintRate,
      'SES complaint rate at 0.08 % (AWS reviews at 0.1 %)',
    );

    this.dashboard = this.buildDashboard(props, { rate5xx, authorizerFailures, iteratorAge }, region);
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    periods = 1,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.topic) {
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
    }
    this.alarms.push(alarm);
  }

  private alarmTopic(email: string): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
    });
    // The AWS managed SNS key does not let CloudWatch publish: a customer managed key that does.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'SCIM provisioning alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  private buildDashboard(
    props: MonitoringProps,
    m: {
      rate5xx: cloudwatch.IMetric;
      authorizerFailures: cloudwatch.IMetric;
      iteratorAge: cloudwatch.IMetric;
    },
    region: string,
  ): cloudwatch.Dashboard {
    const period = Duration.minutes(5);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
    });
    const stageWidgets = (title: string, stage: apigw.Stage) =>
      new cloudwatch.GraphWidget({
        title,
        width: 8,
        left: [
          stage.metricCount({ period, statistic: 'Sum', label: 'requests' }),
          stage.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          stage.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
        right: [stage.metricLatency({ period, statistic: 'p99', label: 'latency p99 (ms)' })],
      });
    // EMF metrics carry the `service` dimension (and tenantId for the 4xx/5xx ones): SEARCH finds them all.
    const search = (metricNames: string[], label: string) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service} (${metricNames
          .map((n) => `MetricName="${n}"`)
          .join(' OR ')})', 'Sum', 300)`,
        label,
        period,
      });
    const tenantSearch = (metricName: string) =>
      new cloudwatch.SearchExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service,tenantId} MetricName="${metricName}"', 'Sum', 300)`,
        label: metricName,
        period,
      });
    dashboard.addWidgets(
      stageWidgets('SCIM API', props.scimStage),
      stageWidgets('Admin API', props.adminStage),
      new cloudwatch.GraphWidget({
        title: 'SCIM 5xx rate and authorizer failures',
        width: 8,
        left: [m.rate5xx],
        right: [m.authorizerFailures],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'WAF: allowed and rate-limited',
        width: 8,
        left: props.acls.map((acl) =>
          acl.metric('AllowedRequests', region).with({ period, label: `${acl.name} allowed` }),
        ),
        right: props.acls.map((acl) =>
          acl.metric('BlockedRequests', region).with({ period, label: `${acl.name} blocked` }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Provisioning (ScimProvisioning)',
        width: 8,
        left: [
          search(['UsersCreated', 'UsersUpdated', 'UsersDeactivated', 'GroupMemberChanges'], 'provisioning'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Responses by tenant (ScimProvisioning)',
        width: 8,
        left: [tenantSearch('Responses4xx'), tenantSearch('Responses5xx')],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Invitations (ScimProvisioning)',
        width: 8,
        left: [
          search(
            ['InvitesSent', 'InvitesFailed', 'InvitesDelivered', 'InvitesBounced', 'InvitesComplained'],
            'invites',
          ),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation (configuration set)',
        width: 8,
        left: ['Reputation.BounceRate', 'Reputation.ComplaintRate'].map((metricName) =>
          sesReputation(props.configurationSetName, metricName),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Stream lag and failure queues',
        width: 8,
        left: [m.iteratorAge],
        right: props.failureQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
        ),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width: 8,
        left: props.functions.map(({ name, handler }) =>
          handler.function.metricErrors({ period, label: name }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        width: 8,
        left: props.functions.map(({ name, handler }) =>
          handler.function.metricThrottles({ period, label: name }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        width: 8,
        left: props.functions.map(({ name, handler }) =>
          handler.function.metricDuration({ period, statistic: 'p99', label: name }),
        ),
      }),
    );
    return dashboard;
  }
}
