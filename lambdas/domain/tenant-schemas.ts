import { groupResourceSchema, userResourceSchema } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import type { SettingsRepository } from './ports';
import { type TenantSettings, tenantExtensionOf } from './settings';

/**
 * The schemas of one tenant. The User schema is core + enterprise + the tenant's own extension once it
 * has custom attributes (Edit Settings). The settings come from the repository's `get`, which a warm
 * function caches for a few seconds (lambdas/store/settings-repository.ts, SETTINGS_CACHE_MS); the
 * schema built from one settings object is built once (the cache hands the same object back).
 */
export class TenantSchemas {
  private readonly built = new WeakMap<TenantSettings, ResourceSchema>();

  constructor(private readonly settings: SettingsRepository) {}

  async userSchema(tenantId: string): Promise<ResourceSchema> {
    const settings = await this.settings.get(tenantId);
    let schema = this.built.get(settings);
    if (!schema) {
      schema = userResourceSchema(tenantExtensionOf(settings));
      this.built.set(settings, schema);
    }
    return schema;
  }

  groupSchema(): ResourceSchema {
    return groupSchema();
  }
}

export function groupSchema(): ResourceSchema {
  return groupResourceSchema();
}
