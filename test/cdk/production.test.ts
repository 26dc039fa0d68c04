import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  ADMIN_GATEWAY_RESPONSES,
  GATEWAY_RESPONSES,
  RATE_LIMIT_RETRY_AFTER_SECONDS,
  ROUTES,
  scimGatewayBody,
} from '../../lambdas/http/routes';
import { API_INTEGRATION_LIMIT_SECONDS } from '../../lib/api-stack';
import { DEFAULT_ACCOUNT_CONCURRENCY, FUNCTION_CAPACITY, UNRESERVED_MINIMUM } from '../../lib/capacity';
import { DEFAULT_CONFIG } from '../../lib/config';
import {
  ALARM_THRESHOLDS,
  AUTHORIZER_FAILURES_METRIC,
  METRICS_NAMESPACE,
} from '../../lib/constructs/monitoring';
import { type Json, NOOP_HANDLER, synthStacks } from './fixtures/synth';

const PROD = {
  stage: 'prod',
  inviteFromAddress: 'invites@mail.acme-saas.io',
  inviteUrlTemplate: 'https://app.acme-saas.io/invite?token={token}',
  alarmEmail: 'oncall@acme-saas.io',
  scimDomainName: 'scim.acme-saas.io',
  scimHostedZoneId: 'Z0123456789ABCDEFGHIJ',
  scimHostedZoneName: 'acme-saas.io',
  wafTenantRateLimit: '1200',
  wafIpRateLimit: '5000',
  wafAdminRateLimit: '300',
  wafEvaluationWindowSec: '120',
  inviteLinkTtlHours: '72',
  reservedConcurrency: '{"users":40}',
};

const dev = synthStacks();
const prod = synthStacks(PROD, {
  handlerEntries: { invites: NOOP_HANDLER },
});
const certOnly = synthStacks({
  scimDomainName: 'scim.acme-saas.io',
  scimCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f6a8b4e-1234-4c1d-9e7f-123456789abc',
  sesCreateIdentity: 'false',
  reservedConcurrency: 'off',
});

const idOf = (s: typeof dev, type: string, prefix: string) => {
  const found = s.ofType(type).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`No ${type} ${prefix}`);
  return found[0];
};
/** The service's functions (not CDK's console upload). */
const serviceFunctions = (s: typeof dev) =>
  s
    .ofType('AWS::Lambda::Function')
    .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
    .map(([id, f]) => ({ id, ...f.Properties }));
const envOf = (s: typeof dev, prefix: string) =>
  serviceFunctions(s).find((f) => f.id.startsWith(prefix))?.Environment.Variables;

