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
      const page = await activity.requests(request.pathParameters.tenantId, request.query);
      return {
        status: 200,
        body: { requests: page.records.map(withoutTenant), nextCursor: page.nextCursor },
      };
    },
  },
  [`${ADMIN_BASE}/health`]: {
    GET: async (request) => ({ status: 200, body: await activity.health(request.pathParameters.tenantId) }),
  },
});

/** The tenant is the path's: each record shows the fields of the contract. */
function withoutTenant<T extends { tenantId: string }>({ tenantId: _tenantId, ...rest }: T) {
  return rest;
}
