/**
 * The REST API's resources and which handler serves each. The CDK stack builds API Gateway
 * resources from this list and the local adapter matches requests against it, so both expose the
 * same routes. Methods are dispatched inside each handler (ANY in API Gateway), which lets a handler
 * answer 405 with the SCIM or admin error body instead of API Gateway's default 403.
 */
export type HandlerName =
  | 'tokens'
  | 'settings'
  | 'directory'
  | 'invitations'
  | 'audit'
  | 'discovery'
  | 'users'
  | 'groups'
  | 'bulk'
  | 'activity'
  | 'invites';
/**
 * `public`: no authorizer (the invitation link's own signature is the credential); served by the
 * admin API, with its `{error, message}` answers.
 */
export type RouteAuth = 'admin' | 'scim' | 'public';

export interface Route {
  path: string;
  handler: HandlerName;
  auth: RouteAuth;
}

export const ADMIN_BASE = '/admin/v1/tenants/{tenantId}';
export const SCIM_BASE = '/scim/v2/{tenantId}';

export const ROUTES: Route[] = [
  { path: `${ADMIN_BASE}/tokens`, handler: 'tokens', auth: 'admin' },
  { path: `${ADMIN_BASE}/tokens/{tokenId}`, handler: 'tokens', auth: 'admin' },
  { path: `${ADMIN_BASE}/tokens/{tokenId}/renew`, handler: 'tokens', auth: 'admin' },
  { path: `${ADMIN_BASE}/settings`, handler: 'settings', auth: 'admin' },
  { path: `${ADMIN_BASE}/users`, handler: 'directory', auth: 'admin' },
  { path: `${ADMIN_BASE}/groups`, handler: 'directory', auth: 'admin' },
  { path: `${ADMIN_BASE}/groups/{groupId}/members`, handler: 'directory', auth: 'admin' },
  { path: `${ADMIN_BASE}/users/{userId}`, handler: 'directory', auth: 'admin' },
  { path: `${ADMIN_BASE}/users/{userId}/resolve`, handler: 'invitations', auth: 'admin' },
  { path: `${ADMIN_BASE}/users/{userId}/invite`, handler: 'invitations', auth: 'admin' },
  { path: `${ADMIN_BASE}/audit`, handler: 'audit', auth: 'admin' },
  { path: `${ADMIN_BASE}/requests`, handler: 'activity', auth: 'admin' },
  { path: `${ADMIN_BASE}/health`, handler: 'activity', auth: 'admin' },
  // The invitation link (its signed token is the credential): check (GET) and use once (POST).
  { path: '/invite/{token}', handler: 'invites', auth: 'public' },
  { path: `${SCIM_BASE}/Users`, handler: 'users', auth: 'scim' },
  { path: `${SCIM_BASE}/Users/.search`, handler: 'users', auth: 'scim' },
  { path: `${SCIM_BASE}/Users/{id}`, handler: 'users', auth: 'scim' },
  { path: `${SCIM_BASE}/Groups`, handler: 'groups', auth: 'scim' },
  { path: `${SCIM_BASE}/Groups/.search`, handler: 'groups', auth: 'scim' },
  { path: `${SCIM_BASE}/Groups/{id}`, handler: 'groups', auth: 'scim' },
  { path: `${SCIM_BASE}/Bulk`, handler: 'bulk', auth: 'scim' },
  { path: `${SCIM_BASE}/ServiceProviderConfig`, handler: 'discovery', auth: 'scim' },
  { path: `${SCIM_BASE}/ResourceTypes`, handler: 'discovery', auth: 'scim' },
  { path: `${SCIM_BASE}/ResourceTypes/{name}`, handler: 'discovery', auth: 'scim' },
  { path: `${SCIM_BASE}/Schemas`, handler: 'discovery', auth: 'scim' },
  { path: `${SCIM_BASE}/Schemas/{urn}`, handler: 'discovery', auth: 'scim' },
  // RFC 7644 §3.4.3: a search across every resource type; not offered (501).
  { path: `${SCIM_BASE}/.search`, handler: 'discovery', auth: 'scim' },
  // Anything else under a tenant's SCIM base: authenticated, then a SCIM 404.
  { path: `${SCIM_BASE}/{proxy+}`, handler: 'discovery', auth: 'scim' },
];

