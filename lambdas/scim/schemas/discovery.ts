import { BULK_LIMITS } from '../bulk';
import { SCIM_LIMITS } from '../limits';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

/**
 * Builders for the discovery endpoints of RFC 7644 §4 (/ServiceProviderConfig, /ResourceTypes,
 * /Schemas), with the resource shapes of RFC 7643 §5, §6 and §7. Pure: the handler supplies the
 * base URL of the tenant's SCIM API.
 */
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

const trimBase = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The endpoint of a resource type, relative to the base URL (RFC 7644 §3.2: /Users, /Groups). */
export function resourceEndpoint(resourceType: string): string {
  return `/${resourceType}s`;
}

export function serviceProviderConfig(
  baseUrl: string,
  opts: { maxResults: number; maxPayloadBytes: number; documentationUri?: string },
): Record<string, unknown> {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    ...(opts.documentationUri ? { documentationUri: opts.documentationUri } : {}),
    patch: { supported: true },
    // RFC 7644 §3.7.4: both limits are enforced (413); maxPayloadSize is the body limit of every request.
    bulk: { supported: true, maxOperations: BULK_LIMITS.maxOperations, maxPayloadSize: opts.maxPayloadBytes },
    filter: { supported: true, maxResults: opts.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865 §3: both paging methods; cursor paging on unfiltered lists (docs/decisions.md).
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: SCIM_LIMITS.defaultCount,
      maxPageSize: opts.maxResults,
      cursorTimeout: SCIM_LIMITS.cursorTimeoutSeconds,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued in the admin console for one tenant.',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimBase(baseUrl)}/ServiceProviderConfig`,
    },
  };
}

/** One ResourceType resource (RFC 7643 §6). */
export function resourceTypeResource(baseUrl: string, schema: ResourceSchema): Record<string, unknown> {
  const name = schema.resourceType;
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: name,
    name,
    endpoint: resourceEndpoint(name),
    description: schema.core.description,
    schema: schema.core.id,
    ...(schema.extensions.length > 0
      ? { schemaExtensions: schema.extensions.map((e) => ({ schema: e.schema.id, required: e.required })) }
      : {}),
    meta: { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/${name}` },
  };
}

export function resourceTypes(
  baseUrl: string,
  userSchema: ResourceSchema,
  groupSchema: ResourceSchema,
): Record<string, unknown>[] {
  return [resourceTypeResource(baseUrl, userSchema), resourceTypeResource(baseUrl, groupSchema)];
}

/** An attribute as RFC 7643 §7 lists it, in a stable key order; optional keys only when set. */
function renderAttribute(attribute: AttributeDefinition): Record<string, unknown> {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    ...(attribute.canonicalValues ? { canonicalValues: [...attribute.canonicalValues] } : {}),
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.referenceTypes ? { referenceTypes: [...attribute.referenceTypes] } : {}),
    ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(renderAttribute) } : {}),
  };
}

/** One Schema resource (RFC 7643 §7). The common attributes (§3.1) are not listed. */
export function schemaResource(baseUrl: string, schema: SchemaDefinition): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${trimBase(baseUrl)}/Schemas/${schema.id}` },
  };
}

export function schemaResources(baseUrl: string, schemas: SchemaDefinition[]): Record<string, unknown>[] {
  return schemas.map((schema) => schemaResource(baseUrl, schema));
}
