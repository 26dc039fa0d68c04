import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { Construct } from 'constructs';
import { failureQueue } from './failure-queue';
import { HandlerFunction } from './handler-function';

/** The request-log writer, fed by the subscription filters of the SCIM functions and the authorizer. */
export const REQUEST_LOG_ENTRY = 'lambdas/request-log/handler.ts';

/**
 * The request-log lines (`{"requestLog": {...}}`, lambdas/domain/request-log.ts) among a function's
 * log events: a JSON pattern, so the Powertools log lines are never delivered.
 */
export const REQUEST_LOG_FILTER_PATTERN = logs.FilterPattern.exists('$.requestLog.requestId');

/**
 * The provisioning request log (docs/architecture.md): every SCIM function and the authorizer write
 * one `{"requestLog": …}` line per request to stdout; a subscription filter on each of their log
 * groups delivers those lines (and nothing else) to the writer function, which may only put and
 * update items. The SCIM path itself makes no write for the log. Ids are the stack's own
 * (`RequestLogWriterHandler`, `RequestLog` on each log group).
 */
export function addRequestLog(
  scope: Construct,
  props: {
    table: dynamodb.ITable;
    retentionDays: number;
    sources: HandlerFunction[];
    memorySize?: number;
    reservedConcurrency?: number;
  },
): HandlerFunction {
  const writer = new HandlerFunction(scope, 'RequestLogWriterHandler', {
    entry: REQUEST_LOG_ENTRY,
    serviceName: 'scim-request-log',
    description: "Writes the provisioning request log from the SCIM functions' log lines",
    table: props.table,
    tableAccess: 'write',
    timeout: Duration.seconds(60),
    environment: { REQUEST_LOG_RETENTION_DAYS: String(props.retentionDays) },
    memorySize: props.memorySize,
    reservedConcurrency: props.reservedConcurrency,
  });
  // Asynchronous invocation by CloudWatch Logs: a failed batch is retried twice (items are idempotent),
  // then the whole invocation (the encoded log lines) is kept in RequestLogFailures for a replay.
  const failures = failureQueue(
    scope,
    'RequestLogFailures',
    "the request-log writer's asynchronous invocations",
  );
  writer.function.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new SqsDestination(failures),
  });
  const destination = new LambdaDestination(writer.function);
  for (const source of props.sources) {
    source.logGroup.addSubscriptionFilter('RequestLog', {
      destination,
      filterPattern: REQUEST_LOG_FILTER_PATTERN,
      filterName: 'request-log',
    });
  }
  return writer;
}
