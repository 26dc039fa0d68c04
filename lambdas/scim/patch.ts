/**
 * SCIM PATCH (RFC 7644 §3.5.2): validation of the PatchOp message, application of its operations to
 * a resource held in memory (users, and the non-member attributes of groups), and the translation of
 * group membership operations into edge changes (members are never loaded, see `planGroupPatch`).
 *
 * Where the RFC is silent or the clients disagree with it, the client quirks from Okta and Microsoft
 * Entra ID win; each such branch says so.
 */
import { ScimError } from './errors';
import type { AttributePath, Filter } from './filter/ast';
import { matchesValueFilter } from './filter/evaluate';
import { parsePatchPath } from './filter/parse';
import { coerceScalar, findAttribute, findSchema, findSubAttribute } from './schemas/attributes';
import { COMMON_ATTRIBUTES } from './schemas/common';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schemas/types';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Upper bound of operations in one PATCH request (Okta sends up to 1,000 membership changes). */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

/** One validated PATCH operation. `op` is lower-cased; `path` is absent when the client sent none. */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  /** Absent when the client sent none (allowed only for `remove`). */
  value?: unknown;
}

/** A change to a group's membership edges, in request order (see `planGroupPatch`). */
export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; ids: string[] };

export interface PatchResult {
  resource: Record<string, unknown>;
  /** False when the operations left the resource as it was, so the caller can skip the write. */
  changed: boolean;
}

type JsonObject = Record<string, unknown>;

const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

// ---------------------------------------------------------------------------------------------
// Message validation (RFC 7644 §3.5.2)
// ---------------------------------------------------------------------------------------------

/**
 * Validates a PATCH request body (RFC 7644 §3.5.2) and returns its operations.
 * Lenient where real clients are: `schemas` and `Operations` keys and the `op` values are matched
 * case-insensitively (Entra sends `"op": "Replace"`), and an empty `path` counts as none.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) {
    throw ScimError.badRequest('invalidSyntax', 'The PATCH request body must be a JSON object');
  }
  const schemas = readKey(body, 'schemas');
  const schemaList = typeof schemas === 'string' ? [schemas] : schemas;
  if (
    !Array.isArray(schemaList) ||
    !schemaList.some((s) => typeof s === 'string' && s.trim().toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw ScimError.badRequest(
      'invalidSyntax',
      `The PATCH request 'schemas' must contain '${PATCH_OP_SCHEMA}'`,
    );
  }
  const operations = readKey(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.badRequest('invalidSyntax', "The PATCH request must have a non-empty 'Operations' array");
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.badRequest(
      'invalidValue',
      `A PATCH request may hold at most ${MAX_PATCH_OPERATIONS} operations; this one has ${operations.length}`,
    );
  }
  return operations.map((raw, index) => parseOperation(raw, index));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw ScimError.badRequest('invalidSyntax', `${where} must be a JSON object`);
  const opValue = readKey(raw, 'op');
  const op = typeof opValue === 'string' ? opValue.trim().toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw ScimError.badRequest(
      'invalidSyntax',
      `${where}.op must be 'add', 'replace' or 'remove' (got ${JSON.stringify(opValue ?? null)})`,
    );
  }
  const pathValue = readKey(raw, 'path');
  if (pathValue !== undefined && pathValue !== null && typeof pathValue !== 'string') {
    throw ScimError.badRequest('invalidPath', `${where}.path must be a string`);
  }
  const path = typeof pathValue === 'string' && pathValue.trim() !== '' ? pathValue.trim() : undefined;
  const hasValue = keyOf(raw, 'value') !== undefined;
  const value = readKey(raw, 'value');
  const operation: PatchOperation = { op };
  if (path !== undefined) operation.path = path;
  if (op === 'remove') {
    // §3.5.2.2: without a path there is nothing to remove.
    if (path === undefined) throw ScimError.badRequest('noTarget', `${where}: 'remove' requires a 'path'`);
    // Entra sends a value with remove to name the members to drop; `null` means no value.
    if (value !== undefined && value !== null) operation.value = value;
  } else {
    // §3.5.2.1 / §3.5.2.3: add and replace carry the value to write (`null` is allowed: unassign).
    if (!hasValue) throw ScimError.badRequest('invalidValue', `${where}: '${op}' requires a 'value'`);
    operation.value = value;
  }
  return operation;
}

// ---------------------------------------------------------------------------------------------
// Applying operations to a resource
// ---------------------------------------------------------------------------------------------

/**
 * Applies PATCH operations to a resource, in order (RFC 7644 §3.5.2). Pure: works on a deep copy and
 * is all-or-nothing — the first failing operation throws a ScimError and nothing is returned.
 * Core attributes sit at the top level of the resource, extension attributes under their schema URN.
 */
