import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ADMIN_GATEWAY_RESPONSES,
  GATEWAY_RESPONSES,
  RETRY_AFTER_SECONDS,
  ROUTES,
  SCIM_CONTENT_TYPE,
  scimGatewayBody,
} from '../../lambdas/http/routes';
import { TABLE_DEFINITION } from '../../lambdas/store/table-definition';
import { CONSUMED_RECORD_PATTERNS, consumedRecords } from '../../lambdas/stream/consumed-records';
import { type ApiStackProps, SCIM_SERVER_ERROR_DETAIL } from '../../lib/api-stack';
import { synthStacks } from './fixtures/synth';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON, read by shape in assertions
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json }>;

/** Both stacks as bin/app.ts builds them (test/cdk/fixtures/synth.ts); bundling is skipped. */
function synth(context: Record<string, unknown> = {}, props: Partial<ApiStackProps> = {}) {
  const { app, data, api } = synthStacks(context, props);
  return { app, data, api };
}

const { app, data, api } = synth();
const apiResources = api.toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(apiResources).filter(([, r]) => r.Type === type);
const restApiId = (name: string) => {
  const found = ofType('AWS::ApiGateway::RestApi').find(([id]) => id.startsWith(name));
  if (!found) throw new Error(`No RestApi ${name}`);
  return found[0];
};
const SCIM_API = restApiId('ScimApi');
const ADMIN_API = restApiId('AdminApi');

