import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../lambdas/authorizer/cache-ttl';
import {
  ADMIN_GATEWAY_RESPONSES,
  COMMON_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
  type HandlerName,
  matchRoute,
  RATE_LIMIT_RETRY_AFTER_SECONDS,
  RETRY_AFTER_SECONDS,
  ROUTES,
  type Route,
  scimGatewayBody,
} from '../lambdas/http/routes';
import { tokenWriteVersion } from '../lambdas/store/token-writes';
import { type PublicOrigin, publicOriginOf } from './public-origin';
import { type LocalRateLimit, rateLimitKeyOf, TokenBuckets } from './rate-limit';

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;

/**
 * A local-only route (health, outbox): plain handler on the node request. Its body is sent as JSON,
 * unless it answers `html` (the local invitation page): that page as text/html, with its `headers`.
 */
export type LocalRoute = (
  request: IncomingMessage,
) => Promise<{ status: number; body?: unknown; html?: string; headers?: Record<string, string> }>;

export interface AdapterOptions {
  handlers: Partial<Record<HandlerName, ProxyHandler>>;
  authorizer: AuthorizerHandler;
  /** Bearer key accepted on admin routes; it stands in for the Cognito authorizer locally. */
  adminApiKey: string;
  localRoutes?: Record<string, LocalRoute>;
  /**
   * The admin console's static files (local/console.ts): tried after the local routes and before
   * the API's; it answers false for paths it does not serve.
   */
  console?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
  /**
   * TRUST_PROXY: a tunnel in front (ngrok, cloudflared) says which host and scheme the client used
   * (X-Forwarded-Host / X-Forwarded-Proto). Off: those headers never change the base URL.
   */
  trustProxy?: boolean;
  /** LOCAL_RATE_LIMIT: the WAF rate-based rules' 429, per tenant, counted before the authorizer. */
  rateLimit?: LocalRateLimit;
  /** The route table (default ROUTES, as deployed); tests pass their own. */
  routes?: Route[];
  /**
   * The SCIM authorizer's cache, as API Gateway's (`resultsCacheTtl`, per Authorization header): an
   * allow is reused for `ttlMs` while `version()` is unchanged. Default: the deployed TTL, and the
   * token store's in-process write counter, so locally a token change is seen by the next request.
   * `false`: the authorizer runs on every request.
   */
  authorizerCache?: AuthorizerCacheOptions | false;
}

export interface AuthorizerCacheOptions {
  ttlMs: number;
  version: () => number;
  now?: () => number;
}

/** Authorization headers remembered before the cache is emptied (bounds memory under a token spray). */
const MAX_CACHED_DECISIONS = 10_000;

/** API Gateway's authorizer cache: allow decisions per Authorization header, for a TTL. */
class AuthorizerCache {
  private readonly entries = new Map<
    string,
    { result: APIGatewayAuthorizerResult; version: number; expiresAt: number }
  >();

  constructor(private readonly options: AuthorizerCacheOptions) {}

  version(): number {
    return this.options.version();
  }

  get(authorization: string): APIGatewayAuthorizerResult | undefined {
    const entry = this.entries.get(authorization);
    if (!entry) return undefined;
    if (entry.version !== this.options.version() || this.now() >= entry.expiresAt) {
      this.entries.delete(authorization);
      return undefined;
    }
    return entry.result;
  }

