import type { AuditList } from '../contract/admin-api';
import type { AuditEntry } from '../domain/audit';
import { assertTenantId } from '../domain/tokens';
import { auditParamsOf } from '../http/admin-input';
import { createHttpHandler } from '../http/handler';
import { ADMIN_BASE } from '../http/routes';
import { auditTrail } from './compose';

/**
 * The admin audit trail (admin API): who changed the tenant's tokens and settings, what changed, when,
 * in which request — newest first, paged by `cursor` (the `nextCursor` of the page before), `limit`
 * entries a page (1-100, default 50).
 */
const audit = auditTrail();

const entryView = (entry: AuditEntry) => ({
  at: entry.at,
  actor: entry.actor,
  action: entry.action,
  target: entry.target,
  changes: entry.changes,
  requestId: entry.requestId,
});

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/audit`]: {
    GET: async (request) => {
      // The tenant is checked before the paging parameters.
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      const { limit, cursor } = auditParamsOf(request.query);
      const page = await audit.list(tenantId, limit, cursor);
      const body = { entries: page.records.map(entryView), nextCursor: page.nextCursor } satisfies AuditList;
      return { status: 200, body };
    },
  },
});
