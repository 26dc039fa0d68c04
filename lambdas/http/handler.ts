import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger, logTenant, publishCounts, startInvocation } from '../config/observability';
import { readConsoleOrigin } from '../config/runtime-config';
import { InvalidInputError, NotFoundError } from '../domain/errors';
import { idpOrDefault } from '../domain/idp';
import type { RequestLogSink } from '../domain/request-log';
import { runWithOrigin, type WriteOrigin } from '../domain/write-origin';
import { excerpt } from '../scim/excerpt';
import { adminErrorMapper, type ErrorMapper, scimErrorMapper } from './error-mappers';
import { HttpExchangeError, MethodNotAllowedError } from './errors';
import { type HttpRequest, isJsonMediaType, MAX_BODY_BYTES, toHttpRequest } from './request';
import { requestLogEntryOf } from './request-log-entry';
import { ADMIN_JSON, type HttpResult, SCIM_JSON, toApiGatewayResult } from './response';

export type RouteHandler = (request: HttpRequest) => Promise<HttpResult>;
/** resource template -> method -> handler */
export type RouteTable = Record<string, Partial<Record<string, RouteHandler>>>;

type Kind = 'scim' | 'admin';

const API: Record<Kind, { contentType: string; mapError: ErrorMapper }> = {
  scim: { contentType: SCIM_JSON, mapError: scimErrorMapper },
  admin: { contentType: ADMIN_JSON, mapError: adminErrorMapper },
};

export interface HttpHandlerOptions {
  /** SCIM routes: where each answered request's log entry goes (lambdas/store/request-log-sink.ts). */
  requestLog?: RequestLogSink;
  /** Admin routes: the console's origin allowed by CORS (default: CONSOLE_ORIGIN; none locally). */
  consoleOrigin?: string;
}

/**
 * The thin-handler shape: API Gateway event -> HttpRequest -> route -> HttpResult -> response.
 * Whatever is thrown on the way is rendered by the API's one error mapper (error-mappers.ts).
 */
export function createHttpHandler(kind: Kind, routes: RouteTable, options: HttpHandlerOptions = {}) {
  const { contentType, mapError } = API[kind];
  const requestLog = kind === 'scim' ? options.requestLog : undefined;
  const consoleOrigin = kind === 'admin' ? (options.consoleOrigin ?? readConsoleOrigin()) : undefined;
  const answer = async (event: APIGatewayProxyEvent) => {
    let tenantId: string | undefined;
    const request = toHttpRequest(event);
    const context = { requestId: request.requestId, path: request.resource };
    const withCors = (result: HttpResult): HttpResult => corsFor(result, request, consoleOrigin);
    let result: HttpResult;
    try {
      authorize(kind, request);
      // Checked by the authorizer and again above: a tenant that exists and the caller may act for.
      tenantId = request.pathParameters.tenantId;
      logTenant(tenantId);
      const methods = routes[request.resource];
      if (!methods) throw new NotFoundError(`No route for ${excerpt(request.path)}`);
      const handle = methods[request.method];
      if (!handle)
        throw new MethodNotAllowedError(request.method, request.path, Object.keys(methods).join(', '));
      checkBody(request);
      // SCIM writes carry their origin (request, IdP, token) onto the items: the change events' source.
      result = await (kind === 'scim'
        ? runWithOrigin(originOf(request), () => handle(request))
        : handle(request));
    } catch (error) {
      result = mapError(error, context);
    }
    result = withCors(result);
    try {
      return {
        request,
        result,
        tenantId,
        response: await toApiGatewayResult(result, contentType, request.headers['accept-encoding']),
      };
    } catch (error) {
      // A streamed body failed midway (e.g. DynamoDB): answer a clean error, never half a document.
      result = withCors(mapError(error, context));
      return {
        request,
        result,
        tenantId,
        response: await toApiGatewayResult(result, contentType, undefined),
      };
    }
  };
  return async (event: APIGatewayProxyEvent, lambdaContext?: Context): Promise<APIGatewayProxyResult> => {
    startInvocation(lambdaContext);
    const at = new Date();
    const started = performance.now();
    const { request, result, response, tenantId } = await answer(event);
    const latencyMs = performance.now() - started;
    observe(kind, request, response.statusCode, latencyMs, tenantId);
    // The request log (docs/architecture.md): one entry once the answer is known, handed to the sink
    // without waiting for any write.
    if (requestLog) {
      const entry = requestLogEntryOf(request, result, response, at, latencyMs);
      if (entry) requestLog.record(entry);
    }
    return response;
  };
}

