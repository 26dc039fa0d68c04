import { type AdminActor, auditEntries } from './audit';
import type { SettingsRepository } from './ports';
import { parseSettings, type SettingsInput, type TenantSettings } from './settings';
import { assertTenantId } from './tokens';

/**
 * Edit Settings: auto-invite, custom attributes and the invitation email of one tenant. A save is
 * recorded in the audit trail (./audit.ts) with the fields it changed, in the same write.
 */
export class SettingsService {
  constructor(private readonly settings: SettingsRepository) {}

  /** What the console shows: always read from the table (the SCIM functions may cache a few seconds). */
  async get(tenantId: string): Promise<TenantSettings> {
    return (await this.settings.getForUpdate(assertTenantId(tenantId))).settings;
  }

  /**
   * Validated whole before anything is written: an InvalidInputError saves nothing. A save that
   * changes nothing writes and records nothing; one that races another save is a WriteConflictError.
   */
  async save(actor: AdminActor, tenantId: string, body: SettingsInput): Promise<TenantSettings> {
    const tenant = assertTenantId(tenantId);
    const parsed = parseSettings(body);
    const { settings: current, revision } = await this.settings.getForUpdate(tenant);
    const audit = auditEntries.settingsUpdated(actor, tenant, current, parsed);
    if (Object.keys(audit.changes).length === 0) return parsed;
    await this.settings.put(tenant, parsed, { revision, audit });
    return parsed;
  }
}
