import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../lambdas/store/table-definition';
import { FUNCTION_BUNDLING } from '../bundling';

/** The service's own EMF metrics (Powertools): POWERTOOLS_METRICS_NAMESPACE of every function. */
export const METRICS_NAMESPACE = 'ScimProvisioning';

/** Repository root: entries are given relative to it (`lambdas/tokens/handler.ts`). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** `write`: puts and updates only (the request-log writer), no read of any item. */
export type TableAccess = 'read' | 'readWrite' | 'write';

export interface HandlerFunctionProps {
  /** Handler file relative to the repository root; it must export `handler`. */
  entry: string;
  /** POWERTOOLS_SERVICE_NAME of this function. */
  serviceName: string;
  description: string;
  table: dynamodb.ITable;
  tableAccess: TableAccess;
  environment?: Record<string, string>;
  /** @default 10 seconds (API Gateway gives up after 29). */
  timeout?: Duration;
  /** @default 512 MB (more memory is more CPU: faster cold starts for the bundled SDK). */
  memorySize?: number;
  /** Reserved concurrency (lib/capacity.ts); none when undefined. */
  reservedConcurrency?: number;
  /** @default three months */
  logRetention?: logs.RetentionDays;
}

/**
 * Every Lambda function of the service, with the defaults set once: the newest Node runtime, arm64,
 * X-Ray tracing, source maps, a local esbuild bundle (no Docker), an explicit log group with
 * retention, and an execution role of its own that may write to that log group only (no AWS managed
 * policy). Table access is granted through `grantTableAccess`, the one place that lists DynamoDB actions.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrency,
      description: props.description,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // The EMF metrics' namespace (lambdas/config/observability.ts); the dashboard reads it.
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        // ESM builds first and Lambda's credential chain (lib/bundling.ts): every bundle under 500 KB.
        ...FUNCTION_BUNDLING,
        format: OutputFormat.CJS,
        minify: true,
        sourceMap: true,
        // The SDK is bundled (not taken from the runtime) so the deployed code runs the versions
        // package-lock.json pins, the same ones the tests ran against.
        externalModules: [],
        forceDockerBundling: false,
      },
    });

    grantTableAccess(this.function, props.table, props.tableAccess);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions ' +
        '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html). ' +
        'Stream consumers also need dynamodb:ListStreams, which takes no resource either.',
    });
  }
}

/**
 * DynamoDB actions per access level. Scan is deliberately absent: no code path reads a whole table or
 * tenant (every listing is a paged Query). TransactWriteItems/TransactGetItems are authorised per item
 * by the actions below; they have no IAM actions of their own.
 */
const TABLE_ACTIONS: Record<TableAccess, { table: string[]; indexes: string[] }> = {
  read: {
    table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
    indexes: ['dynamodb:Query'],
  },
  write: {
    table: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
    indexes: [],
  },
  readWrite: {
    table: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ],
    indexes: ['dynamodb:Query'],
  },
};

/**
 * The one helper that grants table access. Index ARNs are named from TABLE_DEFINITION instead of
 * `index/*`, so the policy carries no wildcard.
 */
export function grantTableAccess(grantee: iam.IGrantable, table: dynamodb.ITable, access: TableAccess): void {
  const actions = TABLE_ACTIONS[access];
  iam.Grant.addToPrincipal({ grantee, actions: actions.table, resourceArns: [table.tableArn] });
  const indexArns = TABLE_DEFINITION.globalSecondaryIndexes.map(
    (index) => `${table.tableArn}/index/${index.indexName}`,
  );
  if (indexArns.length > 0 && actions.indexes.length > 0)
    iam.Grant.addToPrincipal({ grantee, actions: actions.indexes, resourceArns: indexArns });
}
