import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AdminActor } from '../domain/audit';
import { type Idp, idpOrDefault, type ProvisioningSource, sourceOf } from '../domain/idp';
import { SCIM_LIMITS } from '../scim/limits';
import { HttpExchangeError } from './errors';

export interface HttpRequest {
  method: string;
  /** The API Gateway resource template, e.g. /scim/v2/{tenantId}/Users/{id}. */
  resource: string;
  path: string;
  pathParameters: Record<string, string>;
  /** Query parameters; the last value wins for repeated names. */
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  rawBody: string | undefined;
  requestId: string;
  /** Absolute base of this deployment, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod */
  baseUrl: string;
  authorizer: Record<string, unknown>;
}

export function toHttpRequest(event: APIGatewayProxyEvent): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined) pathParameters[name] = value;
  }
  let rawBody = event.body ?? undefined;
  // With binaryMediaTypes set (for gzip responses), API Gateway hands JSON bodies over base64-encoded.
  if (rawBody !== undefined && event.isBase64Encoded)
    rawBody = Buffer.from(rawBody, 'base64').toString('utf8');
  return {
    method: event.httpMethod.toUpperCase(),
    resource: event.resource,
    path: event.path,
    pathParameters,
    query,
    headers,
    rawBody: rawBody === '' ? undefined : rawBody,
    requestId: event.requestContext?.requestId ?? 'local',
    baseUrl: baseUrlOf(event),
    authorizer: (event.requestContext?.authorizer ?? {}) as Record<string, unknown>,
  };
}

/**
 * The public base URL of this request's API:
 * - PUBLIC_BASE_URL when set (a custom domain in AWS, or what `npm start` was told);
 * - an execute-api host: `https://{host}/{stage}` (the stage is part of the path there);
 * - otherwise the host API Gateway received the request on (requestContext.domainName), with the
 *   scheme of X-Forwarded-Proto — a header API Gateway sets itself, as the local adapter does; only
 *   `http` changes the default `https`.
 * X-Forwarded-Host is never read: in AWS a client may send any value and API Gateway passes it on.
 */
function baseUrlOf(event: APIGatewayProxyEvent): string {
  const configured = process.env.PUBLIC_BASE_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const host = event.requestContext?.domainName ?? headerOf(event, 'host') ?? 'localhost';
  const stage = event.requestContext?.stage;
  if (stage && host.includes('.execute-api.')) return `https://${host}/${stage}`;
  const proto = headerOf(event, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return `${proto === 'http' ? 'http' : 'https'}://${host}`;
}

function headerOf(event: APIGatewayProxyEvent, lowerCaseName: string): string | undefined {
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && name.toLowerCase() === lowerCaseName) return value;
  }
  return undefined;
}

/** Media types accepted for request bodies (RFC 7644 §3.1; Okta's spec test sends application/json). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/scim+json' || mediaType === 'application/json';
}

/** The largest request body accepted, as advertised in /ServiceProviderConfig (bulk.maxPayloadSize). */
export const MAX_BODY_BYTES = SCIM_LIMITS.maxPayloadBytes;

/** What a route on one resource names: its tenant and id, and the client's preconditions (RFC 7644 §3.14). */
export function resourceTargetOf(request: HttpRequest) {
  return {
    tenantId: request.pathParameters.tenantId,
    id: request.pathParameters.id,
    ifMatch: request.headers['if-match'],
    ifNoneMatch: request.headers['if-none-match'],
  };
}

/**
 * The IdP of the token that authorised this SCIM request, as the authorizer put it in its context
 * (lambdas/authorizer/handler.ts; the local adapter copies the context the same way). A context
 * without it (a decision cached by API Gateway before the idp existed) reads as Okta's, like the token.
 */
export function tokenIdpOf(request: HttpRequest): Idp {
  return idpOrDefault(request.authorizer.idp);
}

/** The Source of a user or group this request creates: the token's IdP; the User-Agent is only kept. */
export function provisioningSourceOf(request: HttpRequest): ProvisioningSource {
  return sourceOf(tokenIdpOf(request), request.headers['user-agent']);
}

/**
 * The admin behind an admin API request, for the audit trail: the Cognito user's `sub` claim (the
 * local adapter sets `local-admin` for the admin key), and the request's id. The admin routes only run
 * after the claims were checked (handler.ts), and a Cognito ID token always carries `sub`.
 */
export function adminActorOf(request: HttpRequest): AdminActor {
  const claims = request.authorizer.claims as Record<string, unknown> | undefined;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject === '') {
    throw new HttpExchangeError(401, 'unauthorized', 'The sign-in carries no admin identity (claim sub)');
  }
  return { subject, requestId: request.requestId };
}