export function applyPatch(
  resource: Record<string, unknown>,
  operations: PatchOperation[],
  schema: ResourceSchema,
): PatchResult {
  const context: PatchContext = { resource: structuredClone(resource), schema, touchedExtensions: new Set() };
  operations.forEach((operation, index) => {
    try {
      applyOperation(context, operation);
    } catch (error) {
      throw withOperationIndex(error, index);
    }
  });
  syncExtensionSchemas(context);
  return { resource: context.resource, changed: !deepEqual(resource, context.resource) };
}

interface PatchContext {
  resource: JsonObject;
  schema: ResourceSchema;
  /** Extensions written to; their `schemas` entry is kept in step at the end (RFC 7643 §3). */
  touchedExtensions: Set<SchemaDefinition>;
}

/** A resolved PATCH target. */
interface Target {
  /** Set when the attribute lives in an extension, stored under the extension's URN key. */
  extension?: SchemaDefinition;
  attribute: AttributeDefinition;
  subAttribute?: AttributeDefinition;
  valueFilter?: Filter;
}

function withOperationIndex(error: unknown, index: number): unknown {
  if (!(error instanceof ScimError)) return error;
  return new ScimError(error.status, `Operations[${index}]: ${error.detail}`, error.scimType, error.headers);
}

function applyOperation(context: PatchContext, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) {
    // §3.5.2.2: remove needs a path (parsePatchRequest already enforces it for parsed requests).
    if (op === 'remove') throw ScimError.badRequest('noTarget', "'remove' requires a 'path'");
    // §3.5.2.1 / §3.5.2.3: without a path the target is the resource itself and the value holds the
    // attributes to write.
    if (!isObject(value)) {
      throw ScimError.badRequest(
        'invalidValue',
        `'${op}' without a 'path' needs an object of attributes as its value`,
      );
    }
    applyAttributeMap(context, op, value, undefined);
    return;
  }

  // A path naming a whole extension (`urn:...:enterprise:2.0:User`).
  const extension = findExtension(context.schema, path);
  if (extension) {
    applyToExtension(context, op, extension, operation);
    return;
  }

  const parsed = parsePatchPath(path);
  const resolved = resolveAttribute(context.schema, parsed.path.schema, parsed.path.attribute);
  if (resolved === 'schemas') {
    throw ScimError.badRequest('mutability', "Attribute 'schemas' cannot be changed by PATCH");
  }
  if (!resolved)
    throw ScimError.badRequest('invalidPath', `Unknown attribute '${describePath(parsed.path)}'`);
  const subName = parsed.path.subAttribute ?? parsed.subAttribute;
  const target: Target = { ...resolved, valueFilter: parsed.valueFilter };
  if (subName !== undefined) target.subAttribute = resolveSubAttribute(resolved.attribute, subName);
  if (target.valueFilter && !target.attribute.multiValued) {
    throw ScimError.badRequest(
      'invalidPath',
      `A value filter applies only to multi-valued attributes; '${target.attribute.name}' is single-valued`,
    );
  }
  // RFC 7643 §2.2: readOnly attributes SHALL NOT be modified; a path naming one is a client error.
  if (target.attribute.mutability === 'readOnly' || target.subAttribute?.mutability === 'readOnly') {
    const name = target.subAttribute
      ? `${target.attribute.name}.${target.subAttribute.name}`
      : target.attribute.name;
    throw ScimError.badRequest('mutability', `Attribute '${name}' is readOnly`);
  }
  applyToTarget(context, op, target, value);
}

/**
 * A path naming a whole extension: `remove` drops it; `add`/`replace` write the attributes of the
 * value object as if each were named by its own path.
 */
function applyToExtension(
  context: PatchContext,
  op: PatchOpName,
  extension: SchemaDefinition,
  operation: PatchOperation,
): void {
  const key = keyOf(context.resource, extension.id);
  if (op === 'remove' || operation.value === null) {
    if (op === 'add') return;
    if (key === undefined) return;
    const required = context.schema.extensions.find((e) => e.schema === extension)?.required;
    if (required) throw ScimError.badRequest('mutability', `Extension '${extension.id}' is required`);
    delete context.resource[key];
    context.touchedExtensions.add(extension);
    return;
  }
  if (!isObject(operation.value)) {
    throw ScimError.badRequest('invalidValue', `The value for extension '${extension.id}' must be an object`);
  }
  applyAttributeMap(context, op, operation.value, extension);
}

/**
 * Applies an object of attributes (a path-less add/replace, or a value addressed to a whole schema).
 * Keys are matched case-insensitively (RFC 7643 §2.1) and may be dotted (`name.givenName`) or
 * URN-qualified (`urn:...:enterprise:2.0:User:employeeNumber`), as Entra sends them; a key that is a
 * schema URN holds an object of that schema's attributes.
 *
 * readOnly attributes in the object (`id`, `meta`, `groups`, `schemas`) are ignored rather than
 * refused: Okta's group rename sends `{"id": ..., "displayName": ...}` (compare the PUT rule of
 * RFC 7644 §3.5.1, where readOnly values "SHALL be ignored").
 */
