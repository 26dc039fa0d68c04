import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  ADMIN_GATEWAY_RESPONSES,
  GATEWAY_RESPONSES,
  RATE_LIMIT_RETRY_AFTER_SECONDS,
  scimGatewayBody,
} from '../../lambdas/http/routes';
import type { DeploymentConfig } from '../config';

/** One rate-based rule: what it counts per, and its limit per evaluation window. */
export interface RateRule {
  /** Rule name (also its CloudWatch metric name). */
  name: string;
  /** `authorization`: one bucket per Authorization header value (per SCIM token); `ip`: per source address. */
  key: 'authorization' | 'ip';
  limit: number;
}

export interface RateLimitAclProps {
  /** The web ACL's name (unique per region), also its metric name. */
  name: string;
  description: string;
  /** The stage the web ACL protects. */
  stage: apigw.Stage;
  rules: RateRule[];
  /** Seconds WAF counts over (60, 120, 300 or 600). */
  evaluationWindowSec: number;
  /** The API's own 429 body and its WAF content type (WAF offers APPLICATION_JSON, not application/scim+json). */
  body: string;
  /** More headers of every block, e.g. the admin API's Access-Control-Allow-Origin for the console. */
  headers?: Record<string, string>;
}

/** The key of the custom response body every block of a web ACL answers with. */
export const RATE_LIMITED_BODY_KEY = 'rate-limited';

/**
 * A REGIONAL WAFv2 web ACL with rate-based rules, associated with one API Gateway stage. The default
 * action allows; each rule blocks with 429, an integer Retry-After (RATE_LIMIT_RETRY_AFTER_SECONDS)
 * and the API's own error body. WAF evaluates before API Gateway, so its blocks never reach the
 * authorizer or a function and cost no Lambda time.
 */
export class RateLimitAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly name: string;

  constructor(scope: Construct, id: string, props: RateLimitAclProps) {
    super(scope, id);
    this.name = props.name;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: props.description,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [RATE_LIMITED_BODY_KEY]: { contentType: 'APPLICATION_JSON', content: props.body },
      },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: props.name,
        sampledRequestsEnabled: true,
      },
      rules: props.rules.map((rule, priority) => ({
        name: rule.name,
        priority,
        action: {
          block: {
            customResponse: {
              responseCode: 429,
              customResponseBodyKey: RATE_LIMITED_BODY_KEY,
              responseHeaders: [
                { name: 'Retry-After', value: String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
                ...Object.entries(props.headers ?? {}).map(([name, value]) => ({ name, value })),
              ],
            },
          },
        },
        statement: { rateBasedStatement: rateStatement(rule, props.evaluationWindowSec) },
        visibilityConfig: {
          cloudWatchMetricsEnabled: true,
          metricName: rule.name,
          sampledRequestsEnabled: true,
        },
      })),
    });
    const association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // The stage ARN is built from names: wait for the stage itself.
    association.node.addDependency(props.stage);
  }

  /** Requests this web ACL blocked (all rules) or allowed, per 5 minutes. */
  metric(name: 'BlockedRequests' | 'AllowedRequests', region: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: name,
      dimensionsMap: { WebACL: this.name, Region: region, Rule: 'ALL' },
      statistic: 'Sum',
    });
  }
}

function rateStatement(
  rule: RateRule,
  evaluationWindowSec: number,
): wafv2.CfnWebACL.RateBasedStatementProperty {
  if (rule.key === 'ip') return { aggregateKeyType: 'IP', limit: rule.limit, evaluationWindowSec };
  // The header value as sent (no transformation): the same token always lands in the same bucket.
  // A request without the header has no key and is not counted here; the IP rule counts it.
  return {
    aggregateKeyType: 'CUSTOM_KEYS',
    limit: rule.limit,
    evaluationWindowSec,
    customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
  };
}

/** The SCIM API's 429 body of a WAF block: the SCIM Error schema (RFC 7644 §3.12). */
export const SCIM_RATE_LIMITED_BODY = scimGatewayBody(
  GATEWAY_RESPONSES.rateLimited.detail,
  GATEWAY_RESPONSES.rateLimited.statusCode,
);
/** The admin API's (and the public invite route's) 429 body of a WAF block. */
export const ADMIN_RATE_LIMITED_BODY = JSON.stringify({
  error: ADMIN_GATEWAY_RESPONSES.rateLimited.error,
  message: ADMIN_GATEWAY_RESPONSES.rateLimited.message,
});

/**
 * The WAF web ACLs: on the SCIM stage a per-tenant rule (one bucket per Authorization header, i.e.
 * per SCIM token) and a looser per-address rule; on the admin stage (console, invitation links) a
 * per-address rule. Every block: 429, Retry-After, the API's own error body.
 */
export function addRateLimits(
  scope: Construct,
  props: { config: DeploymentConfig; scimStage: apigw.Stage; adminStage: apigw.Stage; consoleOrigin: string },
): RateLimitAcl[] {
  const { config } = props;
  const window = config.wafEvaluationWindowSec;
  const scim = new RateLimitAcl(scope, 'ScimRateLimits', {
    name: `Scim-${config.stage}-ScimApi`,
    description: 'SCIM API: per-tenant rate limit by Authorization header, and per source address',
    stage: props.scimStage,
    evaluationWindowSec: window,
    body: SCIM_RATE_LIMITED_BODY,
    rules: [
      { name: 'PerTenant', key: 'authorization', limit: config.wafTenantRateLimit },
      { name: 'PerSourceIp', key: 'ip', limit: config.wafIpRateLimit },
    ],
  });
  const admin = new RateLimitAcl(scope, 'AdminRateLimits', {
    name: `Scim-${config.stage}-AdminApi`,
    description: 'Admin API and invitation links: rate limit per source address',
    stage: props.adminStage,
    evaluationWindowSec: window,
    body: ADMIN_RATE_LIMITED_BODY,
    // The console can read the 429 (another origin) like API Gateway's own answers.
    headers: { 'Access-Control-Allow-Origin': props.consoleOrigin, Vary: 'Origin' },
    rules: [{ name: 'PerSourceIp', key: 'ip', limit: config.wafAdminRateLimit }],
  });
  return [scim, admin];
}
