import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AdminError } from '../domain/admin-error';
import { ScimError } from '../scim/errors';
import { logger } from './logger';
import { type HttpRequest, isJsonMediaType, MAX_BODY_BYTES, toHttpRequest } from './request';
import {
  ADMIN_JSON,
  adminErrorResult,
  type HttpResult,
  ResponseTooLargeError,
  SCIM_JSON,
  scimErrorResult,
  toApiGatewayResult,
} from './response';

export type RouteHandler = (request: HttpRequest) => Promise<HttpResult>;
/** resource template -> method -> handler */
export type RouteTable = Record<string, Partial<Record<string, RouteHandler>>>;

type Kind = 'scim' | 'admin';

/**
 * The thin-handler shape: API Gateway event -> HttpRequest -> route -> HttpResult -> response.
 * Errors are mapped in exactly one place: ScimError -> SCIM Error body, AdminError -> {error, message};
 * anything unexpected is logged and answered with a generic 500 carrying the request id.
 */
export function createHttpHandler(kind: Kind, routes: RouteTable) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const request = toHttpRequest(event);
    const contentType = kind === 'scim' ? SCIM_JSON : ADMIN_JSON;
    let result: HttpResult;
    try {
      authorize(kind, request);
      const methods = routes[request.resource];
      if (!methods) throw notFound(kind, `No route for ${request.path}`);
      const handle = methods[request.method];
      if (!handle) {
        const allow = Object.keys(methods).join(', ');
        throw kind === 'scim'
          ? new ScimError(405, `Method ${request.method} not allowed on ${request.path}`, undefined, {
              Allow: allow,
            })
          : new AdminError(405, 'method_not_allowed', `Method ${request.method} not allowed; use ${allow}`);
      }
      checkBody(kind, request);
      result = await handle(request);
    } catch (error) {
      result = toErrorResult(kind, error, request);
    }
    try {
      return await toApiGatewayResult(result, contentType, request.headers['accept-encoding']);
    } catch (error) {
      // A streamed body failed midway (e.g. DynamoDB): answer a clean error, never half a document.
      return toApiGatewayResult(toErrorResult(kind, error, request), contentType, undefined);
    }
  };
}

function notFound(kind: Kind, message: string): Error {
  return kind === 'scim' ? ScimError.notFound(message) : AdminError.notFound(message);
}

function checkBody(kind: Kind, request: HttpRequest): void {
  if (request.rawBody === undefined) return;
  if (Buffer.byteLength(request.rawBody, 'utf8') > MAX_BODY_BYTES) {
    const message = `Request body exceeds ${MAX_BODY_BYTES} bytes`;
    throw kind === 'scim' ? new ScimError(413, message) : new AdminError(413, 'payload_too_large', message);
  }
  // Okta sends a JSON Content-Type even on GETs without a body; only bodies are checked.
  if (!isJsonMediaType(request.headers['content-type'])) {
    const message = 'Content-Type must be application/scim+json or application/json';
    throw kind === 'scim'
      ? new ScimError(415, message)
      : new AdminError(415, 'unsupported_media_type', message);
  }
}

/**
 * SCIM routes: the Lambda authorizer put the tenant of the token into the context; it must be the
 * tenant of the URL (the authorizer checks this too — this is defence in depth).
 * Admin routes: the Cognito claim `custom:tenantId` must be the path's tenant.
 */
function authorize(kind: Kind, request: HttpRequest): void {
  const pathTenant = request.pathParameters.tenantId;
  if (kind === 'scim') {
    if (!pathTenant || request.authorizer.tenantId !== pathTenant) {
      throw new ScimError(401, 'Authentication failed: the token is not valid for this tenant');
    }
    return;
  }
  const claims = request.authorizer.claims as Record<string, unknown> | undefined;
  if (!claims) throw new AdminError(401, 'unauthorized', 'Sign in to use the admin API');
  if (!pathTenant || claims['custom:tenantId'] !== pathTenant) {
    throw new AdminError(403, 'forbidden', 'You may only manage your own tenant');
  }
}

function toErrorResult(kind: Kind, error: unknown, request: HttpRequest): HttpResult {
  if (error instanceof ResponseTooLargeError) {
    // RFC 7644 §3.12 tooMany: more than the server is willing to return in one answer.
    return kind === 'scim'
      ? scimErrorResult(new ScimError(400, error.message, 'tooMany'))
      : adminErrorResult(new AdminError(400, 'too_large', error.message));
  }
  if (kind === 'scim' && error instanceof ScimError) return scimErrorResult(error);
  if (kind === 'admin' && error instanceof AdminError) return adminErrorResult(error);
  // A protocol error raised on the other kind of route (shared code): keep its status and message.
  if (error instanceof ScimError) {
    return kind === 'admin'
      ? adminErrorResult(new AdminError(error.status, error.scimType ?? 'error', error.message))
      : scimErrorResult(error);
  }
  if (error instanceof AdminError) return scimErrorResult(new ScimError(error.status, error.message));
  logger.error('Unhandled error', {
    requestId: request.requestId,
    path: request.resource,
    error: error as Error,
  });
  const message = `Internal error; request id ${request.requestId}`;
  return kind === 'scim'
    ? scimErrorResult(new ScimError(500, message))
    : adminErrorResult(new AdminError(500, 'internal_error', message));
}

/** Parses a JSON body; malformed JSON is a 400 in the protocol's format. */
export function parseJsonBody(kind: Kind, request: HttpRequest): unknown {
  if (request.rawBody === undefined) {
    throw kind === 'scim'
      ? ScimError.badRequest('invalidSyntax', 'A JSON body is required')
      : AdminError.badRequest('A JSON body is required');
  }
  try {
    return JSON.parse(request.rawBody);
  } catch {
    throw kind === 'scim'
      ? ScimError.badRequest('invalidSyntax', 'The body is not valid JSON')
      : AdminError.badRequest('The body is not valid JSON');
  }
}
