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
  /** Per-tenant WAF limit on the SCIM API: requests per `wafEvaluationWindowSec`, per Authorization header. */
  wafTenantRateLimit: number;
  /** Per-source-IP WAF limit on the SCIM API (looser: IdPs share egress addresses between their customers). */
  wafIpRateLimit: number;
  /** Per-source-IP WAF limit on the admin API (console, public invite links). */
  wafAdminRateLimit: number;
  /** The window WAF counts the three limits over: 60, 120, 300 or 600 seconds. */
  wafEvaluationWindowSec: number;
  /** When set, the alarms notify this address through an encrypted SNS topic. */
  alarmEmail?: string;
  /** SES identity the stack creates: a domain (DKIM) or an address. Default: inviteFromAddress's domain. */
  sesIdentity: string;
  /** Whether the stack creates the SES identity (false when it already exists in the account). */
  sesCreateIdentity: boolean;
  /** Hours a signed invitation link stays valid (INVITE_LINK_TTL_HOURS), 1 to 720 (30 days, the functions' own bound). */
  inviteLinkTtlHours: number;
  /** Reserved concurrency per function (FUNCTION_CAPACITY names); `false`: none (accounts with a low limit). */
  reservedConcurrency: Record<string, number> | false;
  /** Optional custom domain of the SCIM API. */
  scimDomain?: ScimDomainConfig;
}

/** The SCIM API's custom domain: an existing certificate, or a hosted zone to create and validate one in. */
export interface ScimDomainConfig {
  domainName: string;
  certificateArn?: string;
  hostedZone?: { id: string; name: string };
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
  inviteUrlTemplate: 'https://example.com/invite?token={token}',
  throttleRateLimit: 50,
  throttleBurstLimit: 100,
  apiGatewayAccountRole: true,
  auditRetentionDays: 365,
  requestLogRetentionDays: 30,
  consoleAssetDir: 'web/dist',
  consoleDevOrigin: false,
  // Okta sends about 10-25 requests/s per app and Entra at most 25/s per tenant: 1500 a minute is
  // their ceiling, so a well-behaved IdP is never blocked and one tenant cannot take the whole stage.
  wafTenantRateLimit: 1500,
  // Several tenants' Okta orgs reach us from the same Okta egress addresses: twice the tenant limit.
  wafIpRateLimit: 3000,
  // The console and invitation links: 10 requests/s per address.
  wafAdminRateLimit: 600,
  wafEvaluationWindowSec: 60,
  sesIdentity: 'example.com',
  sesCreateIdentity: true,
  inviteLinkTtlHours: 168,
  reservedConcurrency: {},
};

/**
 * Every context key the app reads, with the value `cdk.json` carries for it (its default; `""` for an
 * optional key that is unset). test/cdk/config.test.ts checks cdk.json and docs/deploy.md against it.
 */
export const CONTEXT_DEFAULTS: Record<string, string | number | boolean | Record<string, number>> = {
  stage: DEFAULT_CONFIG.stage,
  publicBaseUrl: '',
  inviteFromAddress: DEFAULT_CONFIG.inviteFromAddress,
  inviteUrlTemplate: DEFAULT_CONFIG.inviteUrlTemplate,
  inviteLinkTtlHours: DEFAULT_CONFIG.inviteLinkTtlHours,
  sesIdentity: '',
  sesCreateIdentity: true,
  alarmEmail: '',
  throttleRateLimit: DEFAULT_CONFIG.throttleRateLimit,
  throttleBurstLimit: DEFAULT_CONFIG.throttleBurstLimit,
  wafTenantRateLimit: DEFAULT_CONFIG.wafTenantRateLimit,
  wafIpRateLimit: DEFAULT_CONFIG.wafIpRateLimit,
  wafAdminRateLimit: DEFAULT_CONFIG.wafAdminRateLimit,
  wafEvaluationWindowSec: DEFAULT_CONFIG.wafEvaluationWindowSec,
  reservedConcurrency: {},
  scimDomainName: '',
  scimCertificateArn: '',
  scimHostedZoneId: '',
  scimHostedZoneName: '',
  apiGatewayAccountRole: true,
  auditRetentionDays: DEFAULT_CONFIG.auditRetentionDays,
  requestLogRetentionDays: DEFAULT_CONFIG.requestLogRetentionDays,
  eventsWebhookUrl: '',
  eventsWebhookSecretArn: '',
  adminDomainPrefix: '',
  consoleAssetDir: DEFAULT_CONFIG.consoleAssetDir,
  consoleDevOrigin: false,
};

/** `prod` and `production`, in any case: stages that refuse placeholder settings. */
export const isProductionStage = (stage: string) => /^(prod|production)$/i.test(stage);