/**
 * The response metrics of each answered request and, outside the SCIM API (whose access log is its
 * request-log line), one log line (docs/operations.md). The line names the route's resource
 * template, never the path: `/invite/{token}` would put a link token in the log.
 * Responses4xx/Responses5xx are 0 or 1 per request (their average is the rate), written with the
 * `service` dimension and, once the tenant is known, with `service` + `tenantId`.
 */
function observe(
  kind: Kind,
  request: HttpRequest,
  status: number,
  latencyMs: number,
  tenantId: string | undefined,
): void {
  if (kind !== 'scim') {
    logger.info('Request answered', {
      method: request.method,
      resource: request.resource,
      status,
      latencyMs: Math.round(latencyMs),
    });
  }
  publishCounts(
    { Responses4xx: status >= 400 && status < 500 ? 1 : 0, Responses5xx: status >= 500 ? 1 : 0 },
    { dimensions: tenantId ? { tenantId } : undefined, keepZeros: true },
  );
}

/**
 * CORS of the admin API (AWS: the console is on CloudFront, the API on API Gateway): an answer, success
 * or error, allows the console's origin — only when the request comes from it. API Gateway answers the
 * preflight (lib/). No configured origin (locally), no header: console and API share the origin.
 */
function corsFor(result: HttpResult, request: HttpRequest, consoleOrigin: string | undefined): HttpResult {
  if (!consoleOrigin || request.headers.origin !== consoleOrigin) return result;
  return {
    ...result,
    headers: { ...result.headers, 'Access-Control-Allow-Origin': consoleOrigin, Vary: 'Origin' },
  };
}

/** The write origin of a SCIM request: its id and the IdP and token the authorizer found. */
function originOf(request: HttpRequest): WriteOrigin {
  const { idp, tokenId } = request.authorizer;
  return {
    requestId: request.requestId,
    idp: idpOrDefault(idp),
    tokenId: typeof tokenId === 'string' ? tokenId : null,
  };
}

function checkBody(request: HttpRequest): void {
  if (request.rawBody === undefined) return;
  if (Buffer.byteLength(request.rawBody, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpExchangeError(413, 'payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  // Okta sends a JSON Content-Type even on GETs without a body; only bodies are checked.
  if (!isJsonMediaType(request.headers['content-type'])) {
    throw new HttpExchangeError(
      415,
      'unsupported_media_type',
      'Content-Type must be application/scim+json or application/json',
    );
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
      throw new HttpExchangeError(
        401,
        'unauthorized',
        'Authentication failed: the token is not valid for this tenant',
      );
    }
    return;
  }
  const claims = request.authorizer.claims as Record<string, unknown> | undefined;
  if (!claims) throw new HttpExchangeError(401, 'unauthorized', 'Sign in to use the admin API');
  if (!pathTenant || claims['custom:tenantId'] !== pathTenant) {
    throw new HttpExchangeError(403, 'forbidden', 'You may only manage your own tenant');
  }
}

/** Parses a JSON body; a missing or malformed one is a 400 (SCIM: invalidSyntax) in the API's format. */
export function parseJsonBody(request: HttpRequest): unknown {
  if (request.rawBody === undefined) {
    throw new InvalidInputError('A JSON body is required', { scimType: 'invalidSyntax' });
  }
  try {
    return JSON.parse(request.rawBody);
  } catch (error) {
    throw new InvalidInputError('The body is not valid JSON', { scimType: 'invalidSyntax', cause: error });
  }
}
