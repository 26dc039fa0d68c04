import type { AttributeDefinition, SchemaDefinition } from './types';

/**
 * Small builders for attribute definitions, so each schema file lists only what differs from the
 * RFC 7643 §2.2 defaults (string, single-valued, optional, caseExact false, readWrite, returned
 * default, uniqueness none).
 */
export type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'description'>>;

export function defineAttribute(
  name: string,
  description: string,
  options: AttributeOptions = {},
): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

export function defineComplex(
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  options: AttributeOptions = {},
): AttributeDefinition {
  return defineAttribute(name, description, { ...options, type: 'complex', subAttributes });
}

/**
 * The usual shape of a multi-valued attribute (RFC 7643 §2.4): `value`, `display`, `type`, `primary`.
 * `value` takes the given type options (e.g. reference/binary); the others follow `mutability`.
 */
export function defineMultiValued(
  name: string,
  description: string,
  options: {
    value?: AttributeOptions;
    typeValues?: string[];
    mutability?: AttributeDefinition['mutability'];
  } = {},
): AttributeDefinition {
  const mutability = options.mutability ?? 'readWrite';
  return defineComplex(
    name,
    description,
    [
      defineAttribute('value', `The value of the ${name} entry.`, { mutability, ...options.value }),
      defineAttribute('display', `A human-readable label for the ${name} entry.`, { mutability }),
      defineAttribute('type', `What kind of ${name} entry this is.`, {
        mutability,
        ...(options.typeValues ? { canonicalValues: options.typeValues } : {}),
      }),
      defineAttribute('primary', `Whether this is the preferred ${name} entry.`, {
        type: 'boolean',
        mutability,
      }),
    ],
    { multiValued: true, mutability },
  );
}

/** Freezes a schema definition deeply: the definitions are shared by every request of a container. */
export function freezeSchema<T extends SchemaDefinition | AttributeDefinition>(value: T): T {
  const visit = (item: unknown) => {
    if (item === null || typeof item !== 'object' || Object.isFrozen(item)) return;
    Object.values(item).forEach(visit);
    Object.freeze(item);
  };
  visit(value);
  return value;
}

/**
 * The common attributes of every resource (RFC 7643 §3.1). They sit at the top level of the resource
 * next to the core attributes, but belong to no schema: /Schemas does not list them. Lookups
 * (findAttribute), projection and normalization consult this list after the core schema.
 */
export const ID_ATTRIBUTE = defineAttribute(
  'id',
  'Identifier of the resource, assigned by the service provider.',
  {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  },
);

export const EXTERNAL_ID_ATTRIBUTE = defineAttribute(
  'externalId',
  "Identifier of the resource in the provisioning client's own system.",
  { caseExact: true },
);

const readOnlyMeta = (name: string, description: string, options: AttributeOptions = {}) =>
  defineAttribute(name, description, { mutability: 'readOnly', ...options });

export const META_ATTRIBUTE = defineComplex(
  'meta',
  'Resource metadata maintained by the service provider.',
  [
    readOnlyMeta('resourceType', 'Name of the resource type of the resource.', { caseExact: true }),
    readOnlyMeta('created', 'When the resource was added to the service provider.', { type: 'dateTime' }),
    readOnlyMeta('lastModified', 'When the resource was last changed.', { type: 'dateTime' }),
    readOnlyMeta('location', 'URI of the resource.', {
      type: 'reference',
      referenceTypes: ['uri'],
      caseExact: true,
    }),
    readOnlyMeta('version', 'Version (entity tag) of the resource.', { caseExact: true }),
  ],
  { mutability: 'readOnly' },
);

export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  ID_ATTRIBUTE,
  EXTERNAL_ID_ATTRIBUTE,
  META_ATTRIBUTE,
];
COMMON_ATTRIBUTES.forEach(freezeSchema);