  /** `version`: the one read before the authorizer ran (a token write during its call leaves it stale). */
  set(authorization: string, result: APIGatewayAuthorizerResult, version: number): void {
    if (this.entries.size >= MAX_CACHED_DECISIONS) this.entries.clear();
    this.entries.set(authorization, { result, version, expiresAt: this.now() + this.options.ttlMs });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** API Gateway's own payload limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * The local stand-in for API Gateway (REST API, Lambda proxy integration): it turns each HTTP request
 * into the same APIGatewayProxyEvent, runs the same authorizer and handlers, and maps the results
 * back, including the Gateway Responses' bodies for requests that never reach a handler.
 */
export function createAdapter(options: AdapterOptions): Server {
  const limiter = options.rateLimit
    ? new TokenBuckets(options.rateLimit.perSecond, options.rateLimit.clock)
    : undefined;
  const decisions =
    options.authorizerCache === false
      ? undefined
      : new AuthorizerCache(
          options.authorizerCache ?? {
            ttlMs: AUTHORIZER_CACHE_TTL_SECONDS * 1000,
            version: tokenWriteVersion,
          },
        );
  const server: Server = createServer((req, res) => {
    handle({ ...options, limiter, decisions, listenHost: listenHostOf(server) }, req, res).catch((error) => {
      console.error('adapter error', error);
      send(
        res,
        500,
        { 'Content-Type': 'application/json' },
        JSON.stringify({ error: 'internal_error', message: 'Local adapter error' }),
      );
    });
  });
  return server;
}

type HandleOptions = AdapterOptions & {
  limiter?: TokenBuckets;
  decisions?: AuthorizerCache;
  listenHost: string;
};

/** host:port the server listens on: the Host of a request that sent none (or junk). */
function listenHostOf(server: Server): string {
  const address = server.address();
  if (typeof address !== 'object' || !address) return 'localhost';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

async function handle(options: HandleOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const local = options.localRoutes?.[`${req.method} ${url.pathname}`];
  if (local) {
    const result = await local(req);
    if (result.html !== undefined) {
      return send(
        res,
        result.status,
        { ...result.headers, 'Content-Type': 'text/html; charset=utf-8' },
        result.html,
      );
    }
    return send(res, result.status, { 'Content-Type': 'application/json' }, JSON.stringify(result.body));
  }
  if (options.console && (await options.console(req, res, url.pathname))) return;
  const isScim = url.pathname.startsWith('/scim/');
  // WAF counts every request to the API before API Gateway (and its authorizer) sees it.
  const limitKey = rateLimitKeyOf(url.pathname, req.socket.remoteAddress ?? 'unknown');
  if (options.limiter && !options.limiter.take(limitKey)) {
    const retryAfter = { 'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS) };
    req.resume();
    return isScim
      ? scimGateway(res, GATEWAY_RESPONSES.rateLimited, retryAfter)
      : adminGateway(res, ADMIN_GATEWAY_RESPONSES.rateLimited, retryAfter);
  }
  const match = matchRoute(options.routes ?? ROUTES, url.pathname);
  if (!match) {
    return isScim
      ? scimGateway(res, GATEWAY_RESPONSES.notFound)
      : adminGateway(res, ADMIN_GATEWAY_RESPONSES.notFound);
  }
  const { body, tooLarge } = await readBody(req);
  if (tooLarge) {
    return isScim
      ? scimGateway(res, GATEWAY_RESPONSES.tooLarge)
      : adminGateway(res, ADMIN_GATEWAY_RESPONSES.tooLarge);
  }
  const origin = publicOriginOf(req.headers, {
    trustProxy: options.trustProxy ?? false,
    fallbackHost: options.listenHost,
  });
  const event = toProxyEvent(req, url, match.route.path, match.pathParameters, body, origin);

  if (match.route.auth === 'public') {
    // No authorizer at all (the invitation link's signature is the credential), as deployed.
    event.requestContext.authorizer = null;
  } else if (match.route.auth === 'scim') {
    const authorizerEvent = toAuthorizerEvent(event);
    // API Gateway's identity source: a request without the header never reaches the authorizer.
    const authorization = headerOf(event.headers, 'authorization');
    let result = authorization ? options.decisions?.get(authorization) : undefined;
    // A cached allow of another tenant's tree is not replayed: the authorizer runs again, so the
    // refusal lands in the path tenant's request log (API Gateway would deny it from the cache
    // unlogged; the answer, a 401, is the same).
    if (result && !allows(result, authorizerEvent.methodArn)) result = undefined;
    try {
      if (!result) {
        const version = options.decisions?.version();
        result = await options.authorizer(authorizerEvent);
        if (authorization && version !== undefined && isAllow(result)) {
          options.decisions?.set(authorization, result, version);
        }
      }
    } catch (error) {
      // As API Gateway: only 'Unauthorized' is a 401; any other failure is AUTHORIZER_FAILURE.
      if ((error as Error | undefined)?.message === 'Unauthorized') {
        return scimGateway(res, GATEWAY_RESPONSES.unauthorized);
      }
      return scimGateway(res, GATEWAY_RESPONSES.authorizerFailure, {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    }
    // As API Gateway evaluates the policy: a (cached) allow of another tenant's tree is denied here.
    if (!allows(result, authorizerEvent.methodArn)) return scimGateway(res, GATEWAY_RESPONSES.accessDenied);
    event.requestContext.authorizer = { ...result.context, principalId: result.principalId };
  } else {
    const authorization = event.headers.Authorization ?? event.headers.authorization ?? '';
    const key = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (key !== options.adminApiKey) return adminGateway(res, ADMIN_GATEWAY_RESPONSES.unauthorized);
    // The admin key may act on any tenant: the claim is the path's tenant, as Cognito would give it.
    event.requestContext.authorizer = {
      claims: { 'custom:tenantId': match.pathParameters.tenantId, sub: 'local-admin' },
    };
  }

  const handler = options.handlers[match.route.handler];
  if (!handler) {
    return isScim
      ? scimGateway(res, GATEWAY_RESPONSES.notFound)
      : adminGateway(res, ADMIN_GATEWAY_RESPONSES.notFound);
  }
  const result = await handler(event);
  const payload = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  send(res, result.statusCode, headers, payload);
}

/**
 * The raw bytes, never decoded here: the deployed API has `binaryMediaTypes: ['*\/*']`, so API
 * Gateway hands every body over base64-encoded and the handlers decode it (toHttpRequest). Decoding
 * the whole buffer once also keeps a multibyte character split across TCP chunks intact.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: size === 0 ? null : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string>,
  body: Buffer | null,
  origin: PublicOrigin,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    // API Gateway sets Host (the name the client used) and X-Forwarded-Proto itself; a client's own
    // X-Forwarded-Proto does not survive. X-Forwarded-Host passes through untouched, as in AWS,
    // where the handlers never read it.
    if (/^(host|x-forwarded-proto)$/i.test(name)) continue;
    const value = req.rawHeaders[i + 1];
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  headers.Host = origin.host;
  multiValueHeaders.Host = [origin.host];
  headers['X-Forwarded-Proto'] = origin.proto;
  multiValueHeaders['X-Forwarded-Proto'] = [origin.proto];
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body: body === null ? null : body.toString('base64'),
    isBase64Encoded: body !== null,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: {},
      domainName: origin.host,
      httpMethod: req.method ?? 'GET',
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['User-Agent'] ?? null,
      } as never,
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      stage: 'local',
    },
  };
}

function headerOf(headers: APIGatewayProxyEvent['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value) return value;
  }
  return undefined;
}

const isAllow = (result: APIGatewayAuthorizerResult): boolean =>
  result.policyDocument.Statement.some((s) => s.Effect === 'Allow');

/** An Allow statement whose Resource (IAM wildcards: `*`, `?`) covers the method ARN, and no Deny that does. */
function allows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  const covers = (statement: APIGatewayAuthorizerResult['policyDocument']['Statement'][number]) => {
    const resources = 'Resource' in statement ? statement.Resource : undefined;
    const list = resources === undefined ? [] : Array.isArray(resources) ? resources : [resources];
    return list.some((pattern) => wildcardRegExp(pattern).test(methodArn));
  };
  const statements = result.policyDocument.Statement;
  if (statements.some((s) => s.Effect === 'Deny' && covers(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && covers(s));
}

function wildcardRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

function toAuthorizerEvent(event: APIGatewayProxyEvent): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:local:000000000000:local/local/${event.httpMethod}${event.path}`,
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers as Record<string, string>,
    multiValueHeaders: event.multiValueHeaders as Record<string, string[]>,
    pathParameters: event.pathParameters as Record<string, string>,
    queryStringParameters: event.queryStringParameters as Record<string, string> | null,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters as Record<string, string[]> | null,
    stageVariables: null,
    requestContext: event.requestContext as never,
  };
}

function scimGateway(
  res: ServerResponse,
  response: { statusCode: number; detail: string },
  headers: Record<string, string> = {},
): void {
  send(
    res,
    response.statusCode,
    { 'Content-Type': 'application/scim+json', ...headers },
    scimGatewayBody(response.detail, response.statusCode),
  );
}

function adminGateway(
  res: ServerResponse,
  response: { statusCode: number; error: string; message: string },
  headers: Record<string, string> = {},
): void {
  send(
    res,
    response.statusCode,
    { 'Content-Type': 'application/json', ...headers },
    JSON.stringify({ error: response.error, message: response.message }),
  );
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  // Every answer, the adapter's own included, carries the headers API Gateway's would.
  res.writeHead(status, {
    ...headers,
    ...COMMON_RESPONSE_HEADERS,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
