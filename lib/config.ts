import type { Node } from 'constructs';

/**
 * Deployment settings, read once from CDK context (`-c key=value` or cdk.json "context").
 * Every key and its default is documented in docs/operations-deploy.md.
 */
export interface DeploymentConfig {
  /** API Gateway stage name and stack-name suffix, e.g. `prod`. */
  stage: string;
  /**
   * Public base URL of the SCIM API when a custom domain fronts it (no trailing slash). When unset,
   * handlers derive the base URL from the execute-api host and stage of each request.
   */
  publicBaseUrl?: string;
  /** Verified SES identity (address) the invitation emails are sent from. */
  inviteFromAddress: string;
  /** Link put into invitation emails; its placeholders are filled by the invite consumer. */
  inviteUrlTemplate: string;
  /** Steady-state requests per second per API stage (API Gateway method throttling). */
  throttleRateLimit: number;
  /** Burst bucket size per API stage. */
  throttleBurstLimit: number;
  /**
   * Whether this stack sets the region-wide API Gateway CloudWatch Logs role (AWS::ApiGateway::Account)
   * that execution logging needs. Turn off when the account already has one managed elsewhere.
   */
  apiGatewayAccountRole: boolean;
  /** Days the admin audit trail keeps an entry (DynamoDB TTL), 1 to 3650; AUDIT_RETENTION_DAYS of the writers. */
  auditRetentionDays: number;
  /**
   * Optional delivery of the change events to the vendor's app (docs/events.md): an EventBridge API
   * destination POSTing each event's detail to `url`, with the Authorization header value kept in the
   * Secrets Manager secret `secretArn`. Both context keys or neither.
   */
  eventsWebhook?: { url: string; secretArn: string };
  /** Days a provisioning request-log entry is kept before DynamoDB TTL removes it. */
  requestLogRetentionDays: number;
  /**
   * Prefix of the admin pool's Cognito managed-login domain (`<prefix>.auth.<region>.amazoncognito.com`).
   * When unset: `scim-<stage>-<account id>` (adminDomainPrefixFor).
   */
  adminDomainPrefix?: string;
  /**
   * Folder of the built console (index.html and its assets) that the stack uploads, relative to the
   * repository root or absolute. `npm run build:web` writes web/dist.
   */
  consoleAssetDir: string;
  /**
   * Whether the console's Cognito app client also accepts `http://localhost:5173/` (the Vite dev
   * server) as callback and sign-out URL. Off by default; never on for a production stage.
   */
  consoleDevOrigin: boolean;
}

/** The console's dev origin that `consoleDevOrigin=true` adds to the Cognito app client. */
export const CONSOLE_DEV_URL = 'http://localhost:5173/';

/** Stack names as bin/app.ts builds them (the admin CLI finds the user pool id through the data stack's outputs). */
export const dataStackName = (stage: string) => `Scim-${stage}-Data`;
export const apiStackName = (stage: string) => `Scim-${stage}-Api`;

/** Cognito domain prefixes: lower-case letters, digits and hyphens, no reserved words. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/**
 * The managed-login domain prefix: the configured one, or `scim-<stage>-<account>` (the stage
 * lower-cased, other characters as hyphens, cut to 40 characters). Prefixes are global per region,
 * so the account id keeps two accounts' `dev` stages apart. `account` may be a CDK token.
 */
export function adminDomainPrefixFor(config: DeploymentConfig, account: string): string {
  if (config.adminDomainPrefix) return config.adminDomainPrefix;
  const stage = config.stage
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  if (RESERVED_IN_PREFIX.test(stage)) {
    throw new Error(
      `The stage name makes an invalid Cognito domain prefix (it may not contain aws, amazon or cognito): set context adminDomainPrefix`,
    );
  }
  return `scim-${stage || 'stage'}-${account}`;
}

