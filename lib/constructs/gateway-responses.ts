import * as apigw from 'aws-cdk-lib/aws-apigateway';
import {
  ADMIN_GATEWAY_RESPONSES,
  COMMON_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
  RATE_LIMIT_RETRY_AFTER_SECONDS,
  RETRY_AFTER_SECONDS,
  SCIM_CONTENT_TYPE,
  scimGatewayBody,
} from '../../lambdas/http/routes';

/**
 * The Gateway Responses of both REST APIs: the answers API Gateway sends itself (no authorization,
 * throttled, too large, a failed integration), in each API's error format. Ids are those of the
 * API stack they were first defined in (children of each RestApi), so the logical ids are unchanged.
 */

/** 5xx answers of API Gateway itself; the request id lets an operator find the failure in the logs. */
export const SCIM_SERVER_ERROR_DETAIL = 'Internal error; request id $context.requestId';
export const ADMIN_SERVER_ERROR = {
  error: 'internal_error',
  message: 'Internal error; request id $context.requestId',
};

/**
 * Seconds to wait after the stage's own throttle (THROTTLED): its token bucket refills every second.
 * An integer, as Okta requires; WAF's per-tenant blocks say RATE_LIMIT_RETRY_AFTER_SECONDS.
 */
export const THROTTLED_RETRY_AFTER_SECONDS = 1;

/**
 * The SCIM API's own answers as SCIM Error bodies (RFC 7644 §3.12).
 */
export function addScimGatewayResponses(api: apigw.RestApi): void {
  const scim = (
    id: string,
    type: apigw.ResponseType,
    statusCode: number,
    detail: string,
    headers: Record<string, string> = {},
  ) =>
    api.addGatewayResponse(id, {
      type,
      statusCode: String(statusCode),
      // Header values are mapping expressions: literals are single-quoted.
      responseHeaders: { 'Content-Type': `'${SCIM_CONTENT_TYPE}'`, ...commonHeaders(), ...headers },
      templates: { 'application/json': scimGatewayBody(detail, statusCode) },
    });
  const r = GATEWAY_RESPONSES;
  scim('Unauthorized', apigw.ResponseType.UNAUTHORIZED, r.unauthorized.statusCode, r.unauthorized.detail);
  scim('AccessDenied', apigw.ResponseType.ACCESS_DENIED, r.accessDenied.statusCode, r.accessDenied.detail);
  scim('NotFound', apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, r.notFound.statusCode, r.notFound.detail);
  // Okta waits exactly Retry-After seconds when it is an integer.
  scim('Throttled', apigw.ResponseType.THROTTLED, r.throttled.statusCode, r.throttled.detail, {
    'Retry-After': `'${THROTTLED_RETRY_AFTER_SECONDS}'`,
  });
  // A usage plan's quota (none is configured today): the same 429, a longer wait.
  scim('QuotaExceeded', apigw.ResponseType.QUOTA_EXCEEDED, r.throttled.statusCode, r.throttled.detail, {
    'Retry-After': `'${RATE_LIMIT_RETRY_AFTER_SECONDS}'`,
  });
  scim('TooLarge', apigw.ResponseType.REQUEST_TOO_LARGE, r.tooLarge.statusCode, r.tooLarge.detail);
  // The authorizer threw something other than 'Unauthorized' (the token table is unreachable):
  // 503 + Retry-After so the IdP retries instead of treating its token as bad.
  const unavailable = { 'Retry-After': `'${RETRY_AFTER_SECONDS}'` };
  const f = r.authorizerFailure;
  scim('AuthorizerFailure', apigw.ResponseType.AUTHORIZER_FAILURE, f.statusCode, f.detail, unavailable);
  scim(
    'AuthorizerConfigurationError',
    apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
    f.statusCode,
    f.detail,
    unavailable,
  );
  // Each 5xx type keeps its own status; the body's "status" must say the same.
  scim('IntegrationFailure', apigw.ResponseType.INTEGRATION_FAILURE, 502, SCIM_SERVER_ERROR_DETAIL);
  scim('IntegrationTimeout', apigw.ResponseType.INTEGRATION_TIMEOUT, 504, SCIM_SERVER_ERROR_DETAIL);
  scim('Default5xx', apigw.ResponseType.DEFAULT_5XX, 500, SCIM_SERVER_ERROR_DETAIL);
}

/**
 * The admin API's own answers as `{error, message}` JSON, readable by the console on its origin
 * (Access-Control-Allow-Origin: the console's; a browser hides a cross-origin error body otherwise).
 */
export function addAdminGatewayResponses(api: apigw.RestApi, consoleOrigin: string): void {
  const admin = (
    id: string,
    type: apigw.ResponseType,
    statusCode: number,
    error: string,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    api.addGatewayResponse(id, {
      type,
      statusCode: String(statusCode),
      responseHeaders: {
        'Content-Type': "'application/json'",
        ...commonHeaders(),
        // The console (another origin) can read API Gateway's own errors (401, 403, 429, 5xx).
        'Access-Control-Allow-Origin': `'${consoleOrigin}'`,
        Vary: "'Origin'",
        ...headers,
      },
      templates: { 'application/json': JSON.stringify({ error, message }) },
    });
  const r = ADMIN_GATEWAY_RESPONSES;
  const e = ADMIN_SERVER_ERROR;
  admin(
    'Unauthorized',
    apigw.ResponseType.UNAUTHORIZED,
    r.unauthorized.statusCode,
    r.unauthorized.error,
    r.unauthorized.message,
  );
  admin(
    'AccessDenied',
    apigw.ResponseType.ACCESS_DENIED,
    r.accessDenied.statusCode,
    r.accessDenied.error,
    r.accessDenied.message,
  );
  admin(
    'NotFound',
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    r.notFound.statusCode,
    r.notFound.error,
    r.notFound.message,
  );
  admin(
    'Throttled',
    apigw.ResponseType.THROTTLED,
    r.throttled.statusCode,
    r.throttled.error,
    r.throttled.message,
    { 'Retry-After': `'${THROTTLED_RETRY_AFTER_SECONDS}'` },
  );
  admin(
    'QuotaExceeded',
    apigw.ResponseType.QUOTA_EXCEEDED,
    r.throttled.statusCode,
    r.throttled.error,
    r.throttled.message,
    { 'Retry-After': `'${RATE_LIMIT_RETRY_AFTER_SECONDS}'` },
  );
  admin(
    'TooLarge',
    apigw.ResponseType.REQUEST_TOO_LARGE,
    r.tooLarge.statusCode,
    r.tooLarge.error,
    r.tooLarge.message,
  );
  admin('IntegrationFailure', apigw.ResponseType.INTEGRATION_FAILURE, 502, e.error, e.message);
  admin('IntegrationTimeout', apigw.ResponseType.INTEGRATION_TIMEOUT, 504, e.error, e.message);
  admin('Default5xx', apigw.ResponseType.DEFAULT_5XX, 500, e.error, e.message);
}

/** COMMON_RESPONSE_HEADERS as Gateway Response mapping expressions (quoted literals). */
const commonHeaders = (): Record<string, string> =>
  Object.fromEntries(Object.entries(COMMON_RESPONSE_HEADERS).map(([name, value]) => [name, `'${value}'`]));
