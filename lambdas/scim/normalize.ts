import { ScimError } from './errors';
import { checkIdentifier } from './identifiers';
import {
  bareValueSubAttribute,
  checkScalar,
  findSchema,
  findSubAttribute,
  jsonTypeOf,
  resolveAttributeName,
} from './schemas/attributes';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schemas/types';

/**
 * Turns a POST (RFC 7644 §3.3) or PUT (§3.5.1) body into a resource with canonical attribute names
 * and typed values, leniently enough for what Okta and Entra really send:
 * - names match case-insensitively (RFC 7643 §2.1) and are rewritten to the schema's spelling,
 *   also inside extension objects keyed by their (case-insensitive) URN (§3.3); a URN-qualified or
 *   dotted top-level key (`urn:...:enterprise:2.0:User:department`, `name.givenName`) is accepted too;
 * - `null` means absent (§2.5; Entra sends nulls and `"$ref": null`);
 * - readOnly attributes are dropped without error (§2.2; Okta's PUT echoes id, meta and groups);
 * - unknown attributes and unknown schema URNs (Entra adds a Microsoft URN on groups) are dropped;
 * - `password` (writeOnly) is kept for the caller to hash or discard;
 * - every value must have its attribute's type (RFC 7643 §2.3) and shape: a multi-valued attribute
 *   an array, a single-valued one not, a complex one an object; a mismatch is a 400 invalidValue
 *   naming the attribute path. The documented client quirks are the only exceptions
 *   (docs/decisions.md): Entra's "True"/"False" for a boolean, and a bare string for the enterprise
 *   `manager`, which becomes `{value}`;
 * - `userName`, `externalId` and a group's `displayName` refuse control and invisible characters,
 *   email values refuse control characters (`identifiers.ts`);
 * - of several `primary: true` values the first one stays primary (§2.4 allows one).
 * Required attributes must be present and non-blank; a string longer than MAX_STRING_LENGTH is
 * refused, to keep every resource well inside DynamoDB's 400 KB item limit.
 * The result carries `schemas`: the core URN and the URNs of the extensions present.
 */
export type NormalizeMode = 'create' | 'replace';

export { MAX_STRING_LENGTH } from './schemas/attributes';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const invalidValue = (detail: string) => ScimError.badRequest('invalidValue', detail);

const hasValue = (value: unknown) => value !== undefined && value !== null;

const multiValuedError = (where: string, value: unknown) =>
  invalidValue(`Attribute '${where}' is multi-valued: its value must be an array, not ${jsonTypeOf(value)}`);

/** A value of a sub-attribute, which may itself be multi-valued but never complex (RFC 7643 §2.3.8). */
function normalizeSubValue(definition: AttributeDefinition, value: unknown, where: string): unknown {
  if (!definition.multiValued) return checkScalar(definition, value, where);
  if (!Array.isArray(value)) throw multiValuedError(where, value);
  return value.filter(hasValue).map((item, index) => checkScalar(definition, item, `${where}[${index}]`));
}

