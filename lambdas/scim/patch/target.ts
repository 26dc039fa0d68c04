/**
 * PATCH targets (RFC 7644 §3.5.2, §3.10): resolution of a path, or of a key of a path-less value,
 * to the schema attribute it names, and the checks and meaning of value filters.
 */
import { ScimError } from '../errors';
import { excerpt } from '../excerpt';
import type { AttributePath, Filter } from '../filter/ast';
import { coerceScalar, findAttribute, findSubAttribute } from '../schemas/attributes';
import { COMMON_ATTRIBUTES } from '../schemas/common';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from '../schemas/types';
import type { JsonObject } from './keys';
import { deepEqual } from './values';

/** A resolved PATCH target. */
export interface Target {
  /** Set when the attribute lives in an extension, stored under the extension's URN key. */
  extension?: SchemaDefinition;
  attribute: AttributeDefinition;
  subAttribute?: AttributeDefinition;
  valueFilter?: Filter;
}

/** Splits a key of a path-less value into schema URN, attribute and sub-attribute. */
export function splitAttributeKey(
  schema: ResourceSchema,
  key: string,
  scope: SchemaDefinition | undefined,
): { schemaUrn?: string; attribute: string; subAttribute?: string } {
  let schemaUrn = scope?.id;
  let rest = key;
  if (/^urn:/i.test(key)) {
    const lower = key.toLowerCase();
    const owner = [schema.core, ...schema.extensions.map((e) => e.schema)].find((s) =>
      lower.startsWith(`${s.id.toLowerCase()}:`),
    );
    if (!owner) throw ScimError.badRequest('invalidPath', `Unknown attribute '${excerpt(key)}'`);
    if (scope && owner !== scope) {
      throw ScimError.badRequest(
        'invalidPath',
        `Attribute '${excerpt(key)}' does not belong to schema '${scope.id}'`,
      );
    }
    schemaUrn = owner.id;
    rest = key.slice(owner.id.length + 1);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) return { schemaUrn, attribute: rest };
  return { schemaUrn, attribute: rest.slice(0, dot), subAttribute: rest.slice(dot + 1) };
}

/** The extension whose URN is exactly `path` (case-insensitively), if any. */
export function findExtension(schema: ResourceSchema, path: string): SchemaDefinition | undefined {
  const lower = path.toLowerCase();
  return schema.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/**
 * Resolves a top-level attribute: the resource's schemas first, then the common attributes of
 * RFC 7643 §3.1 (`id`, `externalId`, `meta`). `schemas` is reported apart: PATCH never writes it.
 */
export function resolveAttribute(
  schema: ResourceSchema,
  schemaUrn: string | undefined,
  name: string,
): { extension?: SchemaDefinition; attribute: AttributeDefinition } | 'schemas' | undefined {
  const path: AttributePath = { attribute: name };
  if (schemaUrn !== undefined) path.schema = schemaUrn;
  const found = findAttribute(schema, path);
  if (found) return found.isExtension ? { extension: found.schema, attribute: found.attribute } : found;
  const inCore = schemaUrn === undefined || schemaUrn.toLowerCase() === schema.core.id.toLowerCase();
  if (!inCore) return undefined;
  if (name.toLowerCase() === 'schemas') return 'schemas';
  const common = COMMON_ATTRIBUTES.find((a) => a.name.toLowerCase() === name.toLowerCase());
  return common ? { attribute: common } : undefined;
}

export function resolveSubAttribute(attribute: AttributeDefinition, name: string): AttributeDefinition {
  const sub = attribute.type === 'complex' ? findSubAttribute(attribute, name) : undefined;
  if (!sub)
    throw ScimError.badRequest('invalidPath', `Unknown attribute '${attribute.name}.${excerpt(name)}'`);
  return sub;
}

export function describePath(path: AttributePath): string {
  const name = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.schema ? `${path.schema}:${name}` : name;
}

/**
 * The attributes a value must have to match a filter made only of `eq` comparisons joined by `and`
 * (`type eq "work"`), coerced to their types; undefined when the filter says anything else.
 */
export function equalityAttributes(filter: Filter, attribute: AttributeDefinition): JsonObject | undefined {
  switch (filter.kind) {
    case 'compare': {
      if (filter.op !== 'eq' || filter.value === null || filter.path.subAttribute !== undefined)
        return undefined;
      const sub =
        attribute.type === 'complex'
          ? findSubAttribute(attribute, filter.path.attribute)
          : filter.path.attribute.toLowerCase() === 'value'
            ? attribute
            : undefined;
      if (!sub) return undefined;
      const name = attribute.type === 'complex' ? sub.name : 'value';
      return { [name]: coerceScalar(sub, filter.value, `${attribute.name}.${name}`) };
    }
    case 'and': {
      const left = equalityAttributes(filter.left, attribute);
      const right = equalityAttributes(filter.right, attribute);
      if (!left || !right) return undefined;
      for (const key of Object.keys(right)) {
        if (key in left && !deepEqual(left[key], right[key])) return undefined;
      }
      return { ...left, ...right };
    }
    default:
      return undefined;
  }
}

/** Every attribute a value filter names must be a sub-attribute of the filtered attribute. */
export function validateValueFilter(filter: Filter, attribute: AttributeDefinition): void {
  switch (filter.kind) {
    case 'compare':
    case 'present': {
      const { path } = filter;
      const known =
        path.subAttribute === undefined &&
        (attribute.type === 'complex'
          ? findSubAttribute(attribute, path.attribute) !== undefined
          : path.attribute.toLowerCase() === 'value');
      if (!known) {
        throw ScimError.badRequest(
          'invalidFilter',
          `Unknown attribute '${excerpt(describePath(path))}' in the value filter of '${attribute.name}'`,
        );
      }
      return;
    }
    case 'and':
    case 'or':
      validateValueFilter(filter.left, attribute);
      validateValueFilter(filter.right, attribute);
      return;
    case 'not':
      validateValueFilter(filter.filter, attribute);
      return;
    case 'valuePath':
      throw ScimError.badRequest(
        'invalidFilter',
        `A value filter of '${attribute.name}' cannot nest another one`,
      );
  }
}

export function noTarget(attribute: AttributeDefinition): ScimError {
  return ScimError.badRequest('noTarget', `The value filter matched no value of '${attribute.name}'`);
}
