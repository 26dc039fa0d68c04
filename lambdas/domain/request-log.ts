import { excerpt } from '../scim/excerpt';
import type { CursorPage } from './ports';

/**
 * The provisioning request log (docs/data-model.md, "Request log"): one entry per SCIM request a
 * tenant's IdP makes, the refused ones included. An entry carries the path only (never the query
 * string, which can hold filters with personal data) and no header but the User-Agent.
 */
export interface RequestLogEntry {
  tenantId: string;
  /** ISO 8601 with milliseconds, UTC (`Date.toISOString()`). */
  at: string;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  /** Users, Groups, Bulk, Schemas, ... from the route; null when the route names none. */
  resourceType: string | null;
  resourceId: string | null;
  tokenId: string | null;
  idp: string | null;
  userAgent: string | null;
  latencyMs: number;
  requestId: string;
}

/** How a status is counted: an error of the client (4xx) or of the service (5xx), or not an error. */
export type StatusClass = '2xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['2xx', '4xx', '5xx'];

/** 1xx-3xx (a 304 Not Modified too) count as success: the client got what it asked for. */
export function statusClassOf(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return '2xx';
}

export const REQUEST_LOG_LIMITS = {
  path: 1024,
  detail: 512,
  userAgent: 256,
  scimType: 64,
  method: 16,
  resourceType: 64,
  id: 128,
  requestId: 128,
} as const;

/** The default retention of log entries (DynamoDB TTL); REQUEST_LOG_RETENTION_DAYS overrides it. */
export const DEFAULT_REQUEST_LOG_RETENTION_DAYS = 30;
/** Statistics buckets: 5 minutes wide, kept 2 days (the health view reads the last 24 hours). */
export const STATS_BUCKET_MINUTES = 5;
export const STATS_RETENTION_DAYS = 2;

const TENANT_ID = /^[a-z0-9-]{1,63}$/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const METHOD = /^[A-Z]{1,16}$/;

export const isLoggableTenant = (tenantId: string | undefined): tenantId is string =>
  tenantId !== undefined && TENANT_ID.test(tenantId);

/** A short, control-character-free copy of a text (null stays null). */
export function clip(text: unknown, max: number): string | null {
  if (text === undefined || text === null) return null;
  return excerpt(String(text), max);
}

/** The path part of a URL or path: never the query string or a fragment. */
export function pathOnly(path: string): string {
  const cut = path.search(/[?#]/);
  return excerpt(cut < 0 ? path : path.slice(0, cut), REQUEST_LOG_LIMITS.path);
}

/**
 * The one line a function writes per request (stdout; a CloudWatch Logs subscription filter picks it
 * up): `{"requestLog": {...}}` and a newline.
 */
export const REQUEST_LOG_LINE_KEY = 'requestLog';

export function requestLogLine(entry: RequestLogEntry): string {
  return `${JSON.stringify({ [REQUEST_LOG_LINE_KEY]: entry })}\n`;
}

/** The entry of one log line (anything before the JSON object is ignored), or undefined. */
export function entryOfLine(message: string): RequestLogEntry | undefined {
  const start = message.indexOf(`{"${REQUEST_LOG_LINE_KEY}":`);
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
  return validEntry((parsed as Record<string, unknown>)[REQUEST_LOG_LINE_KEY]);
}

/**
 * The entry, when `value` is one: every field present with its type, the tenant id well formed, `at`
 * an ISO time, the status an HTTP status; texts clipped to their limits, the path cut at `?`.
 * Anything else is undefined (the writer drops it rather than store what it cannot trust).
 */
export function validEntry(value: unknown): RequestLogEntry | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string';
  const textOrNull = (x: unknown) => x === null || typeof x === 'string';
  if (!text(v.tenantId) || !isLoggableTenant(v.tenantId as string)) return undefined;
  if (!text(v.at) || !ISO_MILLIS.test(v.at as string) || Number.isNaN(Date.parse(v.at as string)))
    return undefined;
  if (!text(v.method) || !METHOD.test(v.method as string)) return undefined;
  if (!text(v.path) || !(v.path as string).startsWith('/')) return undefined;
  if (!Number.isInteger(v.status) || (v.status as number) < 100 || (v.status as number) > 599)
    return undefined;
  if (typeof v.latencyMs !== 'number' || !Number.isFinite(v.latencyMs) || v.latencyMs < 0) return undefined;
  if (!text(v.requestId) || (v.requestId as string).length === 0) return undefined;
  const optional = ['scimType', 'detail', 'resourceType', 'resourceId', 'tokenId', 'idp', 'userAgent'];
  if (!optional.every((name) => textOrNull(v[name]))) return undefined;
  const L = REQUEST_LOG_LIMITS;
  return {
    tenantId: v.tenantId as string,
    at: v.at as string,
    method: v.method as string,
    path: pathOnly(v.path as string),
    status: v.status as number,
    scimType: clip(v.scimType, L.scimType),
    detail: clip(v.detail, L.detail),
    resourceType: clip(v.resourceType, L.resourceType),
    resourceId: clip(v.resourceId, L.id),
    tokenId: clip(v.tokenId, L.id),
    idp: clip(v.idp, L.scimType),
    userAgent: clip(v.userAgent, L.userAgent),
    latencyMs: Math.round((v.latencyMs as number) * 10) / 10,
    requestId: clip(v.requestId, L.requestId) as string,
  };
}

/** What a listing of the log asks for (already validated: requestLogQueryOf in lambdas/http/admin-input.ts). */
export interface RequestLogQuery {
  statusClass?: StatusClass;
  /** An exact status code (its class is `statusClass`). */
  status?: number;
  resourceType?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

/** Per-tenant counters of a time range (the 5-minute buckets summed). */
export interface RequestCounts {
  total: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
}

/**
 * Storage of the request log. `append` is the writer's (idempotent per entry: the same request id at
 * the same time is one item; the counters are added). The reads are all bounded: one page, one item,
 * at most one day of buckets.
 */
export interface RequestLogRepository {
  append(entries: readonly RequestLogEntry[]): Promise<void>;
  /** Newest first; a cursor of another tenant or listing is an InvalidInputError. */
  list(tenantId: string, query: RequestLogQuery): Promise<CursorPage<RequestLogEntry>>;
  /** The newest entry, of one status class or of any. */
  newest(tenantId: string, statusClass?: StatusClass): Promise<RequestLogEntry | undefined>;
  /** The counters of the buckets that start at or after `since` (ISO). */
  counts(tenantId: string, since: string): Promise<RequestCounts>;
}

/** Where a function hands its entries: stdout (AWS), the table in batches (local), or nowhere. */
export interface RequestLogSink {
  /** Never throws and never waits: the request's answer does not depend on the log. */
  record(entry: RequestLogEntry): void;
  /** Writes what is still buffered (local stop; a no-op for stdout). */
  flush(): Promise<void>;
}

/** The start of the 5-minute bucket that holds `at` (ISO). */
export function statsBucketOf(at: string): string {
  const ms = Date.parse(at);
  const width = STATS_BUCKET_MINUTES * 60_000;
  return new Date(Math.floor(ms / width) * width).toISOString();
}