function applyAttributeMap(
  context: PatchContext,
  op: 'add' | 'replace',
  values: JsonObject,
  scope: SchemaDefinition | undefined,
): void {
  for (const [key, value] of Object.entries(values)) {
    if (scope === undefined && key.toLowerCase() === 'schemas') continue;
    const schemaOfKey = scope === undefined ? findSchema(context.schema, key) : undefined;
    if (schemaOfKey) {
      if (schemaOfKey === context.schema.core) {
        if (!isObject(value)) {
          throw ScimError.badRequest(
            'invalidValue',
            `The value for schema '${schemaOfKey.id}' must be an object`,
          );
        }
        applyAttributeMap(context, op, value, undefined);
      } else {
        applyToExtension(context, op, schemaOfKey, { op, value });
      }
      continue;
    }
    const { schemaUrn, attribute, subAttribute } = splitAttributeKey(context.schema, key, scope);
    const resolved = resolveAttribute(context.schema, schemaUrn, attribute);
    if (resolved === 'schemas') continue;
    if (!resolved) throw ScimError.badRequest('invalidPath', `Unknown attribute '${key}'`);
    const target: Target = { ...resolved };
    if (subAttribute !== undefined)
      target.subAttribute = resolveSubAttribute(resolved.attribute, subAttribute);
    if (target.attribute.mutability === 'readOnly' || target.subAttribute?.mutability === 'readOnly')
      continue;
    applyToTarget(context, op, target, value);
  }
}

/** Splits a key of a path-less value into schema URN, attribute and sub-attribute. */
function splitAttributeKey(
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
    if (!owner) throw ScimError.badRequest('invalidPath', `Unknown attribute '${key}'`);
    if (scope && owner !== scope) {
      throw ScimError.badRequest('invalidPath', `Attribute '${key}' does not belong to schema '${scope.id}'`);
    }
    schemaUrn = owner.id;
    rest = key.slice(owner.id.length + 1);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) return { schemaUrn, attribute: rest };
  return { schemaUrn, attribute: rest.slice(0, dot), subAttribute: rest.slice(dot + 1) };
}

