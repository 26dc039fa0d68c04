import type { IncomingHttpHeaders } from 'node:http';

/**
 * The scheme and host a client used to reach `npm start`, which the adapter hands to the handlers
 * the way API Gateway does (requestContext.domainName, the Host header, X-Forwarded-Proto), so they
 * build `Location`, `meta.location` and the Target SCIM URL from it (lambdas/http/request.ts).
 */
export interface PublicOrigin {
  proto: 'http' | 'https';
  /** host[:port], lower case, syntactically checked. */
  host: string;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`);

/**
 * A host header value a URL may be built from: a DNS name or IPv4 address, or a bracketed IPv6
 * address, with an optional port 1–65535. Anything else (spaces, slashes, `@`, a userinfo, an empty
 * label) is junk that must never reach a `Location` header.
 */
export function isValidHost(value: string): boolean {
  if (value.length === 0 || value.length > 261) return false;
  const match = HOST_PATTERN.exec(value.toLowerCase());
  if (!match) return false;
  const port = match[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** The first value of a header a proxy chain may have made a comma list (`a, b`), trimmed. */
export function firstValue(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  const first = raw?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/**
 * Without a trusted proxy: `http` (the adapter itself speaks plain HTTP) and the request's own Host
 * header. With `trustProxy` (TRUST_PROXY=1, a tunnel such as ngrok or cloudflared in front):
 * X-Forwarded-Host and X-Forwarded-Proto override them, each only when its first value is valid —
 * junk is ignored, never echoed. `fallbackHost` (the listen address) stands in for a missing or
 * invalid Host (HTTP/1.0 clients may send none).
 */
export function publicOriginOf(
  headers: IncomingHttpHeaders,
  options: { trustProxy: boolean; fallbackHost: string },
): PublicOrigin {
  const ownHost = firstValue(headers.host);
  let host = ownHost && isValidHost(ownHost) ? ownHost.toLowerCase() : options.fallbackHost;
  let proto: PublicOrigin['proto'] = 'http';
  if (options.trustProxy) {
    const forwardedHost = firstValue(headers['x-forwarded-host']);
    if (forwardedHost && isValidHost(forwardedHost)) host = forwardedHost.toLowerCase();
    const forwardedProto = firstValue(headers['x-forwarded-proto'])?.toLowerCase();
    if (forwardedProto === 'http' || forwardedProto === 'https') proto = forwardedProto;
  }
  return { proto, host };
}

/**
 * PUBLIC_BASE_URL as `npm start` takes it: an absolute http(s) URL without query or fragment (a
 * path prefix is allowed, e.g. a reverse proxy's `/scim-dev`); trailing slashes are dropped. Unset
 * or empty: undefined. Anything else is refused at startup with a message naming the variable.
 */
export function parsePublicBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`PUBLIC_BASE_URL must be an absolute URL such as https://abc.ngrok.app (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`PUBLIC_BASE_URL must start with http:// or https:// (got "${value}")`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`PUBLIC_BASE_URL takes no query, fragment or credentials (got "${value}")`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** TRUST_PROXY: `1` or `true` trusts X-Forwarded-Host/-Proto; unset, empty, `0` or `false` does not. */
export function parseTrustProxy(value: string | undefined): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (normalized === '' || normalized === '0' || normalized === 'false') return false;
  if (normalized === '1' || normalized === 'true') return true;
  throw new Error(`TRUST_PROXY must be 1 (trust X-Forwarded-Host/-Proto) or 0 (got "${value}")`);
}
