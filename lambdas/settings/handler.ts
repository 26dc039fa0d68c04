import type { SettingsView } from '../contract/admin-api';
import type { TenantSettings } from '../domain/settings';
import { SettingsService } from '../domain/settings-service';
import { assertTenantId } from '../domain/tokens';
import { settingsInputOf } from '../http/admin-input';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import { adminActorOf } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { DynamoSettingsRepository } from '../store/settings-repository';

/** Edit Settings (admin API): auto-invite, custom attributes, the invitation email. */
const settings = new SettingsService(new DynamoSettingsRepository());

const view = (s: TenantSettings): SettingsView => ({
  autoInviteUsers: s.autoInviteUsers,
  customAttributes: s.customAttributes,
  inviteEmail: s.inviteEmail,
});

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/settings`]: {
    GET: async (request) => ({
      status: 200,
      body: view(await settings.get(request.pathParameters.tenantId)),
    }),
    PUT: async (request) => {
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      return {
        status: 200,
        body: view(
          await settings.save(adminActorOf(request), tenantId, settingsInputOf(parseJsonBody(request))),
        ),
      };
    },
  },
});