/** Reserved example domains (RFC 2606 / RFC 6761): a setting that uses one is a placeholder. */
const PLACEHOLDER_HOST = /(^|\.)example\.(com|net|org)$|\.(example|invalid|localhost|test)$|^localhost$/i;
const hostOf = (value: string): string | undefined => {
  const at = value.match(/^[^\s@]+@([^\s@/]+)$/);
  if (at) return at[1];
  const url = value.match(/^[a-z]+:\/\/([^/?#:]+)/i);
  if (url) return url[1];
  return /^[a-z0-9.-]+$/i.test(value) ? value : undefined;
};
export const isPlaceholder = (value: string | undefined) => {
  if (!value) return true;
  const host = hostOf(value);
  return host === undefined || PLACEHOLDER_HOST.test(host);
};

/**
 * What a stage runs on that is only fit for development: the local defaults still in place. A
 * production stage refuses these (readDeploymentConfig throws), another stage says so at synth.
 */
export function developmentDefaults(config: DeploymentConfig): string[] {
  const notes: string[] = [];
  if (isPlaceholder(config.inviteFromAddress)) notes.push(`inviteFromAddress is ${config.inviteFromAddress}`);
  if (isPlaceholder(config.inviteUrlTemplate)) notes.push(`inviteUrlTemplate is ${config.inviteUrlTemplate}`);
  if (isPlaceholder(config.sesIdentity)) notes.push(`sesIdentity is ${config.sesIdentity}`);
  if (!config.alarmEmail) notes.push('alarmEmail is unset (the alarms notify nobody)');
  return notes;
}

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

  const inviteFromAddress = text('inviteFromAddress') ?? DEFAULT_CONFIG.inviteFromAddress;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(inviteFromAddress)) {
    throw new Error('Context inviteFromAddress must be an email address');
  }
  const inviteUrlTemplate = text('inviteUrlTemplate') ?? DEFAULT_CONFIG.inviteUrlTemplate;
  if (!/^https?:\/\/[^\s/]+/.test(inviteUrlTemplate)) {
    throw new Error(
      'Context inviteUrlTemplate must be an http(s) URL, e.g. https://app.example.com/invite?token={token}',
    );
  }

  const sesIdentity = text('sesIdentity') ?? inviteFromAddress.split('@')[1];
  if (!/^([^\s@]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(sesIdentity)) {
    throw new Error('Context sesIdentity must be a domain (mail.example.com) or an email address');
  }
  // SES may send from the address only when the identity is that address or its domain.
  const fromDomain = inviteFromAddress.split('@')[1].toLowerCase();
  const identity = sesIdentity.toLowerCase();
  if (identity !== inviteFromAddress.toLowerCase() && identity !== fromDomain) {
    throw new Error(
      `Context sesIdentity must be inviteFromAddress (${inviteFromAddress}) or its domain (${fromDomain})`,
    );
  }

  const inviteLinkTtlHours = positiveInteger('inviteLinkTtlHours', DEFAULT_CONFIG.inviteLinkTtlHours);
  if (inviteLinkTtlHours > 720) throw new Error('Context inviteLinkTtlHours must be at most 720 (30 days)');

  const window = positiveInteger('wafEvaluationWindowSec', DEFAULT_CONFIG.wafEvaluationWindowSec);
  if (![60, 120, 300, 600].includes(window)) {
    throw new Error(
      'Context wafEvaluationWindowSec must be 60, 120, 300 or 600 (the windows WAF rate rules offer)',
    );
  }
  // WAF rate-based rules take a limit of 10 to 2,000,000,000 requests per window.
  const wafLimit = (key: 'wafTenantRateLimit' | 'wafIpRateLimit' | 'wafAdminRateLimit') => {
    const limit = positiveInteger(key, DEFAULT_CONFIG[key]);
    if (limit < 10 || limit > 2_000_000_000)
      throw new Error(`Context ${key} must be between 10 and 2000000000`);
    return limit;
  };

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new Error('Context alarmEmail must be an email address');
  }

  const apiGatewayAccountRole = text('apiGatewayAccountRole');
  const sesCreateIdentity = text('sesCreateIdentity');
  const config: DeploymentConfig = {
    stage,
    publicBaseUrl,
    inviteFromAddress,
    inviteUrlTemplate,
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
    wafTenantRateLimit: wafLimit('wafTenantRateLimit'),
    wafIpRateLimit: wafLimit('wafIpRateLimit'),
    wafAdminRateLimit: wafLimit('wafAdminRateLimit'),
    wafEvaluationWindowSec: window,
    ...(alarmEmail ? { alarmEmail } : {}),
    sesIdentity,
    sesCreateIdentity: sesCreateIdentity === undefined ? true : sesCreateIdentity !== 'false',
    inviteLinkTtlHours,
    reservedConcurrency: readReservedConcurrency(node.tryGetContext('reservedConcurrency')),
    ...readScimDomain(text),
  };
  if (config.scimDomain && config.publicBaseUrl === undefined) {
    config.publicBaseUrl = `https://${config.scimDomain.domainName}`;
  }
  if (isProductionStage(stage)) refusePlaceholders(config, text);
  return config;
}

/**
 * A production stage names every setting that is missing or still a placeholder, in one error, so
 * that one `cdk synth` tells the operator everything to set.
 */
function refusePlaceholders(config: DeploymentConfig, text: (key: string) => string | undefined): void {
  const problems: string[] = [];
  const required = (key: string, value: string | undefined, shown = value) => {
    if (text(key) === undefined) problems.push(`${key} (unset; the default ${shown} is a placeholder)`);
    else if (isPlaceholder(value)) problems.push(`${key} (${value} is a placeholder domain)`);
  };
  required('inviteFromAddress', config.inviteFromAddress);
  required('inviteUrlTemplate', config.inviteUrlTemplate);
  if (text('inviteUrlTemplate') !== undefined && !config.inviteUrlTemplate.includes('{token}')) {
    problems.push(
      'inviteUrlTemplate (it must contain {token}: the signed link token the invite page verifies)',
    );
  }
  // Optional keys: when set, they must not point at an example domain either.
  for (const key of ['sesIdentity', 'alarmEmail', 'publicBaseUrl', 'scimDomainName', 'eventsWebhookUrl']) {
    const value = text(key);
    if (value !== undefined && isPlaceholder(value))
      problems.push(`${key} (${value} is a placeholder domain)`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Stage ${config.stage} is a production stage and refuses to synthesize with missing or placeholder ` +
        `settings. Set these context keys (-c key=value or cdk.json; docs/deploy.md): ${problems.join('; ')}`,
    );
  }
}

/** FUNCTION_CAPACITY overrides: an object (cdk.json) or its JSON (-c), or `false`/`off` for none. */
function readReservedConcurrency(raw: unknown): Record<string, number> | false {
  if (raw === undefined || raw === null || raw === '') return {};
  if (raw === false || raw === 'false' || raw === 'off') return false;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error('Context reservedConcurrency must be a JSON object such as {"users":40}, or off');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('Context reservedConcurrency must be a JSON object such as {"users":40}, or off');
  }
  const result: Record<string, number> = {};
  for (const [name, limit] of Object.entries(value)) {
    if (!Number.isInteger(limit) || (limit as number) < 0) {
      throw new Error(`Context reservedConcurrency.${name} must be a non-negative integer`);
    }
    result[name] = limit as number;
  }
  return result;
}

function readScimDomain(text: (key: string) => string | undefined): { scimDomain?: ScimDomainConfig } {
  const domainName = text('scimDomainName');
  const certificateArn = text('scimCertificateArn');
  const zoneId = text('scimHostedZoneId');
  const zoneName = text('scimHostedZoneName');
  if (domainName === undefined) {
    if (certificateArn || zoneId || zoneName) {
      throw new Error(
        'Context scimCertificateArn / scimHostedZoneId / scimHostedZoneName need scimDomainName',
      );
    }
    return {};
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domainName)) {
    throw new Error('Context scimDomainName must be a host name, e.g. scim.example.com');
  }
  if ((zoneId === undefined) !== (zoneName === undefined)) {
    throw new Error('Context scimHostedZoneId and scimHostedZoneName must be set together');
  }
  if (certificateArn === undefined && zoneId === undefined) {
    throw new Error(
      'Context scimDomainName needs scimCertificateArn (an ACM certificate in this region) or ' +
        'scimHostedZoneId + scimHostedZoneName (the stack then creates a DNS-validated certificate)',
    );
  }
  if (
    certificateArn !== undefined &&
    !/^arn:aws[a-z-]*:acm:[^:]+:\d{12}:certificate\/.+$/.test(certificateArn)
  ) {
    throw new Error('Context scimCertificateArn must be the ARN of an ACM certificate');
  }
  if (zoneName !== undefined) {
    const zone = zoneName.replace(/\.$/, '').toLowerCase();
    const host = domainName.toLowerCase();
    if (host !== zone && !host.endsWith(`.${zone}`)) {
      throw new Error(`Context scimDomainName (${domainName}) must be in the hosted zone ${zoneName}`);
    }
  }
  return {
    scimDomain: {
      domainName,
      ...(certificateArn ? { certificateArn } : {}),
      ...(zoneId && zoneName ? { hostedZone: { id: zoneId, name: zoneName.replace(/\.$/, '') } } : {}),
    },
  };
}