describe('WAF rate limits', () => {
  const acl = (s: typeof dev, prefix: string) =>
    s.resources[idOf(s, 'AWS::WAFv2::WebACL', prefix)].Properties;
  const rule = (s: typeof dev, prefix: string, name: string) =>
    acl(s, prefix).Rules.find((r: Json) => r.Name === name);

  test('the SCIM API has a REGIONAL web ACL that allows by default', () => {
    expect(acl(dev, 'ScimRateLimits')).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Name: 'Scim-dev-ScimApi',
    });
  });

  test('its per-tenant rule counts per Authorization header (the tenant token) at the default limit', () => {
    expect(rule(dev, 'ScimRateLimits', 'PerTenant').Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [
        { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      ],
      Limit: DEFAULT_CONFIG.wafTenantRateLimit,
      EvaluationWindowSec: 60,
    });
  });

  test('its looser second rule counts per source IP', () => {
    const statement = rule(dev, 'ScimRateLimits', 'PerSourceIp').Statement.RateBasedStatement;
    expect(statement).toEqual({
      AggregateKeyType: 'IP',
      Limit: DEFAULT_CONFIG.wafIpRateLimit,
      EvaluationWindowSec: 60,
    });
    expect(statement.Limit).toBeGreaterThan(DEFAULT_CONFIG.wafTenantRateLimit);
  });

  test('the defaults let an IdP at its own ceiling through (Okta/Entra: 25 requests/s)', () => {
    expect(DEFAULT_CONFIG.wafTenantRateLimit / DEFAULT_CONFIG.wafEvaluationWindowSec).toBeGreaterThanOrEqual(
      25,
    );
  });

  test('the admin API has its own web ACL with a per-IP rule', () => {
    expect(rule(dev, 'AdminRateLimits', 'PerSourceIp').Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'IP',
      Limit: DEFAULT_CONFIG.wafAdminRateLimit,
      EvaluationWindowSec: 60,
    });
  });

  test.each([
    ['ScimRateLimits', scimGatewayBody(GATEWAY_RESPONSES.rateLimited.detail, 429)],
    [
      'AdminRateLimits',
      JSON.stringify({
        error: ADMIN_GATEWAY_RESPONSES.rateLimited.error,
        message: ADMIN_GATEWAY_RESPONSES.rateLimited.message,
      }),
    ],
  ])('every block of %s answers 429 with an integer Retry-After and the API error body', (prefix, body) => {
    const webAcl = acl(dev, prefix);
    expect(webAcl.Rules.length).toBeGreaterThan(0);
    for (const r of webAcl.Rules) {
      const response = r.Action.Block.CustomResponse;
      expect(response.ResponseCode).toBe(429);
      const retryAfter = response.ResponseHeaders.find((h: Json) => h.Name === 'Retry-After');
      expect(retryAfter.Value).toBe(String(RATE_LIMIT_RETRY_AFTER_SECONDS));
      expect(retryAfter.Value).toMatch(/^\d+$/);
      expect(webAcl.CustomResponseBodies[response.CustomResponseBodyKey]).toEqual({
        ContentType: 'APPLICATION_JSON',
        Content: body,
      });
    }
  });

  test('the admin block is readable by the console (Access-Control-Allow-Origin)', () => {
    const headers = rule(dev, 'AdminRateLimits', 'PerSourceIp').Action.Block.CustomResponse.ResponseHeaders;
    expect(headers.map((h: Json) => h.Name)).toContain('Access-Control-Allow-Origin');
  });

  test('each web ACL is associated with the stage of its own API, after the stage exists', () => {
    const associations = dev.ofType('AWS::WAFv2::WebACLAssociation');
    expect(associations).toHaveLength(2);
    for (const [aclPrefix, apiPrefix] of [
      ['ScimRateLimits', 'ScimApi'],
      ['AdminRateLimits', 'AdminApi'],
    ]) {
      const aclId = idOf(dev, 'AWS::WAFv2::WebACL', aclPrefix);
      const [, association] = associations.find(
        ([, a]) => a.Properties.WebACLArn['Fn::GetAtt'][0] === aclId,
      )!;
      const arn = JSON.stringify(association.Properties.ResourceArn);
      expect(arn).toContain(idOf(dev, 'AWS::ApiGateway::RestApi', apiPrefix));
      const stageId = idOf(dev, 'AWS::ApiGateway::Stage', `${apiPrefix}DeploymentStage`);
      expect(dev.resources[stageId].Properties.StageName).toBe('dev');
      expect(arn).toContain(`"/stages/",{"Ref":"${stageId}"}`);
      expect(association.DependsOn).toContain(stageId);
    }
  });

  test('limits and window come from context', () => {
    expect(rule(prod, 'ScimRateLimits', 'PerTenant').Statement.RateBasedStatement).toMatchObject({
      Limit: 1200,
      EvaluationWindowSec: 120,
    });
    expect(rule(prod, 'ScimRateLimits', 'PerSourceIp').Statement.RateBasedStatement.Limit).toBe(5000);
    expect(rule(prod, 'AdminRateLimits', 'PerSourceIp').Statement.RateBasedStatement.Limit).toBe(300);
  });

  test('the stage throttle stays as the global ceiling', () => {
    for (const [, stage] of dev.ofType('AWS::ApiGateway::Stage')) {
      expect(stage.Properties.MethodSettings[0]).toMatchObject({
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      });
    }
  });
});

