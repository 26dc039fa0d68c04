import { tenantExtensionOf } from '../domain/settings';
import { setTenantExtensionSource } from '../domain/tenant-schemas';
import { DynamoSettingsRepository } from './settings-repository';

/**
 * Makes the tenant's custom attributes part of its User schema (/Schemas, /ResourceTypes, and the
 * attributes SCIM writes may carry). One strongly consistent GetItem of the settings item per request.
 */
export function installTenantSchemaSource(): void {
  const settings = new DynamoSettingsRepository();
  setTenantExtensionSource(async (tenantId) => tenantExtensionOf(await settings.get(tenantId)));
}
