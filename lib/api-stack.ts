import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../lambdas/authorizer/cache-ttl';
import { type HandlerName, ROUTES, type Route, type RouteAuth } from '../lambdas/http/routes';
import { CONSUMED_RECORD_PATTERNS } from '../lambdas/stream/consumed-records';
import {
  checkConcurrencyOverrides,
  DEFAULT_ACCOUNT_CONCURRENCY,
  FUNCTION_CAPACITY,
  type FunctionKey,
  reservedConcurrencyOf,
  UNRESERVED_MINIMUM,
} from './capacity';
import { type DeploymentConfig, developmentDefaults, isProductionStage } from './config';
import { accessLogFormat } from './constructs/access-log';
import { ChangeEvents } from './constructs/change-events';
import { ConsoleHosting } from './constructs/console-hosting';
import { ScimCustomDomain } from './constructs/custom-domain';
import { failureQueue } from './constructs/failure-queue';
import { addAdminGatewayResponses, addScimGatewayResponses } from './constructs/gateway-responses';
import { HandlerFunction } from './constructs/handler-function';
import { InviteLinkKeys } from './constructs/invite-links';
import { Mail } from './constructs/mail';
import { Monitoring } from './constructs/monitoring';
import { addRateLimits } from './constructs/rate-limits';
import { addRequestLog } from './constructs/request-log';
import {
  API_INTEGRATION_LIMIT_SECONDS,
  AUDIT_WRITERS,
  AUTHORIZER_ENTRY,
  HANDLERS,
  handlerEntry,
  INVITE_LINK_HANDLERS,
  PAGING_HANDLERS,
  STREAM_ENTRY,
} from './handlers';

// The handler table and entries live in lib/handlers.ts (bench/ and the tests import them from here too).
export * from './handlers';

/**
 * API Gateway keeps an authorizer decision for this long. A revoked or renewed token keeps working
 * for at most this many seconds in AWS (docs/operations-deploy.md, "Authorizer cache").
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS);

// The 5xx texts of the Gateway Responses (tests and callers import them from here).
export { ADMIN_SERVER_ERROR, SCIM_SERVER_ERROR_DETAIL } from './constructs/gateway-responses';

/** The methods the console sends to the admin API (CORS preflight's Access-Control-Allow-Methods). */
export const ADMIN_CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The request headers the console sends (Access-Control-Allow-Headers). */
export const ADMIN_CORS_HEADERS = ['Authorization', 'Content-Type'];

export interface ApiStackProps extends StackProps {
  table: dynamodb.ITable;
  adminUserPool: cognito.IUserPool;
  /** The admin pool's managed-login domain (data stack): the console signs in there. */
  adminUserPoolDomain: cognito.UserPoolDomain;
  config: DeploymentConfig;
  /**
   * Folder of the built console to upload.
   * @default config.consoleAssetDir (context `consoleAssetDir`, web/dist)
   */
  consoleAssetDir?: string;
  /** @default ROUTES */
  routes?: Route[];
  /**
   * Handler of the invite stream consumer, relative to the repository root.
   * @default STREAM_ENTRY
   */
  streamEntry?: string;
  /** Entries that replace handlerEntry(name) (tests: a route whose handler is not written yet). */
  handlerEntries?: Partial<Record<HandlerName, string>>;
  /** @default MAIL_EVENTS_ENTRY */
  mailEventsEntry?: string;
}

/**
 * The stateless stack: the functions, the SCIM API and the admin API, and the invite stream consumer.
 * Two REST APIs because Gateway Responses are per API: the SCIM API answers its own errors (401, 404,
 * 429 ...) with the SCIM Error schema (RFC 7644 §3.12), the admin API with `{error, message}`.
 */
