import { groupResourceSchema, userResourceSchema } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';

/**
 * The User schema of one tenant: core + enterprise + the tenant's own extension once it has custom
 * attributes (Edit Settings): one strongly consistent read of the settings item per request, so a
 * change is seen by the very next request.
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
