import type { CursorPage, TokenRepository } from './ports';
import {
  type RequestCounts,
  type RequestLogEntry,
  type RequestLogQuery,
  type RequestLogRepository,
  statsBucketOf,
} from './request-log';
import { assertTenantId } from './tokens';

/** `limit` of a request-log page: 1-200, 50 by default. */
export const REQUEST_LOG_PAGE = { default: 50, max: 200 } as const;

/** The resource types a request-log query may name (`resource=`). */
export const REQUEST_LOG_RESOURCES = [
  'Users',
  'Groups',
  'Bulk',
  'ServiceProviderConfig',
  'ResourceTypes',
  'Schemas',
] as const;

export interface ConnectionHealth {
  /** The newest entry (a refused request too): "Okta · last request 2 minutes ago · 200". */
  lastRequest: Pick<RequestLogEntry, 'at' | 'status' | 'method' | 'path' | 'idp' | 'detail'> | null;
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

  /** `query` as the adapter checked it (lambdas/http/admin-input.ts). */
  async requests(tenantId: string, query: RequestLogQuery): Promise<CursorPage<RequestLogEntry>> {
    const tenant = assertTenantId(tenantId);
    return this.log.list(tenant, query);
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
      lastRequest: last
        ? {
            at: last.at,
            status: last.status,
            method: last.method,
            path: last.path,
            idp: last.idp,
            detail: last.detail,
          }
        : null,
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