describe('429 Gateway Responses', () => {
  test.each(['ScimApi', 'AdminApi'])(
    '%s: THROTTLED and QUOTA_EXCEEDED answer 429 with an integer Retry-After',
    (apiPrefix) => {
      const apiId = idOf(dev, 'AWS::ApiGateway::RestApi', apiPrefix);
      for (const type of ['THROTTLED', 'QUOTA_EXCEEDED']) {
        const [, response] = dev
          .ofType('AWS::ApiGateway::GatewayResponse')
          .find(([, r]) => r.Properties.RestApiId.Ref === apiId && r.Properties.ResponseType === type)!;
        expect(response.Properties.StatusCode).toBe('429');
        expect(response.Properties.ResponseParameters['gatewayresponse.header.Retry-After']).toMatch(
          /^'\d+'$/,
        );
      }
    },
  );
});

describe('alarms and dashboard', () => {
  const alarms = (s: typeof dev) =>
    s.ofType('AWS::CloudWatch::Alarm').map(([id, a]) => ({ id, ...a.Properties }));
  const alarm = (s: typeof dev, prefix: string) => {
    const found = alarms(s).find((a) => a.id.startsWith(`Monitoring${prefix}`));
    if (!found) throw new Error(`No alarm ${prefix}`);
    return found;
  };
  const metricNames = (a: Json): string[] =>
    a.MetricName
      ? [a.MetricName]
      : (a.Metrics ?? []).flatMap((m: Json) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));

  test('SCIM 5xx rate: 5XXError over Count of the SCIM stage, with a request floor', () => {
    const a = alarm(dev, 'Scim5xxRate');
    expect(metricNames(a).sort()).toEqual(['5XXError', 'Count']);
    expect(JSON.stringify(a.Metrics)).toContain(idOf(dev, 'AWS::ApiGateway::RestApi', 'ScimApi').slice(0, 7));
    expect(a.Threshold).toBe(ALARM_THRESHOLDS.scim5xxPercent);
    const expression = a.Metrics.find((m: Json) => m.Expression).Expression;
    expect(expression).toContain(`>= ${ALARM_THRESHOLDS.scim5xxMinRequests}`);
  });

  test("authorizer errors: a metric filter on the authorizer's ERROR lines, alarmed at the first", () => {
    dev.api.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^ScimAuthorizerHandlerLogGroup') },
      FilterPattern: '{ $.level = "ERROR" }',
      MetricTransformations: [
        Match.objectLike({ MetricNamespace: METRICS_NAMESPACE, MetricName: AUTHORIZER_FAILURES_METRIC }),
      ],
    });
    expect(alarm(dev, 'AuthorizerErrors')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: AUTHORIZER_FAILURES_METRIC,
      Threshold: 1,
    });
  });

  test('every function has a throttles alarm and, except the authorizer (a refused token is an error), an errors alarm', () => {
    const fns = serviceFunctions(dev);
    const all = alarms(dev);
    const throttles = all.filter((a) => a.MetricName === 'Throttles');
    const errors = all.filter((a) => a.MetricName === 'Errors');
    const covered = (list: Json[]) =>
      new Set(list.map((a) => a.Dimensions.find((d: Json) => d.Name === 'FunctionName').Value.Ref));
    expect(covered(throttles)).toEqual(new Set(fns.map((f) => f.id)));
    const withoutAuthorizer = fns.filter((f) => !f.id.startsWith('ScimAuthorizer')).map((f) => f.id);
    expect(covered(errors)).toEqual(new Set(withoutAuthorizer));
  });

  test('stream iterator age alarms on the stream consumer', () => {
    const a = alarm(dev, 'StreamIteratorAge');
    expect(a).toMatchObject({ MetricName: 'IteratorAge', Statistic: 'Maximum' });
    expect(a.Dimensions[0].Value.Ref).toMatch(/^InvitesHandlerFunction/);
  });

  test('the stream on-failure queue and the mail-events DLQ alarm on their first message', () => {
    const queueOf = (prefix: string) => alarm(dev, prefix).Dimensions[0].Value['Fn::GetAtt'][0];
    expect(queueOf('StreamFailuresDepth')).toMatch(/^InviteFailures/);
    expect(queueOf('MailEventsDeadLettersDepth')).toMatch(/^MailDeadLetters/);
    expect(alarm(dev, 'MailEventsDeadLettersDepth')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
  });

  test('WAF blocked rate alarms per web ACL', () => {
    for (const name of ['Scim-dev-ScimApi', 'Scim-dev-AdminApi']) {
      const a = alarms(dev).find((x) => JSON.stringify(x.Metrics ?? []).includes(`"${name}"`));
      expect(a).toBeDefined();
      expect(metricNames(a).sort()).toEqual(['AllowedRequests', 'BlockedRequests']);
      expect(a!.Threshold).toBe(ALARM_THRESHOLDS.wafBlockedPercent);
    }
  });

  test('SES bounce and complaint rates of the configuration set', () => {
    const setId = idOf(dev, 'AWS::SES::ConfigurationSet', 'MailConfigurationSet');
    for (const [prefix, metric, threshold] of [
      ['SesBounceRate', 'Reputation.BounceRate', ALARM_THRESHOLDS.sesBounceRate],
      ['SesComplaintRate', 'Reputation.ComplaintRate', ALARM_THRESHOLDS.sesComplaintRate],
    ] as const) {
      expect(alarm(dev, prefix)).toMatchObject({
        Namespace: 'AWS/SES',
        MetricName: metric,
        Threshold: threshold,
        Dimensions: [{ Name: 'ses:configuration-set', Value: { Ref: setId } }],
      });
    }
  });

  test('one dashboard shows the custom ScimProvisioning metrics', () => {
    const dashboards = dev.ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0][1].Properties.DashboardBody);
    for (const name of [
      'UsersCreated',
      'GroupMemberChanges',
      'InvitesBounced',
      'Responses5xx',
      METRICS_NAMESPACE,
    ]) {
      expect(body).toContain(name);
    }
  });

  test('without alarmEmail no topic and no alarm action', () => {
    dev.api.resourceCountIs('AWS::SNS::Topic', 0);
    for (const a of alarms(dev)) expect(a.AlarmActions).toBeUndefined();
  });

  test('with alarmEmail every alarm notifies an encrypted topic with an email subscription', () => {
    const [[topicId, topic]] = prod.ofType('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    prod.api.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: PROD.alarmEmail,
    });
    prod.api.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
    for (const a of alarms(prod)) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('SES', () => {
  test('the identity is the domain of inviteFromAddress by default, with the configuration set as its default', () => {
    dev.api.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') },
      },
    });
    prod.api.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.acme-saas.io' });
  });

  test('sesCreateIdentity=false creates none (an identity that exists already)', () => {
    certOnly.api.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  test('the configuration set uses the suppression list for bounces and complaints and keeps reputation metrics', () => {
    dev.api.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
  });

  test('its events go to the default EventBridge bus', () => {
    dev.api.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['delivery', 'bounce', 'complaint']),
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      }),
    });
    const [, destination] = dev.ofType('AWS::SES::ConfigurationSetEventDestination')[0];
    expect(JSON.stringify(destination.Properties.EventDestination.EventBridgeDestination)).toContain(
      ':event-bus/default',
    );
  });

  test("a rule takes this configuration set's delivery, bounce and complaint events to an encrypted queue", () => {
    const setId = idOf(dev, 'AWS::SES::ConfigurationSet', 'MailConfigurationSet');
    const queueId = idOf(dev, 'AWS::SQS::Queue', 'MailQueue');
    dev.api.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': Match.arrayWith(['Email Delivered', 'Email Bounced', 'Email Complaint Received']),
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: setId }] } } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } })],
    });
    expect(dev.resources[queueId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^MailDeadLetters/), 'Arn'] },
      },
    });
    const policies = dev
      .ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => JSON.stringify(p.Properties.Queues).includes(queueId));
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
  });

  test('the mail-events function reads the queue with partial batch failures and a maximum concurrency', () => {
    const queueId = idOf(dev, 'AWS::SQS::Queue', 'MailQueue');
    dev.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: Match.stringLikeRegexp('^MailHandlerFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: FUNCTION_CAPACITY.mailEvents.reservedConcurrency },
    });
  });

  test('the senders get SES_CONFIGURATION_SET and may send through the identity and the configuration set', () => {
    const setId = idOf(dev, 'AWS::SES::ConfigurationSet', 'MailConfigurationSet');
    for (const prefix of ['InvitesHandler', 'InvitationsHandler']) {
      expect(envOf(dev, prefix).SES_CONFIGURATION_SET).toEqual({ Ref: setId });
    }
    expect(envOf(dev, 'DirectoryHandler').SES_CONFIGURATION_SET).toBeUndefined();
    const statements = dev
      .ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
    const sends = statements.filter((st) => JSON.stringify(st.Action).includes('ses:SendEmail'));
    expect(sends).toHaveLength(2);
    for (const st of sends) {
      const resources = JSON.stringify(st.Resource);
      expect(resources).toContain(':configuration-set/');
      expect(resources).toContain(setId);
      expect(resources).toContain(':identity/example.com');
    }
  });
});

