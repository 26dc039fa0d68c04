import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

/**
 * The process's observability: one Powertools Logger, Metrics and Tracer, created at module load from
 * the environment the stack sets (lib/constructs/handler-function.ts): POWERTOOLS_SERVICE_NAME names
 * the function, POWERTOOLS_METRICS_NAMESPACE the metrics' namespace. docs/operations.md, "Observability",
 * lists the log fields, metric names and dimensions, and what the traces show.
 *
 * Never log a secret: no Authorization header, token, link token or request body goes into a log line.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'scim-provisioning';

export const METRICS_NAMESPACE = process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ScimProvisioning';

export const logger = new Logger({ serviceName });

/** EMF metrics; the default dimension is `service` (the function's service name). */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });

/**
 * X-Ray: the Tracer records SDK calls as subsegments of the function's segment (captureAwsClient).
 * It exists in Lambda only (AWS_EXECUTION_ENV set), where it also honours POWERTOOLS_TRACE_ENABLED=false
 * (a disabled Tracer hands clients back untouched). Outside Lambda (npm start, tests, the bench) the
 * Tracer module is not even loaded: the X-Ray SDK under it installs an async hook (cls-hooked) at
 * load that runs on every promise of the process, about 7% of the local service's CPU per request,
 * for traces nobody collects there.
 */
export const tracer: Tracer | undefined = process.env.AWS_EXECUTION_ENV
  ? new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer({
      serviceName,
    })
  : undefined;

/** The metric names of docs/operations.md (all counts). */
export type MetricName =
  | 'UsersCreated'
  | 'UsersUpdated'
  | 'UsersDeactivated'
  | 'GroupMemberChanges'
  | 'InvitesSent'
  | 'InvitesFailed'
  | 'InvitesDelivered'
  | 'InvitesBounced'
  | 'InvitesComplained'
  | 'Responses4xx'
  | 'Responses5xx';

/** An SDK v3 client whose calls become X-Ray subsegments (when tracing is on). */
export function captureAwsClient<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * The start of one invocation: the Lambda context (request id, function name and version, cold start)
 * goes onto every log line of it; keys appended by the previous invocation are dropped. Local runs
 * pass no context (npm start serves many requests at once in one process): nothing is injected.
 */
export function startInvocation(context: Context | undefined): void {
  logger.resetKeys();
  if (context && typeof context.awsRequestId === 'string') logger.addContext(context);
}

/** The tenant of the request or record being handled, on every following log line of the invocation. */
export function logTenant(tenantId: string | undefined): void {
  if (tenantId) logger.appendKeys({ tenantId });
  else logger.removeKeys(['tenantId']);
}

/**
 * Whether EMF lines are written. In Lambda, unless POWERTOOLS_METRICS_DISABLED says otherwise; outside
 * it (npm start, integration tests) only when POWERTOOLS_METRICS_DISABLED=false asks for them, so a
 * local console is not flooded with JSON blobs nobody collects.
 */
const metricsWritten =
  Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) || process.env.POWERTOOLS_METRICS_DISABLED === 'false';

/**
 * Writes the counts of one invocation as EMF: one blob with the default dimension (`service`) and,
 * when `dimensions` are given (e.g. tenantId), a second blob with `service` + those dimensions (EMF
 * puts every metric of a blob under each of its dimension sets, and Powertools drops the default-only
 * set once another is added, so the by-tenant counts are a blob of their own). Counts of zero are
 * written too when `keepZeros` (a rate is the average of 0/1 samples). Nothing to write, no blob (and
 * no "no metrics" warning).
 */
export function publishCounts(
  counts: Partial<Record<MetricName, number>>,
  options: { dimensions?: Record<string, string>; keepZeros?: boolean } = {},
): void {
  const entries = Object.entries(counts).filter(
    (entry): entry is [string, number] => entry[1] !== undefined && (options.keepZeros || entry[1] > 0),
  );
  if (entries.length === 0 || !metricsWritten) return;
  for (const dimensions of options.dimensions ? [undefined, options.dimensions] : [undefined]) {
    try {
      for (const [name, value] of entries) metrics.addMetric(name, MetricUnit.Count, value);
      if (dimensions) metrics.addDimensions(dimensions);
      // publishStoredMetrics itself honours POWERTOOLS_METRICS_DISABLED (and POWERTOOLS_DEV).
      metrics.publishStoredMetrics();
    } catch (error) {
      // A metric must never fail the request or record it describes.
      logger.warn('Metrics not written', { error: error as Error });
      metrics.clearMetrics();
      metrics.clearDimensions();
    }
  }
}
