import type { HealthView, RequestLogList } from '../contract/admin-api';
import { assertTenantId } from '../domain/tokens';
import { requestLogQueryOf } from '../http/admin-input';
import { createHttpHandler } from '../http/handler';
import { ADMIN_BASE } from '../http/routes';
import { activityService } from './compose';

/**
 * What the tenant's IdP did (admin API): the provisioning request log, newest first, and the
 * connection's health (docs/operations.md, "Request log").
 */
const activity = activityService();

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/requests`]: {
    GET: async (request) => {
      // The tenant is checked before the query.
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      const page = await activity.requests(tenantId, requestLogQueryOf(request.query));
      const body = { requests: page.records.map(withoutTenant), nextCursor: page.nextCursor };
      return { status: 200, body: body satisfies RequestLogList };
    },
  },
  [`${ADMIN_BASE}/health`]: {
    GET: async (request) => ({
      status: 200,
      body: (await activity.health(request.pathParameters.tenantId)) satisfies HealthView,
    }),
  },
});

/** The tenant is the path's: each record shows the fields of the contract. */
function withoutTenant<T extends { tenantId: string }>({ tenantId: _tenantId, ...rest }: T) {
  return rest;
}