describe('signed invitation links', () => {
  const keysId = (s: typeof dev) =>
    s
      .ofType('AWS::SecretsManager::Secret')
      .find(([id]) => id.startsWith('InviteLinkKeys') && !id.includes('Seed'))![0];

  test('the keys secret starts as {"keys":[{"id","secret"}]} with a generated secret that is not in the template', () => {
    const value = dev.resources[keysId(dev)].Properties.SecretString;
    const [separator, parts] = value['Fn::Join'];
    expect(separator).toBe('');
    expect(parts[0]).toBe('{"keys":[{"id":"k1","secret":"{{resolve:secretsmanager:');
    expect(parts[1]).toEqual({ Ref: idOf(dev, 'AWS::SecretsManager::Secret', 'InviteLinkKeysSeed') });
    expect(parts[2]).toBe(':SecretString:::}}"}]}');
    const seed = dev.resources[idOf(dev, 'AWS::SecretsManager::Secret', 'InviteLinkKeysSeed')].Properties;
    expect(seed.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
  });

  test('the secret ARN and the DKIM records are stack outputs', () => {
    dev.api.hasOutput('InviteLinkKeysSecretArn', { Value: { Ref: keysId(dev) } });
    for (const n of [1, 2, 3]) dev.api.hasOutput(`MailDkimRecord${n}`, { Value: Match.anyValue() });
    certOnly.api.hasOutput('ScimDomainDnsTarget', { Value: Match.anyValue() });
  });

  test('the stream consumer, invitations and invites functions get the ARN and the TTL, and may read it; no other', () => {
    const withKeys = serviceFunctions(prod).filter(
      (f) => f.Environment?.Variables?.INVITE_LINK_KEYS_SECRET_ARN,
    );
    expect(withKeys.map((f) => f.id.replace(/Handler.*/, '')).sort()).toEqual([
      'Invitations',
      'InviteLinks',
      'Invites',
    ]);
    for (const f of withKeys) {
      expect(f.Environment.Variables.INVITE_LINK_KEYS_SECRET_ARN).toEqual({ Ref: keysId(prod) });
      expect(f.Environment.Variables.INVITE_LINK_TTL_HOURS).toBe('72');
    }
    expect(envOf(dev, 'InvitationsHandler').INVITE_LINK_TTL_HOURS).toBe('168');
    expect(envOf(dev, 'DirectoryHandler').INVITE_LINK_TTL_HOURS).toBeUndefined();
    const readers = prod
      .ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(keysId(prod)))
      .map(([, p]) => p.Properties.Roles[0].Ref.replace(/Handler.*/, ''));
    expect(readers.sort()).toEqual(['Invitations', 'InviteLinks', 'Invites']);
  });

  test('GET/POST /invite/{token} is on the admin API without an authorizer', () => {
    const adminApi = idOf(prod, 'AWS::ApiGateway::RestApi', 'AdminApi');
    const [tokenResource] = prod
      .ofType('AWS::ApiGateway::Resource')
      .find(([, r]) => r.Properties.PathPart === '{token}' && r.Properties.RestApiId.Ref === adminApi)!;
    const methods = prod
      .ofType('AWS::ApiGateway::Method')
      .filter(([, m]) => m.Properties.ResourceId.Ref === tokenResource);
    expect(methods.map(([, m]) => m.Properties)).toEqual([
      expect.objectContaining({ HttpMethod: 'ANY', AuthorizationType: 'NONE' }),
    ]);
  });
});

