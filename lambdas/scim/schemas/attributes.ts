import { ScimError } from '../errors';
import type { AttributePath } from '../filter/ast';
import { COMMON_ATTRIBUTES } from './common';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

export interface ResolvedAttribute {
  /** The schema that defines the top-level attribute. */
  schema: SchemaDefinition;
  /** True when the attribute lives in an extension (stored under the extension URN key). */
  isExtension: boolean;
  /** The top-level attribute. */
  attribute: AttributeDefinition;
  /** The sub-attribute, when the path names one. */
  subAttribute?: AttributeDefinition;
}

const byName = (attributes: readonly AttributeDefinition[] | undefined, name: string) => {
  const lower = name.toLowerCase();
  return attributes?.find((a) => a.name.toLowerCase() === lower);
};

/**
 * Resolves an attribute path against a resource schema, case-insensitively (RFC 7643 §2.1).
 * An unqualified name is looked up in the core schema and the common attributes (id, externalId,
 * meta) first, then in the extensions.
 * Returns undefined when the schema does not define it.
 */
export function findAttribute(resource: ResourceSchema, path: AttributePath): ResolvedAttribute | undefined {
  const schemas: { schema: SchemaDefinition; isExtension: boolean }[] = [
    { schema: resource.core, isExtension: false },
    ...resource.extensions.map((e) => ({ schema: e.schema, isExtension: true })),
  ];
  const candidates = path.schema
    ? schemas.filter((s) => s.schema.id.toLowerCase() === path.schema?.toLowerCase())
    : schemas;
  for (const candidate of candidates) {
    // The common attributes (id, externalId, meta; RFC 7643 §3.1) live next to the core ones.
    const attribute =
      byName(candidate.schema.attributes, path.attribute) ??
      (candidate.isExtension ? undefined : byName(COMMON_ATTRIBUTES, path.attribute));
    if (!attribute) continue;
    if (path.subAttribute === undefined) return { ...candidate, attribute };
    const subAttribute = byName(attribute.subAttributes, path.subAttribute);
    if (!subAttribute) return undefined;
    return { ...candidate, attribute, subAttribute };
  }
  return undefined;
}

/**
 * Splits an attribute name as it appears in `attributes`, `excludedAttributes` or a JSON key
 * (RFC 7644 §3.10 / §3.4.2.5): `[URN ":"] ATTRNAME ["." subAttr]`. ATTRNAME holds no ":" and the URN
 * may hold dots (`...:2.0:User`), so the URN ends at the last colon. Undefined when malformed.
 */
export function parseAttributeName(text: string): AttributePath | undefined {
  const trimmed = text.trim();
  const colon = trimmed.lastIndexOf(':');
  const schema = colon >= 0 ? trimmed.slice(0, colon) : undefined;
  const [attribute, subAttribute, ...rest] = trimmed.slice(colon + 1).split('.');
  if (!attribute || subAttribute === '' || rest.length > 0 || schema === '') return undefined;
  return subAttribute === undefined ? { schema, attribute } : { schema, attribute, subAttribute };
}

export type ResolvedName =
  /** The name is a whole schema URN (`attributes=urn:...:enterprise:2.0:User`). */
  | { kind: 'schema'; schema: SchemaDefinition; isExtension: boolean }
  | ({ kind: 'attribute'; path: AttributePath } & ResolvedAttribute);

/**
 * Resolves a name from `attributes`/`excludedAttributes` or a request body key against the resource
 * schema: a whole schema URN, or an (optionally URN-qualified, optionally dotted) attribute.
 * Case-insensitive (RFC 7643 §2.1); undefined when the schema defines no such thing.
 */
export function resolveAttributeName(resource: ResourceSchema, text: string): ResolvedName | undefined {
  const schema = findSchema(resource, text.trim());
  if (schema) return { kind: 'schema', schema, isExtension: schema !== resource.core };
  const path = parseAttributeName(text);
  if (!path) return undefined;
  const resolved = findAttribute(resource, path);
  return resolved && { kind: 'attribute', path, ...resolved };
}