/** One value of a complex attribute: known, writable sub-attributes under their canonical names. */
function normalizeComplex(definition: AttributeDefinition, value: unknown, where: string): Json | undefined {
  const valueSub = bareValueSubAttribute(definition, value);
  if (valueSub) {
    // Entra may send `"manager": "<id>"` instead of `{"value": "<id>"}`.
    if (value === '') return undefined;
    value = { [valueSub.name]: value };
  }
  if (!isObject(value)) {
    throw invalidValue(`Attribute '${where}' must be of type complex (an object), not ${jsonTypeOf(value)}`);
  }
  const out: Json = {};
  for (const [key, subValue] of Object.entries(value)) {
    if (!hasValue(subValue)) continue;
    const sub = findSubAttribute(definition, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    out[sub.name] = normalizeSubValue(sub, subValue, `${where}.${sub.name}`);
  }
  for (const sub of definition.subAttributes ?? []) {
    if (sub.required && sub.mutability !== 'readOnly' && !hasValue(out[sub.name])) {
      throw invalidValue(`Attribute '${where}.${sub.name}' is required`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function normalizeSingle(definition: AttributeDefinition, value: unknown, where: string): unknown {
  return definition.type === 'complex'
    ? normalizeComplex(definition, value, where)
    : checkScalar(definition, value, where);
}

/** RFC 7643 §2.4: at most one value may be primary; keep the first one that claims it. */
function keepFirstPrimary(values: unknown[]): void {
  let seen = false;
  for (const value of values) {
    if (!isObject(value) || value.primary !== true) continue;
    if (seen) value.primary = false;
    seen = true;
  }
}

/** The value of a top-level attribute, or undefined when it amounts to nothing. */
function normalizeAttribute(definition: AttributeDefinition, value: unknown, where: string): unknown {
  if (!definition.multiValued) {
    if (Array.isArray(value)) throw invalidValue(`Attribute '${where}' is single-valued`);
    return normalizeSingle(definition, value, where);
  }
  if (!Array.isArray(value)) throw multiValuedError(where, value);
  // An explicit `[]` is kept: on a PUT it says "no values" (e.g. Okta's `members: []`).
  const items = value.flatMap((item, index) => {
    if (!hasValue(item)) return [];
    const normalized = normalizeSingle(definition, item, `${where}[${index}]`);
    return normalized === undefined ? [] : [normalized];
  });
  if (findSubAttribute(definition, 'primary')?.type === 'boolean') keepFirstPrimary(items);
  return items;
}

/** Writes an attribute, or one sub-attribute of a single-valued complex attribute, into `target`. */
function assign(
  target: Json,
  attribute: AttributeDefinition,
  subAttribute: AttributeDefinition | undefined,
  value: unknown,
  where: string,
): void {
  if (!hasValue(value) || attribute.mutability === 'readOnly') return;
  if (!subAttribute) {
    const normalized = normalizeAttribute(attribute, value, where);
    if (normalized === undefined) return;
    const previous = target[attribute.name];
    // `name` and `name.givenName` in one body are merged.
    target[attribute.name] =
      isObject(previous) && isObject(normalized) ? { ...previous, ...normalized } : normalized;
    return;
  }
  // `emails.value` does not say which email: ignored.
  if (attribute.multiValued || subAttribute.mutability === 'readOnly') return;
  const previous = target[attribute.name];
  const object = isObject(previous) ? previous : {};
  object[subAttribute.name] = normalizeSubValue(subAttribute, value, where);
  target[attribute.name] = object;
}

/** Attributes of an extension object (`"urn:...:enterprise:2.0:User": {...}`). */
function assignExtensionObject(target: Json, extension: SchemaDefinition, value: unknown): void {
  if (!hasValue(value)) return;
  if (!isObject(value)) throw invalidValue(`Extension '${extension.id}' must be a JSON object`);
  const extensionResource: ResourceSchema = { resourceType: '', core: extension, extensions: [] };
  for (const [key, attributeValue] of Object.entries(value)) {
    const resolved = resolveAttributeName(extensionResource, key);
    // Only the extension's own attributes: not its common attributes, nor a qualified name of another schema.
    if (resolved?.kind !== 'attribute' || !extension.attributes.includes(resolved.attribute)) continue;
    assign(target, resolved.attribute, resolved.subAttribute, attributeValue, `${extension.id}:${key}`);
  }
}

function checkRequired(
  values: Json,
  attributes: readonly AttributeDefinition[],
  resourceType: string,
  mode: NormalizeMode,
): void {
  for (const attribute of attributes) {
    if (!attribute.required || attribute.mutability === 'readOnly') continue;
    const value = values[attribute.name];
    if (!hasValue(value) || (Array.isArray(value) && value.length === 0)) {
      throw invalidValue(`Attribute '${attribute.name}' is required to ${mode} a ${resourceType}`);
    }
    if (typeof value === 'string' && value.trim() === '') {
      throw invalidValue(`Attribute '${attribute.name}' must not be empty`);
    }
  }
}

export function normalizeResource(body: unknown, schema: ResourceSchema, mode: NormalizeMode): Json {
  if (!isObject(body)) {
    throw ScimError.badRequest('invalidSyntax', 'The request body must be a JSON object');
  }
  const core: Json = {};
  const extensions = new Map<SchemaDefinition, Json>(schema.extensions.map((e) => [e.schema, {}]));

  for (const [key, value] of Object.entries(body)) {
    // `schemas` is rebuilt below from what is present; unknown URNs in it are ignored.
    if (key.toLowerCase() === 'schemas') continue;
    const extension = findSchema(schema, key);
    if (extension && extension !== schema.core) {
      assignExtensionObject(extensions.get(extension)!, extension, value);
      continue;
    }
    const resolved = resolveAttributeName(schema, key);
    if (resolved?.kind !== 'attribute') continue;
    // An extension attribute must be nested under, or qualified with, its URN (RFC 7643 §3.3).
    if (resolved.isExtension && !resolved.path.schema) continue;
    const target = resolved.isExtension ? extensions.get(resolved.schema)! : core;
    assign(target, resolved.attribute, resolved.subAttribute, value, key);
  }

  checkRequired(core, schema.core.attributes, schema.resourceType, mode);
  const schemas = [schema.core.id];
  const out: Json = { schemas, ...core };
  for (const { schema: extension, required } of schema.extensions) {
    const values = extensions.get(extension)!;
    const present = Object.keys(values).length > 0;
    if (required && !present) {
      throw invalidValue(`Extension '${extension.id}' is required for a ${schema.resourceType}`);
    }
    if (!present) continue;
    checkRequired(values, extension.attributes, schema.resourceType, mode);
    schemas.push(extension.id);
    out[extension.id] = values;
  }
  checkIdentifiers(out, schema);
  return out;
}

/** The identifier rules of `identifiers.ts` on the attributes that are names or addresses. */
function checkIdentifiers(resource: Json, schema: ResourceSchema): void {
  checkIdentifier('externalId', resource.externalId);
  if (schema.resourceType === 'Group') checkIdentifier('displayName', resource.displayName);
  if (schema.resourceType !== 'User') return;
  checkIdentifier('userName', resource.userName, true);
  const emails = Array.isArray(resource.emails) ? resource.emails : [];
  emails.forEach((email, index) => {
    if (isObject(email)) checkIdentifier(`emails[${index}].value`, email.value);
  });
}