describe('capacity', () => {
  test('every function has its reserved concurrency and memory from FUNCTION_CAPACITY, summing below the unreserved floor', () => {
    const fns = serviceFunctions(dev);
    expect(fns).toHaveLength(Object.keys(FUNCTION_CAPACITY).length);
    let total = 0;
    for (const fn of fns) {
      expect(fn.ReservedConcurrentExecutions).toBeGreaterThan(0);
      // Each function's memory is its FUNCTION_CAPACITY entry's (found by its service name).
      const service = fn.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
      const key = Object.keys(FUNCTION_CAPACITY).find(
        (k) => `scim-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` === service,
      ) as keyof typeof FUNCTION_CAPACITY | undefined;
      expect({ service, key: key !== undefined }).toEqual({ service, key: true });
      expect({ service, memory: fn.MemorySize }).toEqual({
        service,
        memory: FUNCTION_CAPACITY[key as keyof typeof FUNCTION_CAPACITY].memoryMb,
      });
      total += fn.ReservedConcurrentExecutions;
    }
    expect(total).toBeLessThanOrEqual(DEFAULT_ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM);
    expect(envOf(dev, 'UsersHandler')).toBeDefined();
    // The SCIM data functions get CPU for the big group operations; the admin ones need little.
    expect(serviceFunctions(dev).find((f) => f.id.startsWith('GroupsHandler'))?.MemorySize).toBe(1024);
    expect(serviceFunctions(dev).find((f) => f.id.startsWith('TokensHandler'))?.MemorySize).toBe(256);
    expect(
      serviceFunctions(dev).find((f) => f.id.startsWith('UsersHandler'))?.ReservedConcurrentExecutions,
    ).toBe(FUNCTION_CAPACITY.users.reservedConcurrency);
  });

  test('every function emits its EMF metrics into the ScimProvisioning namespace', () => {
    for (const fn of serviceFunctions(dev)) {
      expect({ id: fn.id, ns: fn.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE }).toEqual({
        id: fn.id,
        ns: METRICS_NAMESPACE,
      });
    }
    expect(METRICS_NAMESPACE).toBe('ScimProvisioning');
  });

  test('context overrides one function, or turns reservations off', () => {
    expect(
      serviceFunctions(prod).find((f) => f.id.startsWith('UsersHandler'))?.ReservedConcurrentExecutions,
    ).toBe(40);
    for (const fn of serviceFunctions(certOnly)) expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });

  test('an unknown function name in reservedConcurrency fails the synth', () => {
    expect(() => synthStacks({ reservedConcurrency: '{"user":40}' })).toThrow(/names no such function: user/);
  });

  test('every function behind an API route stops before API Gateway gives up (29 s)', () => {
    const integrated = new Set(
      prod
        .ofType('AWS::ApiGateway::Method')
        .map(([, m]) => JSON.stringify(m.Properties.Integration?.Uri ?? ''))
        .flatMap((uri) => [...uri.matchAll(/"([A-Za-z]+HandlerFunction[0-9A-F]+)"/g)].map((x) => x[1])),
    );
    expect(integrated.size).toBe(new Set(ROUTES.map((r) => r.handler)).size);
    for (const fn of serviceFunctions(prod).filter((f) => integrated.has(f.id))) {
      expect(fn.Timeout).toBeLessThan(API_INTEGRATION_LIMIT_SECONDS);
    }
    expect(serviceFunctions(prod).find((f) => f.id.startsWith('ScimAuthorizer'))?.Timeout).toBeLessThan(29);
  });
});