/** SCIM media type (RFC 7644 §3.1). */
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/**
 * Seconds a client should wait after a 503 (storage or authorizer unavailable) before it retries.
 * Okta waits exactly Retry-After seconds when it is an integer; Entra retries on 503 as well.
 */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Seconds a client should wait after a rate-limit 429 (WAF's rate-based rules count over windows of
 * 60 s or more; the local rate limit uses the same value). An integer, as Okta requires.
 */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 10;

/**
 * Bodies of the API Gateway responses that never reach a handler. The CDK stack configures them as
 * Gateway Responses and the local adapter sends the same bytes.
 */
export const GATEWAY_RESPONSES = {
  unauthorized: {
    statusCode: 401,
    detail: 'Authentication failed: send an active bearer token of this tenant in the Authorization header',
  },
  accessDenied: { statusCode: 401, detail: 'Authentication failed: the token is not valid for this tenant' },
  notFound: { statusCode: 404, detail: 'No such resource or route' },
  throttled: {
    statusCode: 429,
    detail: 'Too many requests; retry after the number of seconds in Retry-After',
  },
  tooLarge: { statusCode: 413, detail: 'Request body too large' },
  /** A per-tenant or per-address rate limit (WAF in AWS, LOCAL_RATE_LIMIT locally) refused the request. */
  rateLimited: {
    statusCode: 429,
    detail: 'Too many requests for this tenant; retry after the number of seconds in Retry-After',
  },
  /**
   * The authorizer failed (it could not read the token table) rather than refusing the token: the
   * client must retry, not conclude that its credential is bad (AUTHORIZER_FAILURE and
   * AUTHORIZER_CONFIGURATION_ERROR in API Gateway).
   */
  authorizerFailure: {
    statusCode: 503,
    detail:
      'The service could not check the token right now; retry after the number of seconds in Retry-After',
  },
} as const;

/** Headers every answer carries, whoever sends it (handlers, Gateway Responses, the local adapter). */
export const COMMON_RESPONSE_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const;

/** The admin API's Gateway Responses: JSON `{error, message}` like every admin answer. */
export const ADMIN_GATEWAY_RESPONSES = {
  unauthorized: {
    statusCode: 401,
    error: 'unauthorized',
    message: 'Sign in (or send the admin API key) to use the admin API',
  },
  accessDenied: { statusCode: 403, error: 'forbidden', message: 'You may only manage your own tenant' },
  notFound: { statusCode: 404, error: 'not_found', message: 'No such route' },
  throttled: { statusCode: 429, error: 'throttled', message: 'Too many requests; retry later' },
  rateLimited: {
    statusCode: 429,
    error: 'rate_limited',
    message: 'Too many requests; retry after the number of seconds in Retry-After',
  },
  tooLarge: { statusCode: 413, error: 'payload_too_large', message: 'Request body too large' },
} as const;

export function scimGatewayBody(detail: string, status: number): string {
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(status),
    detail,
  });
}

/** Matches a concrete path against the route templates (local adapter; API Gateway does this in AWS). */
export function matchRoute(
  routes: Route[],
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { route: Route; pathParameters: Record<string, string>; score: number } | undefined;
  for (const route of routes) {
    const template = route.path.split('/').filter(Boolean);
    const params: Record<string, string> = {};
    let matched = true;
    let greedy = false;
    let literals = 0;
    for (let i = 0; i < template.length; i++) {
      const part = template[i];
      if (part.endsWith('+}')) {
        if (i >= segments.length) matched = false;
        else params[part.slice(1, -2)] = segments.slice(i).map(safeDecode).join('/');
        greedy = true;
        break;
      }
      if (i >= segments.length) {
        matched = false;
        break;
      }
      if (part.startsWith('{')) params[part.slice(1, -1)] = safeDecode(segments[i]);
      else if (part === segments[i]) literals++;
      else {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    if (!greedy && template.length !== segments.length) continue;
    // API Gateway prefers literal segments over variables, and both over greedy proxies.
    const score = (greedy ? 0 : 1000) + literals;
    if (!best || score > best.score) best = { route, pathParameters: params, score };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