/** The extension whose URN is exactly `path` (case-insensitively), if any. */
function findExtension(schema: ResourceSchema, path: string): SchemaDefinition | undefined {
  const lower = path.toLowerCase();
  return schema.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/**
 * Resolves a top-level attribute: the resource's schemas first, then the common attributes of
 * RFC 7643 §3.1 (`id`, `externalId`, `meta`). `schemas` is reported apart: PATCH never writes it.
 */
function resolveAttribute(
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

function resolveSubAttribute(attribute: AttributeDefinition, name: string): AttributeDefinition {
  const sub = attribute.type === 'complex' ? findSubAttribute(attribute, name) : undefined;
  if (!sub) throw ScimError.badRequest('invalidPath', `Unknown attribute '${attribute.name}.${name}'`);
  return sub;
}

function describePath(path: AttributePath): string {
  const name = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.schema ? `${path.schema}:${name}` : name;
}

/**
 * Applies one operation to one resolved attribute, then enforces the mutability rules that depend on
 * the outcome: a required attribute may not become unassigned (RFC 7644 §3.5.2.2), and an immutable
 * attribute may be added when unassigned but never changed afterwards (RFC 7643 §2.2).
 */
function applyToTarget(context: PatchContext, op: PatchOpName, target: Target, value: unknown): void {
  const { attribute } = target;
  if (target.valueFilter) validateValueFilter(target.valueFilter, attribute);

  const container = containerOf(context, target.extension, op !== 'remove');
  if (!container) {
    // Removing from an extension the resource does not have: nothing to remove.
    if (target.valueFilter) throw noTarget(attribute);
    return;
  }
  const before = structuredCloneOrUndefined(readPresent(container, attribute.name));

  if (attribute.multiValued) applyToMultiValued(container, op, target, value);
  else applyToSingleValued(container, op, target, value);

  const after = readPresent(container, attribute.name);
  if (attribute.required && before !== undefined && after === undefined) {
    throw ScimError.badRequest(
      'mutability',
      `Attribute '${attribute.name}' is required and cannot be removed`,
    );
  }
  if (attribute.mutability === 'immutable' && before !== undefined && !deepEqual(before, after)) {
    throw ScimError.badRequest('mutability', `Attribute '${attribute.name}' is immutable and already set`);
  }
}

function applyToSingleValued(container: JsonObject, op: PatchOpName, target: Target, value: unknown): void {
  const { attribute, subAttribute } = target;
  const name = attribute.name;

  if (subAttribute) {
    // `name.givenName`, `urn:...:User:manager.value`
    const current = readPresent(container, name);
    if (op === 'remove' || (op === 'replace' && value === null)) {
      if (!isObject(current)) return;
      removeSubAttribute(current, subAttribute, `${name}.${subAttribute.name}`);
      // A complex value without its required sub-attribute or its `value` cannot stand on its own.
      if (subAttribute.required || subAttribute.name === 'value' || Object.keys(current).length === 0) {
        deleteKey(container, name);
      }
      return;
    }
    if (value === null) return;
    const element = isObject(current) ? current : {};
    setSubAttribute(element, subAttribute, value, `${name}.${subAttribute.name}`);
    if (!isObject(current)) writeKey(container, name, element);
    return;
  }

  // §3.5.2.2: remove the attribute. A value sent with the remove is ignored for single-valued
  // attributes (Entra may send the old manager with the removal).
  if (op === 'remove' || (op === 'replace' && value === null)) {
    deleteKey(container, name);
    return;
  }
  // RFC 7643 §2.5: null is "unassigned"; adding it adds nothing.
  if (value === null) return;

  if (attribute.type === 'complex') {
    // §3.5.2.1 / §3.5.2.3: the sub-attributes in the value are set; the others are left unchanged.
    const current = readPresent(container, name);
    const element = isObject(current) ? current : {};
    // Entra's "Add Manager" wraps the single value in an array: `[{"$ref": null, "value": "<id>"}]`.
    mergeComplex(element, attribute, unwrapSingle(value), op, name);
    if (Object.keys(element).length === 0) deleteKey(container, name);
    else writeKey(container, name, element);
    return;
  }
  writeKey(container, name, normalizeSingle(attribute, unwrapSingle(value), name));
}

function applyToMultiValued(container: JsonObject, op: PatchOpName, target: Target, value: unknown): void {
  const { attribute, subAttribute, valueFilter } = target;
  const name = attribute.name;
  const current = readPresent(container, name);
  const list: unknown[] = Array.isArray(current) ? current : current === undefined ? [] : [current];
  const store = (next: unknown[], touched: unknown[]) => {
    fixPrimary(attribute, next, touched);
    if (next.length === 0) deleteKey(container, name);
    else writeKey(container, name, next);
  };

  if (valueFilter) {
    const matches = list.filter((element) => matchesValueFilter(valueFilter, element, attribute));
    if (op === 'remove') {
      // §3.5.2.2: a filter that matches nothing is noTarget.
      if (matches.length === 0) throw noTarget(attribute);
      const kept = subAttribute
        ? removeSubAttributeOf(list, matches, subAttribute, name)
        : without(list, matches);
      store(kept, []);
      return;
    }
    if (matches.length === 0) {
      // Entra: a replace (or add) whose filter matches nothing, e.g.
      // `addresses[type eq "work"].formatted`, adds a value built from the filter's equalities.
      // Anything else is noTarget (RFC 7644 §3.5.2.3).
      if (value === null) return;
      const seed = equalityAttributes(valueFilter, attribute);
      if (!seed) throw noTarget(attribute);
      let element: unknown;
      if (attribute.type !== 'complex') {
        element = normalizeSingle(attribute, unwrapSingle(value), name);
      } else {
        const created: JsonObject = { ...seed };
        if (subAttribute) setSubAttribute(created, subAttribute, value, `${name}.${subAttribute.name}`);
        else mergeComplex(created, attribute, unwrapSingle(value), 'add', name);
        element = created;
      }
      store([...list, element], [element]);
      return;
    }
    if (subAttribute) {
      // `emails[type eq "work"].value`: set the sub-attribute of every matching value.
      if (value === null) {
        if (op === 'replace') store(removeSubAttributeOf(list, matches, subAttribute, name), []);
        return;
      }
      for (const element of matches) {
        if (isObject(element)) setSubAttribute(element, subAttribute, value, `${name}.${subAttribute.name}`);
      }
      store(list, matches);
      return;
    }
    if (value === null) {
      if (op === 'replace') store(without(list, matches), []);
      return;
    }
    if (op === 'add') {
      // §3.5.2.1: add to a complex value sets the given sub-attributes.
      for (const element of matches) {
        if (isObject(element)) mergeComplex(element, attribute, unwrapSingle(value), 'add', name);
      }
      store(list, matches);
      return;
    }
    // §3.5.2.3: matching values "SHALL be replaced" by the value.
    const replacement = normalizeSingle(attribute, unwrapSingle(value), name);
    if (replacement === undefined) {
      store(without(list, matches), []);
      return;
    }
    const next: unknown[] = [];
    let placed = false;
    for (const element of list) {
      if (!matches.includes(element)) next.push(element);
      else if (!placed) {
        next.push(replacement);
        placed = true;
      }
    }
    store(next, [replacement]);
    return;
  }

  if (subAttribute) {
    // `emails.type` without a filter addresses the sub-attribute of every value.
    if (op === 'remove' || (op === 'replace' && value === null)) {
      store(removeSubAttributeOf(list, list, subAttribute, name), []);
      return;
    }
    if (value === null) return;
    const elements = list.filter(isObject);
    if (elements.length === 0) {
      const created: JsonObject = {};
      setSubAttribute(created, subAttribute, value, `${name}.${subAttribute.name}`);
      store([...list, created], [created]);
      return;
    }
    for (const element of elements) {
      setSubAttribute(element, subAttribute, value, `${name}.${subAttribute.name}`);
    }
    store(list, elements);
    return;
  }

  if (op === 'remove') {
    if (value === undefined) {
      // §3.5.2.2: no filter, no value: all values are removed.
      deleteKey(container, name);
      return;
    }
    // Entra: `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}` removes only the listed values.
    const patterns = toList(value).map((item) => removalPattern(attribute, item));
    const listed = list.filter((element) =>
      patterns.some((pattern) => matchesPattern(attribute, element, pattern)),
    );
    store(without(list, listed), []);
    return;
  }

  if (op === 'replace') {
    // §3.5.2.3: without a filter, the whole set is replaced (`null` or `[]` unassigns it).
    const items = dedupe(normalizeMulti(attribute, value, name));
    store(items, items);
    return;
  }

  // §3.5.2.1: add appends the new values; a value already present is not added again.
  const next = [...list];
  const touched: unknown[] = [];
  for (const item of normalizeMulti(attribute, value, name)) {
    const existing = next.find((element) => isSubsetOf(item, element));
    if (existing !== undefined) touched.push(existing);
    else {
      next.push(item);
      touched.push(item);
    }
  }
  store(next, touched);
}

/** The values of `list` that are not in `removed` (compared by identity). */
function without(list: unknown[], removed: unknown[]): unknown[] {
  return list.filter((element) => !removed.includes(element));
}

/**
 * Removes a sub-attribute from the `targets` among `list`. A value left empty, or without its
 * required sub-attribute or its `value` (RFC 7643 §2.4: the significant value), cannot stand on its
 * own and is dropped: Entra clearing `emails[type eq "work"].value` removes the work email.
 */
function removeSubAttributeOf(
  list: unknown[],
  targets: unknown[],
  sub: AttributeDefinition,
  attributeName: string,
): unknown[] {
  return list.filter((element) => {
    if (!targets.includes(element) || !isObject(element)) return true;
    removeSubAttribute(element, sub, `${attributeName}.${sub.name}`);
    return !sub.required && sub.name !== 'value' && Object.keys(element).length > 0;
  });
}

/** Merges a complex value's sub-attributes into `element` (RFC 7644 §3.5.2.1 / §3.5.2.3). */
function mergeComplex(
  element: JsonObject,
  attribute: AttributeDefinition,
  value: unknown,
  op: PatchOpName,
  where: string,
) {
  const object = asComplexObject(attribute, value, where);
  const previousValue = readPresent(element, 'value');
  for (const [key, subValue] of Object.entries(object)) {
    const sub = findSubAttribute(attribute, key);
    if (subValue === null || subValue === undefined) {
      // RFC 7643 §2.5: null unassigns on replace, and adds nothing on add.
      if (op === 'replace' && sub && sub.mutability !== 'readOnly') {
        removeSubAttribute(element, sub, `${where}.${sub.name}`);
      }
      continue;
    }
    if (!sub) throw ScimError.badRequest('invalidValue', `Unknown sub-attribute '${key}' of '${where}'`);
    if (sub.mutability === 'readOnly') continue;
    setSubAttribute(element, sub, subValue, `${where}.${sub.name}`);
  }
  // The readOnly sub-attributes (e.g. manager.displayName) describe the old referent: drop them when
  // `value` changes so the server fills them in again.
  const nextValue = readPresent(element, 'value');
  if (previousValue !== undefined && !deepEqual(previousValue, nextValue)) {
    for (const sub of attribute.subAttributes ?? []) {
      if (sub.mutability === 'readOnly') deleteKey(element, sub.name);
    }
  }
}

function setSubAttribute(element: JsonObject, sub: AttributeDefinition, value: unknown, where: string): void {
  if (value === null || value === undefined) return;
  const normalized = sub.multiValued
    ? dedupe(normalizeMulti(sub, value, where))
    : normalizeSingle(sub, unwrapSingle(value), where);
  const existing = readPresent(element, sub.name);
  if (sub.mutability === 'immutable' && existing !== undefined && !deepEqual(existing, normalized)) {
    throw ScimError.badRequest('mutability', `Attribute '${where}' is immutable and already set`);
  }
  const empty = normalized === undefined || (Array.isArray(normalized) && normalized.length === 0);
  if (empty) deleteKey(element, sub.name);
  else writeKey(element, sub.name, normalized);
}

function removeSubAttribute(element: JsonObject, sub: AttributeDefinition, where: string): void {
  if (readPresent(element, sub.name) === undefined) return;
  if (sub.mutability === 'immutable') {
    throw ScimError.badRequest('mutability', `Attribute '${where}' is immutable and cannot be removed`);
  }
  deleteKey(element, sub.name);
}

/**
 * RFC 7643 §2.4 / RFC 7644 §3.5.2: at most one value is primary; setting `primary` true on a value
 * sets it false on the others.
 */
function fixPrimary(attribute: AttributeDefinition, list: unknown[], touched: unknown[]): void {
  if (attribute.type !== 'complex' || !findSubAttribute(attribute, 'primary')) return;
  const primaries = touched.filter(
    (element) => isObject(element) && readPresent(element, 'primary') === true,
  );
  const distinct = [...new Set(primaries)];
  if (distinct.length > 1) {
    throw ScimError.badRequest('invalidValue', `At most one value of '${attribute.name}' may be primary`);
  }
  if (distinct.length === 0) return;
  for (const element of list) {
    if (element !== distinct[0] && isObject(element) && readPresent(element, 'primary') === true) {
      writeKey(element, 'primary', false);
    }
  }
}

/**
 * The attributes a value must have to match a filter made only of `eq` comparisons joined by `and`
 * (`type eq "work"`), coerced to their types; undefined when the filter says anything else.
 */
function equalityAttributes(filter: Filter, attribute: AttributeDefinition): JsonObject | undefined {
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
function validateValueFilter(filter: Filter, attribute: AttributeDefinition): void {
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
          `Unknown attribute '${describePath(path)}' in the value filter of '${attribute.name}'`,
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

function noTarget(attribute: AttributeDefinition): ScimError {
  return ScimError.badRequest('noTarget', `The value filter matched no value of '${attribute.name}'`);
}

// ---------------------------------------------------------------------------------------------
// Values: coercion to the schema (Entra sends "True"/"False"), matching, de-duplication
// ---------------------------------------------------------------------------------------------

/** Normalizes the values of a multi-valued attribute: one value or an array; nulls are dropped. */
function normalizeMulti(attribute: AttributeDefinition, value: unknown, where: string): unknown[] {
  return toList(value).flatMap((item) => {
    const normalized = normalizeSingle(attribute, item, where);
    return normalized === undefined ? [] : [normalized];
  });
}

/**
 * Normalizes one value: scalars through `coerceScalar`; complex values get canonical sub-attribute
 * names, lose null and readOnly sub-attributes, and may be given as a bare scalar when they have a
 * `value` sub-attribute (Entra sends `manager` as a bare id). Returns undefined for "no value".
 */
function normalizeSingle(attribute: AttributeDefinition, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (attribute.type !== 'complex') {
    if (Array.isArray(value))
      throw ScimError.badRequest('invalidValue', `Attribute '${where}' is single-valued`);
    return coerceScalar(attribute, value, where);
  }
  const object = asComplexObject(attribute, value, where);
  const result: JsonObject = {};
  for (const [key, subValue] of Object.entries(object)) {
    if (subValue === null || subValue === undefined) continue;
    const sub = findSubAttribute(attribute, key);
    if (!sub) throw ScimError.badRequest('invalidValue', `Unknown sub-attribute '${key}' of '${where}'`);
    if (sub.mutability === 'readOnly') continue;
    const normalized = sub.multiValued
      ? normalizeMulti(sub, subValue, `${where}.${sub.name}`)
      : normalizeSingle(sub, unwrapSingle(subValue), `${where}.${sub.name}`);
    if (normalized !== undefined) result[sub.name] = normalized;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

function asComplexObject(attribute: AttributeDefinition, value: unknown, where: string): JsonObject {
  if (isObject(value)) return value;
  const valueSub = findSubAttribute(attribute, 'value');
  if (valueSub && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    return { [valueSub.name]: value };
  }
  throw ScimError.badRequest('invalidValue', `Attribute '${where}' must be a complex value (an object)`);
}

/** Some clients wrap a single value in a one-element array. */
function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The sub-attribute values a listed removal names (`{"value": "<id>"}`, or a bare value). */
function removalPattern(attribute: AttributeDefinition, item: unknown): unknown {
  if (attribute.type !== 'complex') return normalizeSingle(attribute, item, attribute.name);
  const object = asComplexObject(attribute, item, attribute.name);
  const pattern: JsonObject = {};
  for (const [key, subValue] of Object.entries(object)) {
    // Entra adds `"$ref": null`; a null names nothing, whatever the key.
    if (subValue === null || subValue === undefined) continue;
    const sub = findSubAttribute(attribute, key);
    if (!sub)
      throw ScimError.badRequest('invalidValue', `Unknown sub-attribute '${key}' of '${attribute.name}'`);
    pattern[sub.name] = sub.multiValued
      ? subValue
      : coerceScalar(sub, unwrapSingle(subValue), `${attribute.name}.${sub.name}`);
  }
  return pattern;
}

function matchesPattern(attribute: AttributeDefinition, element: unknown, pattern: unknown): boolean {
  if (attribute.type !== 'complex') return sameScalar(attribute, element, pattern);
  if (!isObject(pattern) || !isObject(element) || Object.keys(pattern).length === 0) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const sub = findSubAttribute(attribute, key);
    const actual = readPresent(element, key);
    return sub && !sub.multiValued ? sameScalar(sub, actual, expected) : deepEqual(actual, expected);
  });
}

/** Compares scalars honouring `caseExact` (RFC 7643 §2.2). */
function sameScalar(definition: AttributeDefinition, actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string' && !definition.caseExact) {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return deepEqual(actual, expected);
}

/** True when every sub-attribute of `item` has the same value in `element` (or both are equal scalars). */
function isSubsetOf(item: unknown, element: unknown): boolean {
  if (!isObject(item) || !isObject(element)) return deepEqual(item, element);
  return Object.entries(item).every(([key, value]) => deepEqual(value, readPresent(element, key)));
}

/** Drops values equal to an earlier one (RFC 7644 §3.5.2.1: no duplicate values). */
function dedupe(items: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const item of items) if (!result.some((kept) => deepEqual(kept, item))) result.push(item);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Storage helpers: case-insensitive keys, extension containers
// ---------------------------------------------------------------------------------------------

function containerOf(context: PatchContext, extension: SchemaDefinition | undefined, create: boolean) {
  if (!extension) return context.resource;
  const existing = readPresent(context.resource, extension.id);
  if (isObject(existing)) {
    context.touchedExtensions.add(extension);
    return existing;
  }
  if (!create) return undefined;
  const created: JsonObject = {};
  writeKey(context.resource, extension.id, created);
  context.touchedExtensions.add(extension);
  return created;
}

/**
 * An extension written to keeps its canonical URN key and its entry in `schemas` (RFC 7643 §3);
 * one left empty is dropped with its entry.
 */
function syncExtensionSchemas(context: PatchContext): void {
  const { resource } = context;
  for (const extension of context.touchedExtensions) {
    const data = readPresent(resource, extension.id);
    const hasData = isObject(data) && Object.keys(data).length > 0;
    if (hasData) writeKey(resource, extension.id, data);
    else deleteKey(resource, extension.id);
    const schemas = resource.schemas;
    if (!Array.isArray(schemas)) continue;
    const lower = extension.id.toLowerCase();
    const listed = schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lower);
    if (hasData && !listed) resource.schemas = [...schemas, extension.id];
    if (!hasData && listed) {
      resource.schemas = schemas.filter((s) => !(typeof s === 'string' && s.toLowerCase() === lower));
    }
  }
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The key of `object` equal to `name` ignoring case (RFC 7643 §2.1), preferring the exact spelling. */
function keyOf(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function readKey(object: JsonObject, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** Reads a value; null counts as unassigned (RFC 7643 §2.5). */
function readPresent(object: JsonObject, name: string): unknown {
  const value = readKey(object, name);
  return value === null ? undefined : value;
}

/** Writes under the canonical name, dropping spellings that differ only in case. */
function writeKey(object: JsonObject, name: string, value: unknown): void {
  deleteKey(object, name);
  object[name] = value;
}

function deleteKey(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) delete object[key];
}

function structuredCloneOrUndefined(value: unknown): unknown {
  return value === undefined ? undefined : structuredClone(value);
}

/** Structural equality of JSON values; key order does not matter, undefined members are absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => deepEqual(item, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
  return (
    keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
  );
}

// ---------------------------------------------------------------------------------------------
// Group membership (never loaded: one item per membership edge)
// ---------------------------------------------------------------------------------------------

/**
 * Splits group PATCH operations into membership changes (in request order, since a later remove of
 * an id added earlier must win) and the operations left for `applyPatch` on the group item.
 * Shapes handled:
 * - Okta: `add members [{value, display}]`, `remove members[value eq "<id>"]`,
 *   `replace members [...]` ("Push now", possibly `[]`), and the path-less
 *   `replace {id, displayName}` sent with every membership update (goes to `otherOperations`).
 * - Entra: `Add members [{value, $ref: null}]`, `Remove members [{value}]` (only the listed ids).
 * - RFC 7644 §3.5.2.2: `remove members` without value removes all members.
 * Changes to `display` alone (`members[value eq "x"].display`) are ignored: it is not stored.
 */
export function planGroupPatch(operations: PatchOperation[]): {
  memberChanges: MemberChange[];
  otherOperations: PatchOperation[];
} {
  const memberChanges: MemberChange[] = [];
  const otherOperations: PatchOperation[] = [];
  operations.forEach((operation, index) => {
    try {
      planOperation(operation, memberChanges, otherOperations);
    } catch (error) {
      throw withOperationIndex(error, index);
    }
  });
  return { memberChanges, otherOperations };
}

function planOperation(
  operation: PatchOperation,
  memberChanges: MemberChange[],
  otherOperations: PatchOperation[],
) {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove' || !isObject(value)) {
      otherOperations.push(operation);
      return;
    }
    const memberKeys = Object.keys(value).filter(isMembersKey);
    if (memberKeys.length === 0) {
      otherOperations.push(operation);
      return;
    }
    for (const key of memberKeys) {
      const ids = memberIds(value[key]);
      if (op === 'replace') memberChanges.push({ kind: 'replace', ids });
      else if (ids.length > 0) memberChanges.push({ kind: 'add', ids });
    }
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !isMembersKey(key)));
    if (Object.keys(rest).length > 0) otherOperations.push({ op, value: rest });
    return;
  }

  const parsed = parsePatchPath(path);
  const isMembers =
    parsed.path.attribute.toLowerCase() === 'members' &&
    (parsed.path.schema === undefined || parsed.path.schema.toLowerCase() === GROUP_SCHEMA_URN.toLowerCase());
  if (!isMembers) {
    otherOperations.push(operation);
    return;
  }
  const subAttribute = (parsed.path.subAttribute ?? parsed.subAttribute)?.toLowerCase();
  // Only `value` is kept on a membership edge; `display`, `type` and `$ref` changes are ignored.
  if (subAttribute !== undefined && subAttribute !== 'value') return;

  if (parsed.valueFilter) {
    const filterIds = memberIdsOfFilter(parsed.valueFilter);
    if (op === 'remove') {
      memberChanges.push({ kind: 'remove', ids: filterIds });
      return;
    }
    if (subAttribute === 'value') {
      // RFC 7643 §4.2: a member's `value` is immutable.
      throw ScimError.badRequest('mutability', "Attribute 'members.value' is immutable");
    }
    const ids = memberIds(value);
    if (op === 'add') {
      if (ids.length > 0) memberChanges.push({ kind: 'add', ids });
      return;
    }
    // §3.5.2.3: the matching members are replaced by the value; the same ids means a display change.
    if (ids.length === filterIds.length && ids.every((id) => filterIds.includes(id))) return;
    memberChanges.push({ kind: 'remove', ids: filterIds });
    if (ids.length > 0) memberChanges.push({ kind: 'add', ids });
    return;
  }
  if (subAttribute === 'value') {
    throw ScimError.badRequest(
      'invalidPath',
      '\'members.value\' needs a value filter, e.g. members[value eq "<id>"]',
    );
  }

  switch (op) {
    case 'add': {
      const ids = memberIds(value);
      if (ids.length > 0) memberChanges.push({ kind: 'add', ids });
      return;
    }
    case 'replace':
      // Okta "Push now" may send `[]`: the group is emptied (must not be a 400).
      memberChanges.push({ kind: 'replace', ids: memberIds(value) });
      return;
    case 'remove': {
      if (value === undefined) {
        memberChanges.push({ kind: 'removeAll' });
        return;
      }
      // Entra: only the listed members are removed.
      const ids = memberIds(value);
      if (ids.length > 0) memberChanges.push({ kind: 'remove', ids });
      return;
    }
  }
}

function isMembersKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'members' || lower === `${GROUP_SCHEMA_URN.toLowerCase()}:members`;
}

/** The member ids of a members value: `[{value, display?, $ref?}]` (or one such object, or bare ids). */
function memberIds(value: unknown): string[] {
  const ids: string[] = [];
  for (const item of toList(value)) {
    const id = isObject(item) ? readKey(item, 'value') : item;
    if (typeof id !== 'string' || id.trim() === '') {
      throw ScimError.badRequest('invalidValue', "Each member must have a non-empty string 'value'");
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Membership filters must name ids: `value eq "<id>"`, possibly joined by `or`. */
function memberIdsOfFilter(filter: Filter): string[] {
  if (filter.kind === 'or') {
    const ids = memberIdsOfFilter(filter.left);
    for (const id of memberIdsOfFilter(filter.right)) if (!ids.includes(id)) ids.push(id);
    return ids;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attribute.toLowerCase() === 'value' &&
    filter.path.subAttribute === undefined
  ) {
    if (typeof filter.value !== 'string' || filter.value.trim() === '') {
      throw ScimError.badRequest('invalidValue', 'A member id must be a non-empty string');
    }
    return [filter.value];
  }
  throw ScimError.badRequest(
    'invalidFilter',
    'A members filter must be of the form members[value eq "<id>"]',
  );
}
