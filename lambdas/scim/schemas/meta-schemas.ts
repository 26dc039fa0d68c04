import { type AttributeOptions, defineAttribute, defineComplex, freezeSchema } from './common';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './discovery';
import type { AttributeDefinition, SchemaDefinition } from './types';

/**
 * The schemas of the discovery resources themselves (RFC 7643 §5, §6, §7; representation in §8.7.2):
 * /Schemas lists them next to User, EnterpriseUser and Group (RFC 7644 §4), so a client can read
 * what /ServiceProviderConfig, /ResourceTypes and /Schemas answer. Every attribute is readOnly:
 * the service provider sets them.
 */

const readOnly = (name: string, description: string, options: AttributeOptions = {}) =>
  defineAttribute(name, description, { mutability: 'readOnly', ...options });

const readOnlyComplex = (
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  options: AttributeOptions = {},
) => defineComplex(name, description, subAttributes, { mutability: 'readOnly', ...options });

const supported = (what: string) =>
  readOnly('supported', `Whether ${what} is supported.`, { type: 'boolean', required: true });

const externalReference = (name: string, description: string) =>
  readOnly(name, description, { type: 'reference', referenceTypes: ['external'] });

/** RFC 7643 §5 (ServiceProviderConfig). */
export const SERVICE_PROVIDER_CONFIG_SCHEMA_DEFINITION: SchemaDefinition = freezeSchema({
  id: SERVICE_PROVIDER_CONFIG_SCHEMA,
  name: 'Service Provider Configuration',
  description: "Schema for representing the service provider's configuration",
  attributes: [
    externalReference('documentationUri', "An HTTP-addressable URL pointing to the service provider's help."),
    readOnlyComplex(
      'patch',
      'A complex type that specifies PATCH configuration options.',
      [supported('PATCH')],
      {
        required: true,
      },
    ),
    readOnlyComplex(
      'bulk',
      'A complex type that specifies bulk configuration options.',
      [
        supported('bulk'),
        readOnly('maxOperations', 'An integer value specifying the maximum number of operations.', {
          type: 'integer',
          required: true,
        }),
        readOnly('maxPayloadSize', 'An integer value specifying the maximum payload size in bytes.', {
          type: 'integer',
          required: true,
        }),
      ],
      { required: true },
    ),
    readOnlyComplex(
      'filter',
      'A complex type that specifies FILTER options.',
      [
        supported('filtering'),
        readOnly('maxResults', 'An integer value specifying the maximum number of resources returned.', {
          type: 'integer',
          required: true,
        }),
      ],
      { required: true },
    ),
    readOnlyComplex(
      'changePassword',
      'A complex type that specifies configuration options related to changing a password.',
      [supported('changing a password')],
      { required: true },
    ),
    readOnlyComplex('sort', 'A complex type that specifies sort result options.', [supported('sorting')], {
      required: true,
    }),
    readOnlyComplex(
      'etag',
      'A complex type that specifies ETag configuration options.',
      [supported('ETags')],
      {
        required: true,
      },
    ),
    // RFC 9865 §3: which paging methods the service offers, and their sizes and cursor lifetime.
    readOnlyComplex(
      'pagination',
      'A complex type that specifies pagination configuration options (RFC 9865).',
      [
        readOnly('cursor', 'Whether cursor-based pagination is supported.', {
          type: 'boolean',
          required: true,
        }),
        readOnly('index', 'Whether index-based pagination is supported.', {
          type: 'boolean',
          required: true,
        }),
        readOnly('defaultPaginationMethod', 'The method used when a request names none.', {
          canonicalValues: ['cursor', 'index'],
        }),
        readOnly('defaultPageSize', 'The page size when a request sets no count.', { type: 'integer' }),
        readOnly('maxPageSize', 'The largest page size honoured.', { type: 'integer' }),
        readOnly('cursorTimeout', 'Seconds a cursor stays valid after it is issued.', { type: 'integer' }),
      ],
    ),
    readOnlyComplex(
      'authenticationSchemes',
      'A complex type that specifies supported authentication scheme properties.',
      [
        readOnly('type', 'The authentication scheme.', {
          required: true,
          canonicalValues: ['oauth', 'oauth2', 'oauthbearertoken', 'httpbasic', 'httpdigest'],
        }),
        readOnly('name', 'The common authentication scheme name, e.g., HTTP Basic.', { required: true }),
        readOnly('description', 'A description of the authentication scheme.', { required: true }),
        externalReference(
          'specUri',
          "An HTTP-addressable URL pointing to the authentication scheme's specification.",
        ),
        externalReference(
          'documentationUri',
          "An HTTP-addressable URL pointing to the authentication scheme's usage documentation.",
        ),
        readOnly('primary', 'Whether this is the preferred authentication scheme.', { type: 'boolean' }),
      ],
      { multiValued: true, required: true },
    ),
  ],
});

