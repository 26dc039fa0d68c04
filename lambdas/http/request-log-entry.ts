import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  clip,
  isLoggableTenant,
  pathOnly,
  REQUEST_LOG_LIMITS,
  type RequestLogEntry,
} from '../domain/request-log';
import type { HttpRequest } from './request';
import type { HttpResult } from './response';
import { SCIM_BASE } from './routes';

/** What the log records of a route: its resource type and, when the path names one, the id. */
export function resourceOfRoute(
  resource: string,
  pathParameters: Record<string, string | undefined>,
): { resourceType: string | null; resourceId: string | null } {
  if (!resource.startsWith(`${SCIM_BASE}/`)) return { resourceType: null, resourceId: null };
  const first = resource.slice(SCIM_BASE.length + 1).split('/')[0];
  // {proxy+}: a path the service does not serve; .search: across every type.
  const resourceType = first.startsWith('{') || first.startsWith('.') ? null : first;
  const id = pathParameters.id ?? pathParameters.name ?? pathParameters.urn;
  return { resourceType, resourceId: clip(id, REQUEST_LOG_LIMITS.id) };
}

/**
 * The log entry of one answered SCIM request, or undefined when the path names no valid tenant.
 * Only the path (no query string), no header but User-Agent, the error's scimType and detail; a 201's
 * id comes from the created resource.
 */
export function requestLogEntryOf(
  request: HttpRequest,
  result: HttpResult,
  response: APIGatewayProxyResult,
  at: Date,
  latencyMs: number,
): RequestLogEntry | undefined {
  const tenantId = request.pathParameters.tenantId;
  if (!isLoggableTenant(tenantId)) return undefined;
  const body =
    result.body && typeof result.body === 'object' && !Array.isArray(result.body)
      ? (result.body as Record<string, unknown>)
      : {};
  const status = response.statusCode;
  const route = resourceOfRoute(request.resource, request.pathParameters);
  const createdId = status === 201 && typeof body.id === 'string' ? body.id : undefined;
  // The authorizer's context is the token's; it names this tenant's token only when the tenants match.
  const ownToken = request.authorizer.tenantId === tenantId;
  const context = (name: string) => {
    const value = request.authorizer[name];
    return ownToken && typeof value === 'string' ? value : null;
  };
  return {
    tenantId,
    at: at.toISOString(),
    method: request.method,
    path: pathOnly(request.path),
    status,
    scimType: status >= 400 ? clip(body.scimType, REQUEST_LOG_LIMITS.scimType) : null,
    detail: status >= 400 ? clip(body.detail, REQUEST_LOG_LIMITS.detail) : null,
    resourceType: route.resourceType,
    resourceId: clip(createdId, REQUEST_LOG_LIMITS.id) ?? route.resourceId,
    tokenId: context('tokenId'),
    idp: context('idp'),
    userAgent: clip(request.headers['user-agent'], REQUEST_LOG_LIMITS.userAgent),
    latencyMs: Math.round(latencyMs * 10) / 10,
    requestId: request.requestId,
  };
}

/** What the authorizer sees of a request (API Gateway REQUEST authorizer event). */
export interface AuthorizerRequest {
  httpMethod: string;
  path: string;
  resource: string;
  headers?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  requestContext?: { requestId?: string } | null;
}

/**
 * The log entry of a call the authorizer refused (401) or could not check (503), for the tenant of
 * the path (when it is a valid tenant id). A known but inactive token of that tenant is named by its
 * id and IdP; an unknown token, or another tenant's, by nothing.
 */
export function refusalLogEntry(
  event: AuthorizerRequest,
  refusal: {
    status: number;
    detail: string;
    at: Date;
    latencyMs: number;
    token?: { tokenId?: string; idp?: string };
  },
): RequestLogEntry | undefined {
  const pathParameters = event.pathParameters ?? {};
  const tenantId = pathParameters.tenantId;
  if (!isLoggableTenant(tenantId)) return undefined;
  const userAgent = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'user-agent');
  const route = resourceOfRoute(event.resource, pathParameters);
  return {
    tenantId,
    at: refusal.at.toISOString(),
    method: event.httpMethod.toUpperCase(),
    path: pathOnly(event.path),
    status: refusal.status,
    scimType: null,
    detail: clip(refusal.detail, REQUEST_LOG_LIMITS.detail),
    resourceType: route.resourceType,
    resourceId: route.resourceId,
    tokenId: refusal.token?.tokenId ?? null,
    idp: refusal.token?.idp ?? null,
    userAgent: clip(userAgent?.[1], REQUEST_LOG_LIMITS.userAgent),
    latencyMs: Math.round(refusal.latencyMs * 10) / 10,
    requestId: event.requestContext?.requestId ?? 'unknown',
  };
}
