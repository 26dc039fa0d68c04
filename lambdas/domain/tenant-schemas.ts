import { groupResourceSchema, userResourceSchema } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';

/**
 * The User schema of one tenant: core + enterprise + the tenant's own extension once it has custom
 * attributes (settings issue). Cached briefly per tenant to keep it off every request's path.
 */
export type TenantExtensionSource = (
  tenantId: string,
) => Promise<ResourceSchema['extensions'][number]['schema'] | undefined>;

let extensionSource: TenantExtensionSource = async () => undefined;

export function setTenantExtensionSource(source: TenantExtensionSource): void {
  extensionSource = source;
}

export async function userSchemaFor(tenantId: string): Promise<ResourceSchema> {
  return userResourceSchema(await extensionSource(tenantId));
}

export function groupSchema(): ResourceSchema {
  return groupResourceSchema();
}
