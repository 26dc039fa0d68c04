import { groupResourceSchema, userResourceSchema } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import type { SettingsRepository } from './ports';
import { tenantExtensionOf } from './settings';

/**
 * The schemas of one tenant. The User schema is core + enterprise + the tenant's own extension once it
 * has custom attributes (Edit Settings): one strongly consistent read of the settings item per
 * request, so a change is seen by the very next request.
 */
export class TenantSchemas {
  constructor(private readonly settings: SettingsRepository) {}

  async userSchema(tenantId: string): Promise<ResourceSchema> {
    return userResourceSchema(tenantExtensionOf(await this.settings.get(tenantId)));
  }

  groupSchema(): ResourceSchema {
    return groupSchema();
  }
}

export function groupSchema(): ResourceSchema {
  return groupResourceSchema();
}
