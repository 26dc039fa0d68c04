/**
 * Application of PATCH operations to a resource held in memory (RFC 7644 §3.5.2): users, and the
 * non-member attributes of groups. Where the RFC is silent or the clients disagree with it, the
 * client quirks from Okta and Microsoft Entra ID win; each such branch says so.
 */
import { ScimError } from '../errors';
import { excerpt } from '../excerpt';
import { matchesValueFilter } from '../filter/evaluate';
import { parsePatchPath } from '../filter/parse';
import { findSchema } from '../schemas/attributes';
import type { ResourceSchema, SchemaDefinition } from '../schemas/types';
import { deleteKey, isObject, type JsonObject, keyOf, readPresent, writeKey } from './keys';
import { type PatchOperation, type PatchOpName, withOperationIndex } from './message';
import {
  describePath,
  equalityAttributes,
  findExtension,
  noTarget,
  resolveAttribute,
  resolveSubAttribute,
  splitAttributeKey,
  type Target,
  validateValueFilter,
} from './target';
import {
  dedupe,
  deepEqual,
  fixPrimary,
  isSubsetOf,
  matchesPattern,
  mergeComplex,
  normalizeMulti,
  normalizeSingle,
  removalPattern,
  removeSubAttribute,
  removeSubAttributeOf,
  setSubAttribute,
  structuredCloneOrUndefined,
  toList,
  unwrapEntraManager,
  without,
} from './values';

export interface PatchResult {
  resource: Record<string, unknown>;
  /** False when the operations left the resource as it was, so the caller can skip the write. */
  changed: boolean;
}

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
    throw ScimError.badRequest('invalidPath', `Unknown attribute '${excerpt(describePath(parsed.path))}'`);
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
    // `schemas` is not an attribute: ignored at the top level and inside an extension's value, as
    // POST and PUT ignore it (RFC 7643 §3 lists the URNs, the server keeps them in step).
    if (key.toLowerCase() === 'schemas') continue;
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
    if (!resolved) throw ScimError.badRequest('invalidPath', `Unknown attribute '${excerpt(key)}'`);
    const target: Target = { ...resolved };
    if (subAttribute !== undefined)
      target.subAttribute = resolveSubAttribute(resolved.attribute, subAttribute);
    if (target.attribute.mutability === 'readOnly' || target.subAttribute?.mutability === 'readOnly')
      continue;
    applyToTarget(context, op, target, value);
  }
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
    // A single value is not unwrapped from an array, but for Entra's "Add Manager".
    mergeComplex(element, attribute, unwrapEntraManager(attribute, value), op, name);
    if (Object.keys(element).length === 0) deleteKey(container, name);
    else writeKey(container, name, element);
    return;
  }
  writeKey(container, name, normalizeSingle(attribute, value, name));
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
        element = normalizeSingle(attribute, value, name);
      } else {
        const created: JsonObject = { ...seed };
        if (subAttribute) setSubAttribute(created, subAttribute, value, `${name}.${subAttribute.name}`);
        else mergeComplex(created, attribute, value, 'add', name);
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
        if (isObject(element)) mergeComplex(element, attribute, value, 'add', name);
      }
      store(list, matches);
      return;
    }
    // §3.5.2.3: matching values "SHALL be replaced" by the value.
    const replacement = normalizeSingle(attribute, value, name);
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

// ---------------------------------------------------------------------------------------------
// Storage: extension containers
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
