import { parseSettings, type TenantSettings } from '../domain/settings';
import { assertTenantId } from '../domain/tokens';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import { ADMIN_BASE } from '../http/routes';
import { DynamoSettingsRepository } from '../store/settings-repository';

/** Edit Settings (admin API): auto-invite, custom attributes, the invitation email. */
const settings = new DynamoSettingsRepository();

const view = (s: TenantSettings) => ({
  autoInviteUsers: s.autoInviteUsers,
  customAttributes: s.customAttributes,
  inviteEmail: s.inviteEmail,
});

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/settings`]: {
    GET: async (request) => ({
      status: 200,
      body: view(await settings.get(assertTenantId(request.pathParameters.tenantId))),
    }),
    PUT: async (request) => {
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      // Validated whole before anything is written: a 400 saves nothing.
      const parsed = parseSettings(parseJsonBody('admin', request));
      await settings.put(tenantId, parsed);
      return { status: 200, body: view(parsed) };
    },
  },
});
