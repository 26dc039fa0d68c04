import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/http/routes';
import { TABLE_DEFINITION } from '../../lambdas/store/table-definition';
import { ApiStack } from '../../lib/api-stack';
import { readDeploymentConfig } from '../../lib/config';
import { DataStack } from '../../lib/data-stack';
import { CONSOLE_FIXTURE } from './fixtures/console-fixture';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON, read by shape in assertions
type Json = any;

/** The request log's part of the stacks: writer, subscription filters, grants, the activity routes. */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const config = readDeploymentConfig(app.node);
  const data = new DataStack(app, 'Data');
  const api = new ApiStack(app, 'Api', {
    table: data.table,
    adminUserPool: data.adminUserPool,
    adminUserPoolDomain: data.adminUserPoolDomain,
    consoleAssetDir: CONSOLE_FIXTURE,
    config,
  });
  return { data: Template.fromStack(data), api: Template.fromStack(api) };
}

const { data, api } = synth();
const resources = api.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const functionId = (prefix: string) => {
  const found = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no function ${prefix}`);
  return found[0];
};
const WRITER = functionId('RequestLogWriterHandler');
const SCIM_FUNCTIONS = [...new Set(ROUTES.filter((r) => r.auth === 'scim').map((r) => r.handler))].map(
  (name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}Handler`,
);
/** The log group a function writes to (its LoggingConfig). */
const logGroupOf = (fnId: string): string => resources[fnId].Properties.LoggingConfig.LogGroup.Ref;
const statementsOf = (fnId: string) => {
  const role = resources[fnId].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
};
const dynamoActionsOf = (fnId: string) =>
  statementsOf(fnId)
    .flatMap((s: Json) => [s.Action].flat())
    .filter((a: string) => a.startsWith('dynamodb:'))
    .sort();

describe('request log', () => {
  test('the table removes log and counter items through its TTL attribute expiresAt', () => {
    expect(TABLE_DEFINITION.timeToLiveAttribute).toBe('expiresAt');
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('a subscription filter on each SCIM function and on the authorizer delivers the requestLog lines to the writer', () => {
    const filters = ofType('AWS::Logs::SubscriptionFilter').map(([, f]) => f.Properties);
    const sources = [...SCIM_FUNCTIONS, 'ScimAuthorizerHandler'].map((prefix) =>
      logGroupOf(functionId(prefix)),
    );
    expect(filters.map((f) => f.LogGroupName.Ref).sort()).toEqual([...sources].sort());
    for (const filter of filters) {
      expect(filter.FilterPattern).toBe('{ $.requestLog.requestId = "*" }');
      expect(filter.DestinationArn).toEqual({ 'Fn::GetAtt': [WRITER, 'Arn'] });
    }
    // CloudWatch Logs may invoke the writer for exactly those log groups.
    const permissions = ofType('AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => p.FunctionName?.['Fn::GetAtt']?.[0] === WRITER);
    expect(permissions).toHaveLength(sources.length);
    for (const permission of permissions) expect(permission.Principal).toBe('logs.amazonaws.com');
  });

  test('the SCIM functions and the authorizer write the log to stdout; the writer keeps entries the configured days', () => {
    for (const prefix of [...SCIM_FUNCTIONS, 'ScimAuthorizerHandler']) {
      expect(resources[functionId(prefix)].Properties.Environment.Variables.REQUEST_LOG_SINK).toBe('stdout');
    }
    const writer = resources[WRITER].Properties;
    expect(writer.Environment.Variables.REQUEST_LOG_RETENTION_DAYS).toBe('30');
    const longer = synth({ requestLogRetentionDays: '90' }).api.toJSON().Resources as Record<string, Json>;
    const writer90 = Object.entries(longer).find(
      ([id, r]) => id.startsWith('RequestLogWriterHandler') && (r as Json).Type === 'AWS::Lambda::Function',
    )!;
    expect((writer90[1] as Json).Properties.Environment.Variables.REQUEST_LOG_RETENTION_DAYS).toBe('90');
    expect(() => synth({ requestLogRetentionDays: '0' })).toThrow(/requestLogRetentionDays/);
    expect(() => synth({ requestLogRetentionDays: '9999' })).toThrow(/requestLogRetentionDays/);
  });

  test('the writer may put and update items only: no read, no delete, no index', () => {
    expect(dynamoActionsOf(WRITER)).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(statementsOf(WRITER))).not.toContain('/index/');
    api.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: WRITER },
      MaximumRetryAttempts: 2,
    });
  });

  test('a delivery the writer still fails after its retries is kept in an encrypted queue, not dropped', () => {
    const [[queueId, queue]] = ofType('AWS::SQS::Queue').filter(([id]) =>
      id.startsWith('RequestLogFailures'),
    );
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    api.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: WRITER },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  test('the activity function serves …/requests and …/health with read-only table access', () => {
    const activity = functionId('ActivityHandler');
    const actions = dynamoActionsOf(activity);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query']));
    expect(actions.filter((a: string) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    const paths = ofType('AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart);
    expect(paths).toEqual(expect.arrayContaining(['requests', 'health']));
    expect(ROUTES.filter((r) => r.handler === 'activity').map((r) => [r.path, r.auth])).toEqual([
      ['/admin/v1/tenants/{tenantId}/requests', 'admin'],
      ['/admin/v1/tenants/{tenantId}/health', 'admin'],
    ]);
  });
});
