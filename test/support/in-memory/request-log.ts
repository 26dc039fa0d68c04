import { InvalidInputError } from '../../../lambdas/domain/errors';
import type { CursorPage } from '../../../lambdas/domain/ports';
import {
  type RequestCounts,
  type RequestLogEntry,
  type RequestLogQuery,
  type RequestLogRepository,
  type StatusClass,
  statsBucketOf,
  statusClassOf,
} from '../../../lambdas/domain/request-log';
import { copy } from './shared';

/**
 * The request log as lambdas/store/request-log-repository.ts keeps it: one entry per (tenant, at,
 * requestId), newest first (at, then requestId, descending), counters per 5-minute bucket added on
 * every append, cursors bound to the tenant and the query. `appended` counts the batches.
 */
export class InMemoryRequestLogRepository implements RequestLogRepository {
  private readonly entries = new Map<string, RequestLogEntry>();
  private readonly buckets = new Map<string, RequestCounts>();
  readonly batches: number[] = [];

  async append(entries: readonly RequestLogEntry[]): Promise<void> {
    this.batches.push(entries.length);
    for (const entry of entries) {
      this.entries.set(`${entry.tenantId}|${entry.at}#${entry.requestId}`, copy(entry));
      const id = `${entry.tenantId}|${statsBucketOf(entry.at)}`;
      const counts = this.buckets.get(id) ?? { total: 0, '2xx': 0, '4xx': 0, '5xx': 0 };
      counts.total++;
      counts[statusClassOf(entry.status)]++;
      this.buckets.set(id, counts);
    }
  }

  private newestFirst(tenantId: string): RequestLogEntry[] {
    const sortKey = (e: RequestLogEntry) => `${e.at}#${e.requestId}`;
    return [...this.entries.values()]
      .filter((e) => e.tenantId === tenantId)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
  }

  async list(tenantId: string, query: RequestLogQuery): Promise<CursorPage<RequestLogEntry>> {
    const scope = JSON.stringify([tenantId, { ...query, cursor: undefined, limit: undefined }]);
    let after: string | undefined;
    if (query.cursor) {
      const [cursorScope, position] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      if (cursorScope !== scope) throw new InvalidInputError('The cursor is not a cursor of this listing');
      after = position;
    }
    const matching = this.newestFirst(tenantId).filter(
      (e) =>
        (query.statusClass === undefined || statusClassOf(e.status) === query.statusClass) &&
        (query.status === undefined || e.status === query.status) &&
        (query.resourceType === undefined || e.resourceType === query.resourceType) &&
        (query.since === undefined || e.at >= query.since) &&
        (query.until === undefined || e.at <= query.until) &&
        (after === undefined || `${e.at}#${e.requestId}` < after),
    );
    const records = matching.slice(0, query.limit);
    const last = records.at(-1);
    const nextCursor =
      matching.length > query.limit && last
        ? Buffer.from(JSON.stringify([scope, `${last.at}#${last.requestId}`])).toString('base64url')
        : null;
    return { records: copy(records), nextCursor };
  }

  async newest(tenantId: string, statusClass?: StatusClass): Promise<RequestLogEntry | undefined> {
    const found = this.newestFirst(tenantId).find(
      (e) => statusClass === undefined || statusClassOf(e.status) === statusClass,
    );
    return found && copy(found);
  }

  async counts(tenantId: string, since: string): Promise<RequestCounts> {
    const total: RequestCounts = { total: 0, '2xx': 0, '4xx': 0, '5xx': 0 };
    for (const [id, counts] of this.buckets) {
      const [tenant, bucket] = id.split('|');
      if (tenant !== tenantId || bucket < since) continue;
      for (const name of ['total', '2xx', '4xx', '5xx'] as const) total[name] += counts[name];
    }
    return total;
  }
}