const uriReference = (name: string, description: string, options: AttributeOptions = {}) =>
  readOnly(name, description, { type: 'reference', referenceTypes: ['uri'], ...options });

/** RFC 7643 §6 (ResourceType). */
export const RESOURCE_TYPE_SCHEMA_DEFINITION: SchemaDefinition = freezeSchema({
  id: RESOURCE_TYPE_SCHEMA,
  name: 'ResourceType',
  description: 'Specifies the schema that describes a SCIM resource type',
  attributes: [
    readOnly('id', "The resource type's server unique id. May be the same as the 'name' attribute."),
    readOnly(
      'name',
      "The resource type name. When applicable, service providers MUST specify the name, e.g., 'User'.",
      {
        required: true,
      },
    ),
    readOnly('description', "The resource type's human-readable description."),
    uriReference(
      'endpoint',
      "The resource type's HTTP-addressable endpoint relative to the Base URL, e.g., '/Users'.",
      {
        required: true,
      },
    ),
    uriReference('schema', "The resource type's primary/base schema URI.", {
      required: true,
      caseExact: true,
    }),
    readOnlyComplex(
      'schemaExtensions',
      "A list of URIs of the resource type's schema extensions.",
      [
        uriReference('schema', 'The URI of a schema extension.', { required: true, caseExact: true }),
        readOnly(
          'required',
          'A Boolean value that specifies whether or not the schema extension is required for the resource type.',
          { type: 'boolean', required: true },
        ),
      ],
      { multiValued: true },
    ),
  ],
});

/** The attributes that describe one attribute (RFC 7643 §7); `subAttributes` nests them once more. */
const attributeDescriptors = (): AttributeDefinition[] => [
  readOnly('name', "The attribute's name.", { required: true, caseExact: true }),
  readOnly('type', "The attribute's data type.", {
    required: true,
    canonicalValues: [
      'string',
      'complex',
      'boolean',
      'decimal',
      'integer',
      'dateTime',
      'reference',
      'binary',
    ],
  }),
  readOnly('multiValued', "A Boolean value indicating an attribute's plurality.", {
    type: 'boolean',
    required: true,
  }),
  readOnly('description', 'A human-readable description of the attribute.'),
  readOnly('required', 'A boolean value indicating whether or not the attribute is required.', {
    type: 'boolean',
  }),
  readOnly('canonicalValues', 'A collection of canonical values.', { multiValued: true }),
  readOnly('caseExact', 'A Boolean value indicating whether or not a string attribute is case sensitive.', {
    type: 'boolean',
  }),
  readOnly('mutability', 'Indicates whether or not an attribute is modifiable.', {
    canonicalValues: ['readOnly', 'readWrite', 'immutable', 'writeOnly'],
  }),
  readOnly('returned', 'Indicates when an attribute is returned in a response (e.g., to a query).', {
    canonicalValues: ['always', 'never', 'default', 'request'],
  }),
  readOnly('uniqueness', 'Indicates how unique a value must be.', {
    canonicalValues: ['none', 'server', 'global'],
  }),
  readOnly(
    'referenceTypes',
    "Used only with an attribute of type 'reference'. Specifies a SCIM resourceType that a reference attribute MAY refer to, e.g., 'User'.",
    {
      multiValued: true,
    },
  ),
];

/** RFC 7643 §7 (Schema). */
export const SCHEMA_SCHEMA_DEFINITION: SchemaDefinition = freezeSchema({
  id: SCHEMA_SCHEMA,
  name: 'Schema',
  description: 'Specifies the schema attribute definitions',
  attributes: [
    readOnly('id', 'The unique URI of the schema.', { required: true, caseExact: true }),
    readOnly('name', "The schema's human-readable name."),
    readOnly('description', "The schema's human-readable description."),
    readOnlyComplex(
      'attributes',
      'A complex attribute that includes the attributes of a schema.',
      [
        ...attributeDescriptors(),
        readOnlyComplex(
          'subAttributes',
          'Used to define the sub-attributes of a complex attribute.',
          attributeDescriptors(),
          {
            multiValued: true,
          },
        ),
      ],
      { multiValued: true, required: true },
    ),
  ],
});

/** The three, in the order /Schemas lists them after the resource schemas. */
export const DISCOVERY_SCHEMAS: readonly SchemaDefinition[] = [
  SERVICE_PROVIDER_CONFIG_SCHEMA_DEFINITION,
  RESOURCE_TYPE_SCHEMA_DEFINITION,
  SCHEMA_SCHEMA_DEFINITION,
];
