/**
 * Value helpers of SCIM PATCH: validation of values against the schema, matching and de-duplication,
 * in-place edits of complex values (sub-attributes, `primary`), and structural equality.
 */
import { ScimError } from '../errors';
import { excerpt } from '../excerpt';
import { bareValueSubAttribute, checkScalar, findSubAttribute, jsonTypeOf } from '../schemas/attributes';
import type { AttributeDefinition } from '../schemas/types';
import { deleteKey, isObject, type JsonObject, readPresent, writeKey } from './keys';
import type { PatchOpName } from './message';

// ---------------------------------------------------------------------------------------------
// Values: checked against the schema as POST and PUT check them (`normalize.ts`), matching,
// de-duplication
// ---------------------------------------------------------------------------------------------

/**
 * Normalizes the values of a multi-valued attribute: an array (null is none); nulls in it are
 * dropped. A single value is refused, as on POST and PUT.
 */
export function normalizeMulti(attribute: AttributeDefinition, value: unknown, where: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `Attribute '${where}' is multi-valued: its value must be an array, not ${jsonTypeOf(value)}`,
    );
  }
  return value.flatMap((item) => {
    const normalized = normalizeSingle(attribute, item, where);
    return normalized === undefined ? [] : [normalized];
  });
}

/**
 * Normalizes one value: scalars through `checkScalar` (strict, but for Entra's "True"/"False");
 * complex values get canonical sub-attribute names and lose null and readOnly sub-attributes; only
 * `manager` may be given as a bare string (Entra). An array is refused: a single value is never
 * unwrapped from one. Returns undefined for "no value".
 */
export function normalizeSingle(attribute: AttributeDefinition, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (attribute.type !== 'complex') {
    if (Array.isArray(value))
      throw ScimError.badRequest('invalidValue', `Attribute '${where}' is single-valued`);
    return checkScalar(attribute, value, where);
  }
  const object = asComplexObject(attribute, value, where);
  const result: JsonObject = {};
  for (const [key, subValue] of Object.entries(object)) {
    if (subValue === null || subValue === undefined) continue;
    const sub = findSubAttribute(attribute, key);
    if (!sub)
      throw ScimError.badRequest('invalidValue', `Unknown sub-attribute '${excerpt(key)}' of '${where}'`);
    if (sub.mutability === 'readOnly') continue;
    const normalized = sub.multiValued
      ? normalizeMulti(sub, subValue, `${where}.${sub.name}`)
      : normalizeSingle(sub, subValue, `${where}.${sub.name}`);
    if (normalized !== undefined) result[sub.name] = normalized;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/**
 * Entra's "Add Manager" sends the single manager in a one-element array:
 * `{"op": "Add", "path": "manager", "value": [{"$ref": null, "value": "<id>"}]}` (docs/decisions.md).
 * Unwrapped for that attribute only (a single-valued complex attribute with a `value`
 * sub-attribute); any other array given for a single-valued attribute is refused.
 */
export function unwrapEntraManager(attribute: AttributeDefinition, value: unknown): unknown {
  const isManagerLike =
    attribute.type === 'complex' && !attribute.multiValued && findSubAttribute(attribute, 'value');
  return isManagerLike && Array.isArray(value) && value.length === 1 && isObject(value[0]) ? value[0] : value;
}

function asComplexObject(attribute: AttributeDefinition, value: unknown, where: string): JsonObject {
  if (isObject(value)) return value;
  // Entra's bare-string `manager` (docs/decisions.md).
  const valueSub = bareValueSubAttribute(attribute, value);
  if (valueSub) return { [valueSub.name]: value };
  throw ScimError.badRequest(
    'invalidValue',
    `Attribute '${where}' must be of type complex (an object), not ${jsonTypeOf(value)}`,
  );
}

export function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The sub-attribute values a listed removal names (`{"value": "<id>"}`, or a bare value). */
export function removalPattern(attribute: AttributeDefinition, item: unknown): unknown {
  if (attribute.type !== 'complex') return normalizeSingle(attribute, item, attribute.name);
  const object = asComplexObject(attribute, item, attribute.name);
  const pattern: JsonObject = {};
  for (const [key, subValue] of Object.entries(object)) {
    // Entra adds `"$ref": null`; a null names nothing, whatever the key.
    if (subValue === null || subValue === undefined) continue;
    const sub = findSubAttribute(attribute, key);
    if (!sub)
      throw ScimError.badRequest(
        'invalidValue',
        `Unknown sub-attribute '${excerpt(key)}' of '${attribute.name}'`,
      );
    pattern[sub.name] = sub.multiValued
      ? subValue
      : checkScalar(sub, subValue, `${attribute.name}.${sub.name}`);
  }
  return pattern;
}

export function matchesPattern(attribute: AttributeDefinition, element: unknown, pattern: unknown): boolean {
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
export function isSubsetOf(item: unknown, element: unknown): boolean {
  if (!isObject(item) || !isObject(element)) return deepEqual(item, element);
  return Object.entries(item).every(([key, value]) => deepEqual(value, readPresent(element, key)));
}

/** Drops values equal to an earlier one (RFC 7644 §3.5.2.1: no duplicate values). */
export function dedupe(items: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const item of items) if (!result.some((kept) => deepEqual(kept, item))) result.push(item);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Editing complex values: sub-attributes, primary
// ---------------------------------------------------------------------------------------------

/** The values of `list` that are not in `removed` (compared by identity). */
export function without(list: unknown[], removed: unknown[]): unknown[] {
  return list.filter((element) => !removed.includes(element));
}

/**
 * Removes a sub-attribute from the `targets` among `list`. A value left empty, or without its
 * required sub-attribute or its `value` (RFC 7643 §2.4: the significant value), cannot stand on its
 * own and is dropped: Entra clearing `emails[type eq "work"].value` removes the work email.
 */
export function removeSubAttributeOf(
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
export function mergeComplex(
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
    if (!sub)
      throw ScimError.badRequest('invalidValue', `Unknown sub-attribute '${excerpt(key)}' of '${where}'`);
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

export function setSubAttribute(
  element: JsonObject,
  sub: AttributeDefinition,
  value: unknown,
  where: string,
): void {
  if (value === null || value === undefined) return;
  const normalized = sub.multiValued
    ? dedupe(normalizeMulti(sub, value, where))
    : normalizeSingle(sub, value, where);
  const existing = readPresent(element, sub.name);
  if (sub.mutability === 'immutable' && existing !== undefined && !deepEqual(existing, normalized)) {
    throw ScimError.badRequest('mutability', `Attribute '${where}' is immutable and already set`);
  }
  const empty = normalized === undefined || (Array.isArray(normalized) && normalized.length === 0);
  if (empty) deleteKey(element, sub.name);
  else writeKey(element, sub.name, normalized);
}

export function removeSubAttribute(element: JsonObject, sub: AttributeDefinition, where: string): void {
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
export function fixPrimary(attribute: AttributeDefinition, list: unknown[], touched: unknown[]): void {
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

// ---------------------------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------------------------

export function structuredCloneOrUndefined(value: unknown): unknown {
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
