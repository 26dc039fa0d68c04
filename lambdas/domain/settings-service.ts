import type { SettingsRepository } from './ports';
import { parseSettings, type TenantSettings } from './settings';
import { assertTenantId } from './tokens';

/** Edit Settings: auto-invite, custom attributes and the invitation email of one tenant. */
export class SettingsService {
  constructor(private readonly settings: SettingsRepository) {}

  get(tenantId: string): Promise<TenantSettings> {
    return this.settings.get(assertTenantId(tenantId));
  }

  /** Validated whole before anything is written: an InvalidInputError saves nothing. */
  async save(tenantId: string, body: unknown): Promise<TenantSettings> {
    const tenant = assertTenantId(tenantId);
    const parsed = parseSettings(body);
    await this.settings.put(tenant, parsed);
    return parsed;
  }
}