export const DEFAULT_CONFIG: DeploymentConfig = {
  stage: 'dev',
  inviteFromAddress: 'no-reply@example.com',
  inviteUrlTemplate: 'https://example.com/invite?tenant={tenantId}&user={userId}',
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  apiGatewayAccountRole: true,
  auditRetentionDays: 365,
  requestLogRetentionDays: 30,
  consoleAssetDir: 'web/dist',
  consoleDevOrigin: false,
};

/** Reads and validates the deployment settings; a bad value fails the synth with its key named. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value).trim();
  };
  const positiveInteger = (key: string, fallback: number): number => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Context ${key} must be a positive integer`);
    return value;
  };

  const stage = text('stage') ?? DEFAULT_CONFIG.stage;
  // API Gateway stage names allow letters, digits, hyphens and underscores only.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stage)) throw new Error('Context stage must match [A-Za-z0-9_-]{1,64}');

  let publicBaseUrl = text('publicBaseUrl');
  if (publicBaseUrl !== undefined) {
    if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicBaseUrl)) {
      throw new Error('Context publicBaseUrl must be an https URL, e.g. https://scim.example.com');
    }
    publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
  }

  const inviteFromAddress = text('inviteFromAddress') ?? DEFAULT_CONFIG.inviteFromAddress;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(inviteFromAddress)) {
    throw new Error('Context inviteFromAddress must be an email address');
  }

  // The same bound as the functions' own check (lambdas/config/runtime-config.ts), so a bad value fails the synth.
  const retentionDays = (key: 'auditRetentionDays' | 'requestLogRetentionDays') => {
    const days = positiveInteger(key, DEFAULT_CONFIG[key]);
    if (days > 3650) throw new Error(`Context ${key} must be at most 3650`);
    return days;
  };
  const webhookUrl = text('eventsWebhookUrl');
  const webhookSecretArn = text('eventsWebhookSecretArn');
  if ((webhookUrl === undefined) !== (webhookSecretArn === undefined)) {
    throw new Error('Context eventsWebhookUrl and eventsWebhookSecretArn must be set together');
  }
  if (webhookUrl !== undefined && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(webhookUrl)) {
    throw new Error(
      'Context eventsWebhookUrl must be an https URL, e.g. https://app.example.com/scim-events',
    );
  }
  if (
    webhookSecretArn !== undefined &&
    !/^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:.+$/.test(webhookSecretArn)
  ) {
    throw new Error('Context eventsWebhookSecretArn must be the ARN of a Secrets Manager secret');
  }

  const adminDomainPrefix = text('adminDomainPrefix');
  if (
    adminDomainPrefix !== undefined &&
    (!DOMAIN_PREFIX.test(adminDomainPrefix) || RESERVED_IN_PREFIX.test(adminDomainPrefix))
  ) {
    throw new Error(
      'Context adminDomainPrefix must be 1-63 lower-case letters, digits or hyphens (not at either end) ' +
        'and may not contain aws, amazon or cognito',
    );
  }

  const apiGatewayAccountRole = text('apiGatewayAccountRole');
  return {
    stage,
    publicBaseUrl,
    inviteFromAddress,
    inviteUrlTemplate: text('inviteUrlTemplate') ?? DEFAULT_CONFIG.inviteUrlTemplate,
    throttleRateLimit: positiveInteger('throttleRateLimit', DEFAULT_CONFIG.throttleRateLimit),
    throttleBurstLimit: positiveInteger('throttleBurstLimit', DEFAULT_CONFIG.throttleBurstLimit),
    apiGatewayAccountRole: apiGatewayAccountRole === undefined ? true : apiGatewayAccountRole !== 'false',
    auditRetentionDays: retentionDays('auditRetentionDays'),
    ...(webhookUrl && webhookSecretArn
      ? { eventsWebhook: { url: webhookUrl, secretArn: webhookSecretArn } }
      : {}),
    requestLogRetentionDays: retentionDays('requestLogRetentionDays'),
    ...(adminDomainPrefix ? { adminDomainPrefix } : {}),
    consoleAssetDir: text('consoleAssetDir') ?? DEFAULT_CONFIG.consoleAssetDir,
    consoleDevOrigin: text('consoleDevOrigin') === 'true',
  };
}
