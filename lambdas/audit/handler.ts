import { AUDIT_PAGE, type AuditEntry } from '../domain/audit';
import { InvalidInputError } from '../domain/errors';
import { assertTenantId } from '../domain/tokens';
import { createHttpHandler } from '../http/handler';
import type { HttpRequest } from '../http/request';
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

function limitOf(request: HttpRequest): number {
  const raw = request.query.limit;
  if (raw === undefined) return AUDIT_PAGE.default;
  // Digits only: Number('') is 0 and Number(' 5') is 5; neither is a limit someone wrote.
  if (!/^\d{1,4}$/.test(raw)) {
    const message = `limit must be an integer from 1 to ${AUDIT_PAGE.max}`;
    throw new InvalidInputError(message, { fields: { limit: message } });
  }
  return Number(raw);
}

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/audit`]: {
    GET: async (request) => {
      // The tenant is checked before the paging parameters.
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      const page = await audit.list(tenantId, limitOf(request), request.query.cursor || undefined);
      return { status: 200, body: { entries: page.records.map(entryView), nextCursor: page.nextCursor } };
    },
  },
});
