import { excerpt } from '../scim/excerpt';
import { InvalidInputError } from './errors';
import type { CursorPage, TokenRepository } from './ports';
import {
  type RequestCounts,
  type RequestLogEntry,
  type RequestLogQuery,
  type RequestLogRepository,
  type StatusClass,
  statsBucketOf,
  statusClassOf,
} from './request-log';
import { assertTenantId } from './tokens';

/** `limit` of a request-log page: 1-200, 50 by default. */
export const REQUEST_LOG_PAGE = { default: 50, max: 200 } as const;

const RESOURCE_TYPES = [
  'Users',
  'Groups',
  'Bulk',
  'ServiceProviderConfig',
  'ResourceTypes',
  'Schemas',
] as const;
const QUERY_NAMES = ['status', 'resource', 'since', 'until', 'cursor', 'limit'];

/**
 * The query string of `GET …/requests`, checked as a whole: every problem is named in `fields`
 * (parameter -> message), an unknown parameter too, so a typo is not silently ignored.
 */
export function parseRequestLogQuery(query: Record<string, string>): RequestLogQuery {
  const fields: Record<string, string> = {};
  const result: RequestLogQuery = { limit: REQUEST_LOG_PAGE.default };
  for (const name of Object.keys(query)) {
    if (!QUERY_NAMES.includes(name))
      fields[excerpt(name, 32)] = `unknown parameter; use ${QUERY_NAMES.join(', ')}`;
  }
  const { status, resource, since, until, cursor, limit } = query;
  if (status !== undefined) {
    if (/^[245]xx$/.test(status)) result.statusClass = status as StatusClass;
    else if (/^[1-5]\d\d$/.test(status)) {
      result.status = Number(status);
      result.statusClass = statusClassOf(result.status);
    } else fields.status = 'must be 2xx, 4xx, 5xx or a status code such as 409';
  }
  if (resource !== undefined) {
    if ((RESOURCE_TYPES as readonly string[]).includes(resource)) result.resourceType = resource;
    else fields.resource = `must be one of ${RESOURCE_TYPES.join(', ')}`;
  }
  const time = (name: 'since' | 'until', value: string | undefined) => {
    if (value === undefined) return;
    // A date and time with a zone (Z or ±hh:mm): a bare date or local time would be ambiguous.
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      ? Date.parse(value)
      : Number.NaN;
    if (Number.isNaN(ms)) fields[name] = 'must be an ISO 8601 time with a zone, e.g. 2026-12-01T13:00:00Z';
    else result[name] = new Date(ms).toISOString();
  };
  time('since', since);
  time('until', until);
  if (result.since && result.until && result.since > result.until) fields.until = 'must not be before since';
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > REQUEST_LOG_PAGE.max)
      fields.limit = `must be an integer from 1 to ${REQUEST_LOG_PAGE.max}`;
    else result.limit = n;
  }
  if (cursor !== undefined && cursor !== '') result.cursor = cursor;
  if (Object.keys(fields).length > 0) {
    throw new InvalidInputError(`Invalid query: ${Object.keys(fields).join(', ')}`, { fields });
  }
  return result;
}

export interface ConnectionHealth {
  lastRequestAt: string | null;
  lastSuccessAt: string | null;
  lastError: Pick<RequestLogEntry, 'at' | 'status' | 'scimType' | 'detail' | 'method' | 'path'> | null;
  /** Counted in 5-minute buckets: "the last 24 hours" starts at the bucket that holds now - 24 h. */
  last24h: RequestCounts;
  tokens: { id: string; idp: string; lastUsedAt: string | null }[];
}

/** The admin's view of what the IdP did: the request log and the connection's health. */
export class ActivityService {
  constructor(
    private readonly log: RequestLogRepository,
    private readonly tokens: TokenRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async requests(tenantId: string, query: Record<string, string>): Promise<CursorPage<RequestLogEntry>> {
    const tenant = assertTenantId(tenantId);
    return this.log.list(tenant, parseRequestLogQuery(query));
  }

  /**
   * Six bounded reads whatever the tenant's size: the newest entry, the newest of each class, the
   * day's buckets (at most 24 h / 5 min + 1 = 289 items) and the tenant's tokens (at most 2).
   */
  async health(tenantId: string): Promise<ConnectionHealth> {
    const tenant = assertTenantId(tenantId);
    const since = statsBucketOf(new Date(this.now().getTime() - 24 * 60 * 60_000).toISOString());
    const [last, success, clientError, serverError, last24h, tokens] = await Promise.all([
      this.log.newest(tenant),
      this.log.newest(tenant, '2xx'),
      this.log.newest(tenant, '4xx'),
      this.log.newest(tenant, '5xx'),
      this.log.counts(tenant, since),
      this.tokens.list(tenant),
    ]);
    const error = [clientError, serverError]
      .filter((e): e is RequestLogEntry => e !== undefined)
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))[0];
    return {
      lastRequestAt: last?.at ?? null,
      lastSuccessAt: success?.at ?? null,
      lastError: error
        ? {
            at: error.at,
            status: error.status,
            scimType: error.scimType,
            detail: error.detail,
            method: error.method,
            path: error.path,
          }
        : null,
      last24h,
      tokens: tokens.map((t) => ({ id: t.id, idp: t.idp, lastUsedAt: t.lastUsedAt })),
    };
  }
}