/** Finds a sub-attribute definition of a complex attribute, case-insensitively. */
export function findSubAttribute(
  attribute: AttributeDefinition,
  name: string,
): AttributeDefinition | undefined {
  return byName(attribute.subAttributes, name);
}

/** Finds the schema definition (core or extension) with that URN, case-insensitively. */
export function findSchema(resource: ResourceSchema, urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase();
  if (resource.core.id.toLowerCase() === lower) return resource.core;
  return resource.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/**
 * Longest string value accepted in any attribute (characters). Bounds a resource well inside
 * DynamoDB's 400 KB item limit; enforced by `checkScalar`, so POST, PUT and PATCH all refuse it.
 */
export const MAX_STRING_LENGTH = 65_536;

/** xsd:dateTime (RFC 7643 §2.3.5): a date, a time, an optional fraction and a zone. */
const XSD_DATETIME = /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

/** Entra sends booleans as "True"/"False" (docs/decisions.md): the one string a boolean accepts. */
const ENTRA_BOOLEAN = /^\s*(true|false)\s*$/i;

/**
 * An unpaired UTF-16 surrogate: JSON's `\ud800` escape can say it, but it is no Unicode character and
 * has no UTF-8 form (RFC 7643 §2.3.1: strings are Unicode, encoded in UTF-8). Stored, DynamoDB keys
 * turn it into U+FFFD, so two different userNames would share one uniqueness guard.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What a JSON value is, for error details (the value itself is not echoed). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * A single (not multi-valued) scalar value checked against the attribute's type (RFC 7643 §2.3),
 * strictly: a number is not a string, a string is not a number. The one documented client quirk
 * kept is Entra's "True"/"False" for a boolean. A mismatch, a string longer than
 * MAX_STRING_LENGTH, or one with an unpaired surrogate, is a 400 invalidValue naming the attribute path.
 */
export function checkScalar(
  definition: AttributeDefinition,
  value: unknown,
  where = definition.name,
): unknown {
  switch (definition.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && ENTRA_BOOLEAN.test(value))
        return value.trim().toLowerCase() === 'true';
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      break;
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'dateTime':
      if (typeof value === 'string' && XSD_DATETIME.test(value) && !Number.isNaN(Date.parse(value))) {
        return value;
      }
      break;
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') {
        if (value.length > MAX_STRING_LENGTH) {
          throw ScimError.badRequest(
            'invalidValue',
            `Attribute '${where}' is longer than ${MAX_STRING_LENGTH} characters`,
          );
        }
        if (LONE_SURROGATE.test(value)) {
          throw ScimError.badRequest(
            'invalidValue',
            `Attribute '${where}' is not well-formed Unicode (it holds an unpaired surrogate)`,
          );
        }
        return value;
      }
      break;
    case 'complex':
      break;
  }
  throw ScimError.badRequest(
    'invalidValue',
    `Attribute '${where}' must be of type ${definition.type}, not ${jsonTypeOf(value)}`,
  );
}

/**
 * Entra may send the enterprise `manager` as a bare id instead of `{"value": "<id>"}`
 * (docs/decisions.md). Accepted for a single-valued complex attribute with a `value` sub-attribute
 * (that is `manager`), and only as a string; every other complex attribute needs an object.
 */
export function bareValueSubAttribute(
  definition: AttributeDefinition,
  value: unknown,
): AttributeDefinition | undefined {
  if (definition.type !== 'complex' || definition.multiValued || typeof value !== 'string') return undefined;
  return findSubAttribute(definition, 'value');
}

/**
 * Coerces a filter's comparison value to the attribute's type, leniently (filter values may be
 * unquoted: `primary eq true`, `value eq 7`). Only for values taken from a filter (a PATCH value
 * filter seeding a new element); request bodies go through `checkScalar`.
 */
export function coerceScalar(
  definition: AttributeDefinition,
  value: unknown,
  where = definition.name,
): unknown {
  if ((definition.type === 'string' || definition.type === 'reference') && typeof value !== 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  if ((definition.type === 'integer' || definition.type === 'decimal') && typeof value === 'string') {
    const number = Number(value.trim());
    if (value.trim() !== '' && Number.isFinite(number)) return checkScalar(definition, number, where);
  }
  return checkScalar(definition, value, where);
}