export class ApiStack extends Stack {
  readonly scimApi: apigw.RestApi;
  readonly adminApi: apigw.RestApi;
  /** The SCIM API's public base (custom domain or execute-api URL with stage), without trailing slash. */
  readonly scimPublicBaseUrl: string;
  readonly functions: Partial<Record<HandlerName, HandlerFunction>> = {};
  /** The change events' bus (and the optional webhook delivery). */
  readonly changeEvents: ChangeEvents;
  /** The request-log writer (its subscription filters sit on the SCIM functions' log groups). */
  readonly requestLogWriter: HandlerFunction;
  /** The admin console: S3 + CloudFront, its config.json and its Cognito app client. */
  readonly console: ConsoleHosting;
  /** SES identity, configuration set and the mail-events pipeline. */
  readonly mail: Mail;
  readonly inviteLinkKeys: InviteLinkKeys;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { table, config } = props;
    const routes = props.routes ?? ROUTES;
    // Strong references are the intent: the data stack cannot drop the table or user pool exports
    // while this stack uses them.
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/core:crossStackReferencesDefaultStrong',
      'Strong cross-stack references protect the stateful exports (table, user pool) while in use',
    );

    this.announceConfiguration(config);
    checkConcurrencyOverrides(config.reservedConcurrency);
    const capacity = (key: FunctionKey) => ({
      memorySize: FUNCTION_CAPACITY[key].memoryMb,
      reservedConcurrency: reservedConcurrencyOf(key, config.reservedConcurrency),
    });

    const account = config.apiGatewayAccountRole ? this.apiGatewayAccount() : undefined;
    this.scimApi = this.restApi('ScimApi', 'SCIM 2.0 provisioning API (RFC 7644)', config, account);
    this.adminApi = this.restApi('AdminApi', 'Tenant admin API (SCIM tokens, settings)', config, account);
    if (config.scimDomain)
      new ScimCustomDomain(this, 'ScimDomain', { config: config.scimDomain, api: this.scimApi });
    this.scimPublicBaseUrl =
      config.publicBaseUrl ??
      `https://${this.scimApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${config.stage}`;
    const adminApiOrigin = `https://${this.adminApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}`;
    const adminApiUrl = `${adminApiOrigin}/${config.stage}`;

    this.console = new ConsoleHosting(this, 'Console', {
      assetDir: props.consoleAssetDir ?? config.consoleAssetDir,
      adminApiUrl,
      adminApiOrigin,
      scimBaseUrl: this.scimPublicBaseUrl,
      userPool: props.adminUserPool,
      loginDomainUrl: props.adminUserPoolDomain.baseUrl(),
      devOrigin: config.consoleDevOrigin,
    });

    // One function per handler name that ROUTES uses: the lead adds routes as features land.
    const authsOf = (name: HandlerName): Set<RouteAuth> =>
      new Set(routes.filter((r) => r.handler === name).map((r) => r.auth));
    const integrations = new Map<HandlerName, apigw.LambdaIntegration>();
    for (const name of new Set(routes.map((r) => r.handler))) {
      const auths = authsOf(name);
      const environment: Record<string, string> = {};
      // Admin answers print the SCIM base URL of the *other* API (Target URL for Okta / Entra).
      if (auths.has('admin')) environment.SCIM_PUBLIC_BASE_URL = this.scimPublicBaseUrl;
      // Admin answers carry Access-Control-Allow-Origin when the request's Origin is the console's.
      if (auths.has('admin')) environment.CONSOLE_ORIGIN = this.console.origin;
      // SCIM handlers derive their base URL from the request unless a custom domain hides the stage.
      if (auths.has('scim') && config.publicBaseUrl) environment.PUBLIC_BASE_URL = config.publicBaseUrl;
      if (AUDIT_WRITERS.includes(name)) environment.AUDIT_RETENTION_DAYS = String(config.auditRetentionDays);
      // SCIM functions write one request-log line per request to stdout (see requestLog()).
      if (auths.has('scim')) environment.REQUEST_LOG_SINK = 'stdout';
      const timeoutSeconds = HANDLERS[name].timeoutSeconds;
      if (timeoutSeconds !== undefined && timeoutSeconds >= API_INTEGRATION_LIMIT_SECONDS) {
        throw new Error(`HANDLERS.${name}.timeoutSeconds must stay below API Gateway's 29 s`);
      }
      const handler = new HandlerFunction(this, HANDLERS[name].constructId ?? `${pascal(name)}Handler`, {
        entry: props.handlerEntries?.[name] ?? handlerEntry(name),
        serviceName: `scim-${HANDLERS[name].dir}`,
        description: `Routes served by the ${name} handler`,
        table,
        tableAccess: HANDLERS[name].tableAccess,
        timeout: timeoutSeconds ? Duration.seconds(timeoutSeconds) : undefined,
        environment,
        ...capacity(name),
      });
      this.functions[name] = handler;
      // One integration (and one invoke permission) per function, shared by its resources: keeps the
      // function's resource policy small as routes are added.
      integrations.set(
        name,
        new apigw.LambdaIntegration(handler.function, { scopePermissionToMethod: false }),
      );
    }

    this.cursorKey();

    const scimAuthorizer = this.scimAuthorizer(table, capacity('authorizer'));
    const adminAuthorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'AdminAuthorizer', {
      cognitoUserPools: [props.adminUserPool],
      // The ID token carries custom:tenantId, which the admin handlers compare with the path.
      identitySource: apigw.IdentitySource.header('Authorization'),
    });

    for (const route of routes) {
      const api = route.auth === 'scim' ? this.scimApi : this.adminApi;
      const integration = integrations.get(route.handler)!;
      const resource = api.root.resourceForPath(route.path);
      if (route.auth === 'public') {
        // The invitation link: its HMAC signature is the credential (docs/deploy.md); the admin WAF covers it.
        const method = resource.addMethod('ANY', integration, {
          authorizationType: apigw.AuthorizationType.NONE,
        });
        const reason =
          'The public invitation link (GET/POST /invite/{token}): the signed, expiring, one-time token in the path ' +
          'is the credential (HMAC with a Secrets Manager key); an invited user has no account to sign in with. ' +
          "The admin API's web ACL rate-limits it per source address.";
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
        continue;
      }
      // ANY: handlers dispatch methods themselves and answer 405 in their own error format.
      resource.addMethod('ANY', integration, {
        authorizer: route.auth === 'scim' ? scimAuthorizer.authorizer : adminAuthorizer,
        authorizationType:
          route.auth === 'scim' ? apigw.AuthorizationType.CUSTOM : apigw.AuthorizationType.COGNITO,
      });
      if (route.auth === 'admin') this.adminCorsPreflight(resource);
    }

    addScimGatewayResponses(this.scimApi);
    addAdminGatewayResponses(this.adminApi, this.console.origin);
    this.acknowledgeApiFindings();

    const acls = addRateLimits(this, {
      config,
      scimStage: this.scimApi.deploymentStage,
      adminStage: this.adminApi.deploymentStage,
      consoleOrigin: this.console.origin,
    });

    this.changeEvents = new ChangeEvents(this, 'ChangeEvents', { webhook: config.eventsWebhook });
    this.mail = new Mail(this, 'Mail', {
      identity: config.sesIdentity,
      createIdentity: config.sesCreateIdentity,
      fromAddress: config.inviteFromAddress,
      table,
      eventsEntry: props.mailEventsEntry,
      memoryMb: FUNCTION_CAPACITY.mailEvents.memoryMb,
      reservedConcurrency: capacity('mailEvents').reservedConcurrency,
    });
    this.inviteLinkKeys = new InviteLinkKeys(this, 'InviteLinkKeys');
    const stream = this.streamConsumer(table, config, props.streamEntry ?? STREAM_ENTRY, capacity('stream'));
    this.requestLogWriter = addRequestLog(this, {
      table,
      retentionDays: config.requestLogRetentionDays,
      ...capacity('requestLog'),
      // Every function that serves a SCIM route, and the authorizer (the calls it refuses).
      sources: [
        ...Object.entries(this.functions).flatMap(([name, fn]) =>
          fn && authsOf(name as HandlerName).has('scim') ? [fn] : [],
        ),
        scimAuthorizer.handlerFunction,
      ],
    });
    // The console's "re-send invitation" sends through SES from the invitations handler (only: the
    // directory's listings hold no mail rights).
    const invitations = this.functions.invitations;
    if (invitations) this.allowInvites(invitations, config);
    for (const name of INVITE_LINK_HANDLERS) {
      const handler = this.functions[name];
      if (handler) this.inviteLinkKeys.grantUse(handler, config.inviteLinkTtlHours);
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      scimStage: this.scimApi.deploymentStage,
      adminStage: this.adminApi.deploymentStage,
      functions: [
        ...Object.entries(this.functions).map(([name, handler]) => ({
          name: pascal(name),
          handler: handler as HandlerFunction,
          errorsAlarm: true,
        })),
        { name: 'Authorizer', handler: scimAuthorizer.handlerFunction, errorsAlarm: false },
        { name: 'StreamConsumer', handler: stream.consumer, errorsAlarm: true },
        { name: 'RequestLogWriter', handler: this.requestLogWriter, errorsAlarm: true },
        { name: 'MailEvents', handler: this.mail.handler, errorsAlarm: true },
      ],
      authorizer: scimAuthorizer.handlerFunction,
      streamConsumer: stream.consumer,
      failureQueues: [
        { name: 'StreamFailures', queue: stream.failures },
        { name: 'MailEventsDeadLetters', queue: this.mail.deadLetterQueue },
        { name: 'RequestLogFailures', queue: this.requestLogFailures },
        ...(this.changeEvents.webhookFailures
          ? [{ name: 'WebhookFailures', queue: this.changeEvents.webhookFailures }]
          : []),
      ],
      acls,
      configurationSetName: this.mail.configurationSet.configurationSetName,
      alarmEmail: config.alarmEmail,
    });
    this.warnOnReservedTotal(config);

    new CfnOutput(this, 'EventBusName', {
      value: this.changeEvents.bus.eventBusName,
      description: 'EventBridge bus of the change events (docs/events.md)',
    });
    new CfnOutput(this, 'ScimApiUrl', {
      value: this.scimPublicBaseUrl,
      description: 'SCIM base URL for a tenant: <ScimApiUrl>/scim/v2/<tenantId>',
    });
    new CfnOutput(this, 'AdminApiUrl', {
      value: adminApiUrl,
      description: 'Admin API base URL: <AdminApiUrl>/admin/v1/tenants/<tenantId>/tokens',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.url,
      description: 'The admin console (CloudFront); sign in with a Cognito admin (docs/deploy.md)',
    });
    new CfnOutput(this, 'ConsoleClientId', {
      value: this.console.client.userPoolClientId,
      description: "The console's Cognito app client (authorization code + PKCE)",
    });
  }

  /**
   * The browser's CORS preflight, answered by API Gateway itself (a mock integration, no
   * authorizer: a preflight never carries credentials) for the console's origin only. The
   * handlers add Access-Control-Allow-Origin to the real answers (CONSOLE_ORIGIN), the admin
   * Gateway Responses to API Gateway's own. The SCIM API has none: IdPs call it server to server.
   */
  private adminCorsPreflight(resource: apigw.IResource): void {
    const preflight = resource.addCorsPreflight({
      allowOrigins: [this.console.origin],
      allowHeaders: ADMIN_CORS_HEADERS,
      allowMethods: ADMIN_CORS_METHODS,
      allowCredentials: false,
      maxAge: Duration.minutes(10),
    });
    const reason =
      'CORS preflight (OPTIONS): browsers send it without credentials, so it cannot be authorized; API ' +
      'Gateway answers it from a mock integration with the allowed origin, methods and headers only.';
    Validations.of(preflight).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    Validations.of(preflight).acknowledge({ id: 'AwsSolutions-COG4', reason });
  }

  /**
   * The HMAC key of paging cursors (lambdas/store/cursor-codec.ts): a generated secret that only the
   * functions handing out cursors may read, once per cold start (CURSOR_HMAC_SECRET_ARN).
   */
  private cursorKey(): void {
    const paging = PAGING_HANDLERS.flatMap((name) => this.functions[name] ?? []);
    if (paging.length === 0) return;
    const secret = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'HMAC-SHA256 key that authenticates the paging cursors of the SCIM and admin APIs',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    for (const handler of paging) {
      handler.function.addEnvironment('CURSOR_HMAC_SECRET_ARN', secret.secretArn);
      secret.grantRead(handler.role);
    }
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only authenticates paging cursors that live an hour; replacing it (a new secret value, then ' +
        'new cold starts) invalidates outstanding cursors and nothing else, so no rotation Lambda is deployed ' +
        '(docs/operations-deploy.md, "Cursor key").',
    });
  }

  /** A REST API with the stage settings both APIs share. */
  private restApi(id: string, description: string, config: DeploymentConfig, account?: apigw.CfnAccount) {
    const accessLogs = new logs.LogGroup(this, `${id}AccessLogs`, {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    const api = new apigw.RestApi(this, id, {
      description,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Every type is binary: gzip'd, base64 Lambda answers go out as bytes. Request bodies then
      // reach the handlers base64-encoded (isBase64Encoded), which toHttpRequest decodes.
      binaryMediaTypes: ['*/*'],
      // The region-wide CloudWatch role is set once by apiGatewayAccount(), not once per API.
      cloudWatchRole: false,
      deployOptions: {
        stageName: config.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat({ withPath: id !== 'AdminApi' }),
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Never log request/response bodies: they carry bearer tokens, SCIM secrets and PII.
        dataTraceEnabled: false,
        throttlingRateLimit: config.throttleRateLimit,
        throttlingBurstLimit: config.throttleBurstLimit,
      },
    });
    if (account) api.deploymentStage.node.addDependency(account);
    return api;
  }

  /**
   * The region-wide API Gateway setting that lets stages write execution logs. One per stack,
   * retained on deletion: other APIs of the account may rely on it.
   */
  private apiGatewayAccount(): apigw.CfnAccount {
    const role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The AWS-maintained policy API Gateway documents for its account-level CloudWatch Logs role; ' +
        'API Gateway names the execution log groups itself, so no narrower resource is known in advance.',
    });
    const account = new apigw.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return account;
  }

  /**
   * REQUEST authorizer of the SCIM routes. The cache key is the Authorization header; the tenant
   * separation comes from the policy the authorizer returns, which allows only
   * `<stage>/*\/scim/v2/<the token's tenant>/*`: a cached decision for tenant A evaluated against a
   * request for tenant B is an explicit deny (ACCESS_DENIED -> SCIM 401). API Gateway REST REQUEST
   * authorizers take headers, query strings, stage variables and $context variables as identity
   * sources, not path parameters, so tenantId cannot be part of the key itself.
   */
  private scimAuthorizer(
    table: dynamodb.ITable,
    capacity: { memorySize: number; reservedConcurrency?: number },
  ): {
    authorizer: apigw.RequestAuthorizer;
    handlerFunction: HandlerFunction;
  } {
    const authorizer = new HandlerFunction(this, 'ScimAuthorizerHandler', {
      entry: AUTHORIZER_ENTRY,
      serviceName: 'scim-authorizer',
      description: 'REQUEST authorizer of the SCIM API: bearer token -> tenant',
      table,
      tableAccess: 'read',
      timeout: Duration.seconds(5),
      // The calls it refuses go to the request log as one stdout line each.
      environment: { REQUEST_LOG_SINK: 'stdout' },
      ...capacity,
    });
    const requestAuthorizer = new apigw.RequestAuthorizer(this, 'ScimAuthorizer', {
      handler: authorizer.function,
      identitySources: [apigw.IdentitySource.header('Authorization')],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    return { authorizer: requestAuthorizer, handlerFunction: authorizer };
  }

  private acknowledgeApiFindings(): void {
    for (const api of [this.scimApi, this.adminApi]) {
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-APIG2',
        reason:
          'Bodies are validated by the handlers against the SCIM schemas (RFC 7643) and the admin contracts, ' +
          'so that a bad request gets a SCIM invalidSyntax/invalidValue error (RFC 7644 §3.12) instead of ' +
          "API Gateway's generic 400.",
      });
    }
    Validations.of(this.scimApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'SCIM clients (Okta, Entra ID) authenticate with a per-tenant bearer token (RFC 7644 §2), not a Cognito ' +
        'user: every SCIM method uses the REQUEST Lambda authorizer, which checks the token hash in DynamoDB.',
    });
  }

  /**
   * The table's one stream consumer (lambdas/stream/handler.ts): invitation emails, member-count
   * folds and the change events. DynamoDB stream -> Lambda with the filter of consumed-records.ts,
   * records in order (one batch per shard at a time), partial batch failures, bisect on a function
   * error, bounded retries and age, failed records to an encrypted SQS queue for inspection and
   * replay. The logical ids (InvitesHandler, InviteFailures) are those of the invite consumer it grew
   * from, so an upgrade updates the function and its mapping in place (docs/decisions.md).
   */
  private streamConsumer(
    table: dynamodb.ITable,
    config: DeploymentConfig,
    entry: string,
    capacity: { memorySize: number; reservedConcurrency?: number },
  ): { consumer: HandlerFunction; failures: sqs.Queue } {
    const consumer = new HandlerFunction(this, 'InvitesHandler', {
      entry,
      serviceName: 'scim-stream',
      description:
        'Table stream consumer: invitation emails (SES), member-count folds, change events (EventBridge)',
      table,
      tableAccess: 'readWrite',
      timeout: Duration.seconds(60),
      ...capacity,
    });
    consumer.function.addEnvironment('EVENT_BUS_NAME', this.changeEvents.bus.eventBusName);
    this.changeEvents.grantPublish(consumer.function);
    this.allowInvites(consumer, config);
    this.inviteLinkKeys.grantUse(consumer, config.inviteLinkTtlHours);

    const failures = failureQueue(this, 'InviteFailures', 'the stream consumer (its on-failure destination)');

    consumer.function.addEventSource(
      new DynamoEventSource(table, {
        // TRIM_HORIZON: a user created while the mapping was being (re)created still gets the email.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        // One batch per shard at a time: the events go out in the order of the writes.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failures),
        // Only the records consumed-records.ts names reach the function; other writes cost nothing.
        filters: CONSUMED_RECORD_PATTERNS.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );
    return { consumer, failures };
  }

  /** Invitation settings, and SES send permission through the identity and the configuration set. */
  private allowInvites(handler: HandlerFunction, config: DeploymentConfig): void {
    handler.function.addEnvironment('INVITE_FROM_ADDRESS', config.inviteFromAddress);
    handler.function.addEnvironment('INVITE_URL_TEMPLATE', config.inviteUrlTemplate);
    this.mail.allowSend(handler);
  }

  /** A development stage says which local defaults it deploys with (a production stage refused them). */
  private announceConfiguration(config: DeploymentConfig): void {
    const notes = developmentDefaults(config);
    if (notes.length === 0) return;
    const kind = isProductionStage(config.stage) ? 'Production' : 'Development';
    Annotations.of(this).addWarningV2(
      'scim:developmentDefaults',
      `${kind} stage ${config.stage} deploys with local defaults: ${notes.join('; ')}. ` +
        'Set them with -c key=value before a real deployment (docs/deploy.md).',
    );
  }

  /** The reserved total must leave Lambda's 100 unreserved in a default (1000) account. */
  private warnOnReservedTotal(config: DeploymentConfig): void {
    if (config.reservedConcurrency === false) return;
    const total = (Object.keys(FUNCTION_CAPACITY) as FunctionKey[])
      .map((key) => reservedConcurrencyOf(key, config.reservedConcurrency) ?? 0)
      .reduce((a, b) => a + b, 0);
    if (total > DEFAULT_ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM) {
      Annotations.of(this).addWarningV2(
        'scim:reservedConcurrency',
        `The functions reserve ${total} concurrent executions: a default account (${DEFAULT_ACCOUNT_CONCURRENCY}) ` +
          `must keep ${UNRESERVED_MINIMUM} unreserved; raise the account limit or lower reservedConcurrency.`,
      );
    }
  }

  /** The request-log writer's on-failure queue (created by addRequestLog). */
  private get requestLogFailures(): sqs.IQueue {
    return this.node.findChild('RequestLogFailures') as sqs.Queue;
  }
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