/** Full path of every API Gateway resource, per REST API: `${apiId} /scim/v2/{tenantId}/Users`. */
function resourcePaths(): Map<string, string> {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const props = apiResources[id].Properties;
    const parent = props.ParentId.Ref ? pathOf(props.ParentId.Ref) : '';
    const full = `${parent}/${props.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const [id] of ofType('AWS::ApiGateway::Resource')) pathOf(id);
  return paths;
}

const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
const methodsOf = (apiId: string) => methods.filter((m) => m.RestApiId.Ref === apiId);
const allFunctions = ofType('AWS::Lambda::Function').map(([id, f]) => ({ id, ...f.Properties }));
/** CDK's own console upload function (BucketDeployment, Python): not one of the service's functions. */
const isConsoleUpload = (fn: { id: string }) => fn.id.startsWith('CustomCDKBucketDeployment');
const functions = allFunctions.filter((fn) => !isConsoleUpload(fn));

describe('data stack', () => {
  test('the table has the keys, attributes and GSIs of TABLE_DEFINITION', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_DEFINITION.keySchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_DEFINITION.keySchema.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(
        TABLE_DEFINITION.attributeDefinitions.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      ),
      GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    });
  });

  test('the table is on demand with PITR, stream, TTL and deletion protection, and is retained', () => {
    data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: TABLE_DEFINITION.stream },
        TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
      }),
    });
    data.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  test('the admin user pool has an immutable custom tenantId, no self sign-up and required MFA', () => {
    data.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        Schema: Match.arrayWith([
          Match.objectLike({ Name: 'tenantId', Mutable: false, AttributeDataType: 'String' }),
        ]),
      }),
    });
  });

  test('the admin console client cannot write custom:tenantId and has no OAuth implicit flow', () => {
    const client = Object.values(data.findResources('AWS::Cognito::UserPoolClient'))[0].Properties;
    expect(client.WriteAttributes).not.toContain('custom:tenantId');
    expect(client.AllowedOAuthFlows ?? []).not.toContain('implicit');
  });
});

describe('functions', () => {
  const handlerNames = [...new Set(ROUTES.map((r) => r.handler))];

  test('there is one function per handler name in ROUTES, plus the authorizer, the invite consumer, the request-log writer and the mail-events function', () => {
    expect(functions).toHaveLength(handlerNames.length + 4);
  });

  test("the only other function is CDK's console upload (BucketDeployment), with its own role", () => {
    const uploads = allFunctions.filter(isConsoleUpload);
    expect(uploads).toHaveLength(1);
    expect(JSON.stringify(uploads[0].Role)).toContain('ConsoleDeploymentRole');
  });

  test('every function runs Node 24 on arm64 with active tracing and an explicit log group', () => {
    for (const fn of functions) {
      expect({ id: fn.id, runtime: fn.Runtime, arch: fn.Architectures }).toEqual({
        id: fn.id,
        runtime: 'nodejs24.x',
        arch: ['arm64'],
      });
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.LoggingConfig?.LogGroup).toBeDefined();
    }
  });

  test('users and groups may run up to the 29 s of API Gateway (large replaces and group reads), others 10 s', () => {
    const timeoutOf = (prefix: string) => functions.find((fn) => fn.id.startsWith(prefix))?.Timeout;
    expect(timeoutOf('GroupsHandler')).toBe(28);
    expect(timeoutOf('UsersHandler')).toBe(28);
    expect(timeoutOf('TokensHandler')).toBe(10);
  });

  test('the paging handlers read the cursor key from a generated secret; no other function may', () => {
    const [secretId, secret] = ofType('AWS::SecretsManager::Secret').find(([id]) =>
      id.startsWith('CursorKey'),
    )!;
    expect(secret.Properties.GenerateSecretString).toEqual(
      expect.objectContaining({ PasswordLength: 64, ExcludePunctuation: true }),
    );
    const withKey = functions.filter((fn) => fn.Environment?.Variables?.CURSOR_HMAC_SECRET_ARN);
    expect(withKey.map((fn) => fn.id.replace(/Handler.*/, '')).sort()).toEqual([
      'Activity',
      'Audit',
      'Bulk',
      'Directory',
      'Groups',
      'Users',
    ]);
    for (const fn of withKey)
      expect(fn.Environment.Variables.CURSOR_HMAC_SECRET_ARN).toEqual({ Ref: secretId });
    // No function gets the key itself in its environment.
    for (const fn of functions) expect(fn.Environment?.Variables?.CURSOR_HMAC_KEY).toBeUndefined();
    const readers = ofType('AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.PolicyDocument.Statement.some(
        (st: Json) =>
          JSON.stringify(st.Action).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(st.Resource).includes(secretId),
      ),
    );
    expect(readers.map(([, p]) => p.Properties.Roles[0].Ref.replace(/Handler.*/, '')).sort()).toEqual([
      'Activity',
      'Audit',
      'Bulk',
      'Directory',
      'Groups',
      'Users',
    ]);
  });

  test('no function environment carries an admin API key or any API key', () => {
    for (const fn of functions) {
      const variables = JSON.stringify(fn.Environment?.Variables ?? {});
      expect(variables).not.toMatch(/API_KEY|ADMIN_KEY/i);
    }
  });

  test('no role uses an AWS managed policy except the API Gateway CloudWatch role', () => {
    const roles = ofType('AWS::IAM::Role').filter(([, r]) => r.Properties.ManagedPolicyArns);
    expect(roles.map(([id]) => id)).toEqual([expect.stringMatching(/^ApiGatewayCloudWatchRole/)]);
  });

  test('table access never includes Scan or an index wildcard', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    expect(text).not.toContain('dynamodb:Scan');
    expect(text).not.toContain('/index/*');
  });

  test('the token handler is told the SCIM API base URL; SCIM handlers get no PUBLIC_BASE_URL by default', () => {
    const tokens = functions.find((fn) => fn.id.startsWith('TokensHandler'))!;
    expect(JSON.stringify(tokens.Environment.Variables.SCIM_PUBLIC_BASE_URL)).toContain(SCIM_API);
    for (const fn of functions) expect(fn.Environment?.Variables?.PUBLIC_BASE_URL).toBeUndefined();
  });

  test('with a custom domain, SCIM handlers and the token handler use publicBaseUrl', () => {
    const custom = synth({ publicBaseUrl: 'https://scim.example.com/' });
    const fns = Object.entries(custom.api.findResources('AWS::Lambda::Function'));
    const env = (prefix: string) =>
      fns.find(([id]) => id.startsWith(prefix))![1].Properties.Environment.Variables;
    expect(env('TokensHandler').SCIM_PUBLIC_BASE_URL).toBe('https://scim.example.com');
    expect(env('DiscoveryHandler').PUBLIC_BASE_URL).toBe('https://scim.example.com');
    expect(env('TokensHandler').PUBLIC_BASE_URL).toBeUndefined();
  });
});

describe('stream consumer', () => {
  const withInvites = synth({
    inviteFromAddress: 'invites@mail.example.com',
    inviteUrlTemplate: 'https://console.example.com/i/{token}',
  });

  test('it reads the table stream in order, filtered by consumed-records.ts, with partial failures, bisect, bounded retries and an on-failure queue', () => {
    withInvites.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: {
        Filters: CONSUMED_RECORD_PATTERNS.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
      },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test('the filter passes user and group items, and count deltas and deletion tombstones as inserted', () => {
    const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', type: string) =>
      ({ eventName, dynamodb: { NewImage: { type: { S: type } } } }) as never;
    expect(consumedRecords(record('INSERT', 'user'))).toBe(true);
    expect(consumedRecords(record('MODIFY', 'group'))).toBe(true);
    expect(consumedRecords(record('INSERT', 'countDelta'))).toBe(true);
    expect(consumedRecords(record('MODIFY', 'countDelta'))).toBe(false);
    expect(consumedRecords(record('INSERT', 'deletion'))).toBe(true);
    expect(consumedRecords(record('INSERT', 'member'))).toBe(false);
    expect(
      consumedRecords({ eventName: 'REMOVE', dynamodb: { OldImage: { type: { S: 'user' } } } } as never),
    ).toBe(false);
  });

  test('its failure queue is encrypted and refuses plain HTTP', () => {
    withInvites.api.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    withInvites.api.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('it may send email only from the configured address', () => {
    const statements = Object.values(withInvites.api.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const ses = statements.find((st: Json) => JSON.stringify(st.Action).includes('ses:SendEmail'));
    expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'invites@mail.example.com' } });
    expect(JSON.stringify(ses.Resource)).toContain('identity/mail.example.com');
    expect(JSON.stringify(ses.Resource)).not.toContain('"*"');
  });

  test('it gets the invite settings from context', () => {
    withInvites.api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          INVITE_FROM_ADDRESS: 'invites@mail.example.com',
          INVITE_URL_TEMPLATE: 'https://console.example.com/i/{token}',
        }),
      },
    });
  });

  test('the consumer and the invitations handler (re-send) may send invitations; the directory may not', () => {
    const roles = Object.entries(withInvites.api.findResources('AWS::IAM::Policy'))
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument.Statement).includes('ses:SendEmail'))
      .map(([, p]) => JSON.stringify(p.Properties.Roles));
    expect(roles.some((r) => r.includes('InvitesHandler'))).toBe(true);
    expect(roles.some((r) => r.includes('InvitationsHandler'))).toBe(true);
    expect(roles.some((r) => r.includes('DirectoryHandler'))).toBe(false);
  });

  test('cdk-nag reports no unacknowledged finding with the consumer deployed', () => {
    expect(new AwsSolutionsChecks().validateScope(withInvites.app).violations).toEqual([]);
  });
});

describe('change events', () => {
  const WEBHOOK = {
    eventsWebhookUrl: 'https://app.example.com/scim-events',
    eventsWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:scim-events-auth-AbCdEf',
  };
  const withWebhook = synth(WEBHOOK);
  const busId = Object.keys(api.findResources('AWS::Events::EventBus'))[0];

  test('the stack creates one event bus and names it in an output', () => {
    api.resourceCountIs('AWS::Events::EventBus', 1);
    api.hasOutput('EventBusName', { Value: { Ref: busId } });
  });

  test('the stream consumer is told the bus and may PutEvents on that bus only', () => {
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: busId } }) },
    });
    const statements = Object.values(api.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Json[],
    );
    const puts = statements.filter((s) => JSON.stringify(s.Action).includes('events:PutEvents'));
    expect(puts).toEqual([
      expect.objectContaining({
        Action: 'events:PutEvents',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
      }),
    ]);
    const roles = Object.values(api.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument.Statement).includes('events:PutEvents'))
      .map((p) => JSON.stringify(p.Properties.Roles));
    expect(roles).toHaveLength(1);
    expect(roles[0]).toContain('InvitesHandler');
  });

  test('without the webhook context there is no API destination, connection or rule on the bus', () => {
    api.resourceCountIs('AWS::Events::ApiDestination', 0);
    api.resourceCountIs('AWS::Events::Connection', 0);
    // The one rule is the SES events' rule on the default bus (production.test.ts).
    const rules = Object.values(api.findResources('AWS::Events::Rule'));
    expect(rules.filter((r) => JSON.stringify(r.Properties.EventBusName ?? '').includes(busId))).toEqual([]);
  });

  test('with it: a connection whose Authorization header comes from the secret', () => {
    withWebhook.api.hasResourceProperties('AWS::Events::Connection', {
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: 'Authorization',
          ApiKeyValue: Match.stringLikeRegexp(`resolve:secretsmanager:${WEBHOOK.eventsWebhookSecretArn}`),
        },
      },
    });
    withWebhook.api.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: WEBHOOK.eventsWebhookUrl,
      HttpMethod: 'POST',
    });
  });

  test('with it: a rule on the bus sends each detail to the destination, with retries and a DLQ', () => {
    const bus = Object.keys(withWebhook.api.findResources('AWS::Events::EventBus'))[0];
    withWebhook.api.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus },
      EventPattern: { source: ['scim.provisioning'] },
      Targets: [
        Match.objectLike({
          InputPath: '$.detail',
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  test('cdk-nag reports no unacknowledged finding with the webhook deployed', () => {
    expect(new AwsSolutionsChecks().validateScope(withWebhook.app).violations).toEqual([]);
  });

  test('the webhook needs both keys, an https URL and a secret ARN', () => {
    expect(() => synth({ eventsWebhookUrl: WEBHOOK.eventsWebhookUrl })).toThrow(/set together/);
    expect(() => synth({ ...WEBHOOK, eventsWebhookUrl: 'http://app.example.com' })).toThrow(/https URL/);
    expect(() => synth({ ...WEBHOOK, eventsWebhookSecretArn: 'my-secret' })).toThrow(
      /ARN of a Secrets Manager/,
    );
  });
});

describe('routes', () => {
  const paths = resourcePaths();
  const resourceIdOf = (apiId: string, routePath: string) =>
    [...paths.entries()].find(
      ([id, p]) => p === routePath && apiResources[id].Properties.RestApiId.Ref === apiId,
    )?.[0];

  test.each(ROUTES.map((r) => [r.path, r.auth] as const))(
    '%s exists on the %s API with an ANY proxy method',
    (routePath, auth) => {
      const apiId = auth === 'scim' ? SCIM_API : ADMIN_API;
      const resourceId = resourceIdOf(apiId, routePath);
      expect(resourceId).toBeDefined();
      const method = methods.find((m) => m.ResourceId.Ref === resourceId);
      expect(method).toMatchObject({ HttpMethod: 'ANY', Integration: { Type: 'AWS_PROXY' } });
    },
  );

  test('every SCIM method uses the REQUEST authorizer, which caches for 5 seconds by Authorization header', () => {
    const [authorizerId] = ofType('AWS::ApiGateway::Authorizer').find(
      ([, a]) => a.Properties.Type === 'REQUEST',
    )!;
    expect(apiResources[authorizerId].Properties).toMatchObject({
      AuthorizerResultTtlInSeconds: 5,
      IdentitySource: 'method.request.header.Authorization',
      RestApiId: { Ref: SCIM_API },
    });
    const scimMethods = methodsOf(SCIM_API);
    expect(scimMethods).toHaveLength(ROUTES.filter((r) => r.auth === 'scim').length);
    for (const method of scimMethods) {
      expect(method).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    }
  });

  test('every admin method uses the Cognito user pool authorizer', () => {
    // The OPTIONS preflights (console-stack.test.ts) answer without credentials, and so does the public
    // invitation link (its signed token is the credential): exactly the `public` routes.
    const methods = methodsOf(ADMIN_API).filter((m) => m.HttpMethod !== 'OPTIONS');
    const publicMethods = methods.filter((m) => m.AuthorizationType === 'NONE');
    expect(publicMethods).toHaveLength(ROUTES.filter((r) => r.auth === 'public').length);
    const adminMethods = methods.filter((m) => m.AuthorizationType !== 'NONE');
    expect(adminMethods).toHaveLength(ROUTES.filter((r) => r.auth === 'admin').length);
    for (const method of adminMethods) expect(method.AuthorizationType).toBe('COGNITO_USER_POOLS');
    api.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      RestApiId: { Ref: ADMIN_API },
      IdentitySource: 'method.request.header.Authorization',
    });
  });

  test('both APIs treat every media type as binary so gzip answers go out as bytes', () => {
    for (const [, restApi] of ofType('AWS::ApiGateway::RestApi')) {
      expect(restApi.Properties.BinaryMediaTypes).toEqual(['*/*']);
    }
  });

  test('both stages log access, trace, and throttle at the configured default', () => {
    for (const [, stage] of ofType('AWS::ApiGateway::Stage')) {
      expect(stage.Properties).toMatchObject({
        TracingEnabled: true,
        AccessLogSetting: { DestinationArn: expect.anything() },
        MethodSettings: [
          {
            ThrottlingRateLimit: 50,
            ThrottlingBurstLimit: 100,
            DataTraceEnabled: false,
            LoggingLevel: 'ERROR',
          },
        ],
      });
    }
  });
});

test("the admin API's access log names no concrete path (a /invite/{token} path is a usable link)", () => {
  const formatOf = (apiId: string) => {
    const stage = ofType('AWS::ApiGateway::Stage').find(([, r]) => r.Properties.RestApiId.Ref === apiId)?.[1];
    return JSON.parse(stage?.Properties.AccessLogSetting.Format) as Record<string, string>;
  };
  const admin = formatOf(ADMIN_API);
  expect(admin.resourcePath).toBe('$context.resourcePath');
  expect(Object.values(admin)).not.toContain('$context.path');
  expect(admin.adminTenant).toBe('$context.authorizer.claims.custom:tenantId');
  expect(formatOf(SCIM_API).path).toBe('$context.path');
});

describe('gateway responses', () => {
  const gatewayResponse = (apiId: string, type: string) =>
    ofType('AWS::ApiGateway::GatewayResponse').find(
      ([, r]) => r.Properties.RestApiId.Ref === apiId && r.Properties.ResponseType === type,
    )?.[1].Properties;

  const r = GATEWAY_RESPONSES;
  test.each([
    ['UNAUTHORIZED', r.unauthorized.statusCode, r.unauthorized.detail],
    ['ACCESS_DENIED', r.accessDenied.statusCode, r.accessDenied.detail],
    ['MISSING_AUTHENTICATION_TOKEN', r.notFound.statusCode, r.notFound.detail],
    ['THROTTLED', r.throttled.statusCode, r.throttled.detail],
    ['REQUEST_TOO_LARGE', r.tooLarge.statusCode, r.tooLarge.detail],
    ['DEFAULT_5XX', 500, SCIM_SERVER_ERROR_DETAIL],
  ])('SCIM %s answers %d with the SCIM Error body', (type, status, detail) => {
    expect(gatewayResponse(SCIM_API, type)).toMatchObject({
      StatusCode: String(status),
      ResponseParameters: { 'gatewayresponse.header.Content-Type': `'${SCIM_CONTENT_TYPE}'` },
      ResponseTemplates: { 'application/json': scimGatewayBody(detail, status) },
    });
  });

  test('SCIM THROTTLED tells the client to retry after one second', () => {
    expect(
      gatewayResponse(SCIM_API, 'THROTTLED')?.ResponseParameters['gatewayresponse.header.Retry-After'],
    ).toBe("'1'");
  });

  test.each(['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR'])(
    'SCIM %s (the authorizer could not check the token) is a 503 SCIM Error with Retry-After, never a 401',
    (type) => {
      const f = r.authorizerFailure;
      expect(f.statusCode).toBe(503);
      expect(gatewayResponse(SCIM_API, type)).toMatchObject({
        StatusCode: '503',
        ResponseParameters: {
          'gatewayresponse.header.Content-Type': `'${SCIM_CONTENT_TYPE}'`,
          'gatewayresponse.header.Retry-After': `'${RETRY_AFTER_SECONDS}'`,
        },
        ResponseTemplates: { 'application/json': scimGatewayBody(f.detail, 503) },
      });
    },
  );

  test('every Gateway Response of both APIs sends X-Content-Type-Options: nosniff', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse');
    expect(responses.length).toBeGreaterThanOrEqual(18);
    for (const [, response] of responses) {
      expect(response.Properties.ResponseParameters['gatewayresponse.header.X-Content-Type-Options']).toBe(
        "'nosniff'",
      );
    }
  });

  const a = ADMIN_GATEWAY_RESPONSES;
  test.each([
    ['UNAUTHORIZED', a.unauthorized],
    ['ACCESS_DENIED', a.accessDenied],
    ['MISSING_AUTHENTICATION_TOKEN', a.notFound],
    ['THROTTLED', a.throttled],
    ['REQUEST_TOO_LARGE', a.tooLarge],
  ])('admin %s answers with {error, message} JSON', (type, expected) => {
    expect(gatewayResponse(ADMIN_API, type)).toMatchObject({
      StatusCode: String(expected.statusCode),
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
      ResponseTemplates: {
        'application/json': JSON.stringify({ error: expected.error, message: expected.message }),
      },
    });
  });
});

describe('cdk-nag', () => {
  test('AwsSolutions reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map((v) => ({
      rule: v.ruleName,
      severity: v.severity,
      resources: v.violatingResources.map((resource) => resource.constructPath),
    }));
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('config', () => {
  test('rejects a stage name API Gateway would refuse', () => {
    expect(() => synth({ stage: 'prod stage' })).toThrow(/stage/);
  });

  test('rejects a non-https publicBaseUrl', () => {
    expect(() => synth({ publicBaseUrl: 'http://scim.example.com' })).toThrow(/publicBaseUrl/);
  });

  test.each(['0', '3651', 'a year'])('rejects an auditRetentionDays of %j', (value) => {
    expect(() => synth({ auditRetentionDays: value })).toThrow(/auditRetentionDays/);
  });

  test('reads throttling limits given as strings on the command line', () => {
    const limited = synth({ throttleRateLimit: '10', throttleBurstLimit: '20' });
    limited.api.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 })],
    });
  });
});
