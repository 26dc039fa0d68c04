import { defineAttribute, freezeSchema } from './common';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user';
import { GROUP_SCHEMA } from './group';
import type { ResourceSchema, SchemaDefinition } from './types';
import { USER_SCHEMA } from './user';

export { COMMON_ATTRIBUTES, EXTERNAL_ID_ATTRIBUTE, ID_ATTRIBUTE, META_ATTRIBUTE } from './common';
export { ENTERPRISE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA_URN } from './enterprise-user';
export { GROUP_SCHEMA, GROUP_SCHEMA_URN } from './group';
export type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';
export { USER_SCHEMA, USER_SCHEMA_URN } from './user';

/**
 * URN of the per-tenant extension holding the custom attributes an admin defines, following the
 * `urn:ietf:params:scim:schemas:extension:<product>:2.0:User` pattern of RFC 7643 §3.3 / §10.2.
 */
export const TENANT_EXTENSION_URN = 'urn:ietf:params:scim:schemas:extension:scimaws:2.0:User';

/** RFC 7643 §2.1 ATTRNAME: an ALPHA followed by ALPHA, DIGIT, "-" or "_". */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME.test(name);
}

/**
 * Builds a tenant's custom-attribute extension: every attribute a single-valued, readWrite,
 * returned-by-default string. Names that are not valid ATTRNAMEs, or repeat an earlier name
 * case-insensitively (§2.1), are left out rather than failing every request of the tenant; the
 * settings API should reject them up front with `isValidAttributeName`.
 */
export function tenantExtensionSchema(
  urn: string,
  attributes: { name: string; description?: string }[],
): SchemaDefinition {
  const seen = new Set<string>();
  const definitions = attributes.flatMap(({ name, description }) => {
    const lower = name.toLowerCase();
    if (!isValidAttributeName(name) || seen.has(lower)) return [];
    seen.add(lower);
    return [defineAttribute(name, description ?? `Custom attribute ${name}.`)];
  });
  return freezeSchema({
    id: urn,
    name: 'TenantUser',
    description: 'Custom user attributes defined by the tenant',
    attributes: definitions,
  });
}

/**
 * The User resource of one tenant: core schema, Enterprise User extension, and the tenant's own
 * extension when it defines at least one attribute. Extensions are optional (RFC 7643 §6).
 */
export function userResourceSchema(tenantExtension?: SchemaDefinition): ResourceSchema {
  const extensions = [{ schema: ENTERPRISE_USER_SCHEMA, required: false }];
  if (tenantExtension && tenantExtension.attributes.length > 0) {
    extensions.push({ schema: tenantExtension, required: false });
  }
  return { resourceType: 'User', core: USER_SCHEMA, extensions };
}

/** The Group resource: core schema only. Entra's extra Microsoft schema URN on groups is ignored. */
export function groupResourceSchema(): ResourceSchema {
  return { resourceType: 'Group', core: GROUP_SCHEMA, extensions: [] };
}