describe('custom domain', () => {
  test('none by default', () => {
    dev.api.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    dev.api.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
    dev.api.resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  test('with a hosted zone: a DNS-validated certificate, a TLS 1.2 regional domain, the root mapped to the SCIM stage, an alias record', () => {
    prod.api.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: PROD.scimDomainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: PROD.scimDomainName, HostedZoneId: PROD.scimHostedZoneId }],
    });
    prod.api.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: PROD.scimDomainName,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
      RegionalCertificateArn: { Ref: Match.stringLikeRegexp('^ScimDomainCertificate') },
    });
    const [, mapping] = prod.ofType('AWS::ApiGateway::BasePathMapping')[0];
    expect(mapping.Properties.BasePath).toBeUndefined();
    expect(mapping.Properties.RestApiId).toEqual({ Ref: idOf(prod, 'AWS::ApiGateway::RestApi', 'ScimApi') });
    prod.api.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${PROD.scimDomainName}.`,
      Type: 'A',
      HostedZoneId: PROD.scimHostedZoneId,
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
  });

  test('publicBaseUrl then defaults to https://<domain>: SCIM handlers, the Target URL and the output', () => {
    expect(envOf(prod, 'UsersHandler').PUBLIC_BASE_URL).toBe(`https://${PROD.scimDomainName}`);
    expect(envOf(prod, 'TokensHandler').SCIM_PUBLIC_BASE_URL).toBe(`https://${PROD.scimDomainName}`);
    prod.api.hasOutput('ScimApiUrl', { Value: `https://${PROD.scimDomainName}` });
  });

  test('with a certificate ARN: that certificate, no new one and no record', () => {
    certOnly.api.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    certOnly.api.resourceCountIs('AWS::Route53::RecordSet', 0);
    certOnly.api.hasResourceProperties('AWS::ApiGateway::DomainName', {
      RegionalCertificateArn: Match.stringLikeRegexp('^arn:aws:acm:'),
    });
  });
});

describe('synth output and cdk-nag', () => {
  test('a development stage says it deploys with local defaults', () => {
    Annotations.fromStack(dev.stack).hasWarning(
      '*',
      Match.stringLikeRegexp('Development stage dev deploys with local defaults'),
    );
    Annotations.fromStack(prod.stack).hasNoWarning('*', Match.stringLikeRegexp('local defaults'));
  });

  test.each([
    ['dev', dev],
    ['prod', prod],
    ['cert only', certOnly],
  ])('%s: AwsSolutions reports no unacknowledged finding', (_name, s) => {
    expect(new AwsSolutionsChecks().validateScope(s.app).violations).toEqual([]);
  });

  test('no construct acknowledges AwsSolutions-APIG3 any more (there is a WAF)', () => {
    const acknowledged = dev.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .map((m) => JSON.stringify(m.data));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.join('\n')).not.toContain('AwsSolutions-APIG3');
  });
});
