import {
  type AttributeDefinition,
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_SCHEMA,
  USER_SCHEMA,
} from '../../../lambdas/scim/schemas';

/**
 * Every place of a User or Group body a value can go, taken from the schema definitions themselves:
 * each top-level attribute (core, common, enterprise extension under its URN), each sub-attribute of a
 * single-valued complex attribute, and each sub-attribute of the first element of a multi-valued one.
 */
export interface Slot {
  /** Where the value sits in a POST/PUT body: object keys and array indexes. */
  keys: (string | number)[];
  /** The attribute path a PATCH operation would name (undefined inside a multi-valued element). */
  patchPath?: string;
  /** The definition of the attribute (or sub-attribute) the value at `keys` is checked against. */
  definition: AttributeDefinition;
  /** True when the value is the whole attribute (an array for a multi-valued one). */
  whole: boolean;
  /** False when the server drops the value (readOnly itself or under a readOnly attribute). */
  writable: boolean;
}

function slotsOf(attributes: readonly AttributeDefinition[], urn?: string): Slot[] {
  const slots: Slot[] = [];
  const prefix = urn ? [urn] : [];
  const qualified = (name: string) => (urn ? `${urn}:${name}` : name);
  for (const attribute of attributes) {
    const writable = attribute.mutability !== 'readOnly';
    slots.push({
      keys: [...prefix, attribute.name],
      patchPath: qualified(attribute.name),
      definition: attribute,
      whole: true,
      writable,
    });
    for (const sub of attribute.subAttributes ?? []) {
      const subWritable = writable && sub.mutability !== 'readOnly';
      slots.push(
        attribute.multiValued
          ? {
              keys: [...prefix, attribute.name, 0, sub.name],
              definition: sub,
              whole: false,
              writable: subWritable,
            }
          : {
              keys: [...prefix, attribute.name, sub.name],
              patchPath: qualified(`${attribute.name}.${sub.name}`),
              definition: sub,
              whole: false,
              writable: subWritable,
            },
      );
    }
  }
  return slots;
}

export const USER_SLOTS: readonly Slot[] = [
  ...slotsOf([...USER_SCHEMA.attributes, ...COMMON_ATTRIBUTES]),
  ...slotsOf(ENTERPRISE_USER_SCHEMA.attributes, ENTERPRISE_USER_SCHEMA_URN),
];
export const GROUP_SLOTS: readonly Slot[] = slotsOf([...GROUP_SCHEMA.attributes, ...COMMON_ATTRIBUTES]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The longest string the service stores (lambdas/scim/schemas/attributes.ts MAX_STRING_LENGTH). */
export const MAX_STRING_LENGTH = 65_536;

/** Entra's "True"/"False": the one string a boolean accepts (docs/decisions.md). */
const ENTRA_BOOLEAN = /^\s*(true|false)\s*$/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const XSD_DATETIME = /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

/**
 * The oracle, from RFC 7643 §2.3 and the documented client quirks (not from the service's code): does
 * this value break the attribute's type, so that a write carrying it must be refused? `null` means
 * absent (§2.5); unknown and readOnly sub-attributes are dropped, so they break nothing.
 */
export function breaksType(definition: AttributeDefinition, value: unknown, whole: boolean): boolean {
  if (value === null || value === undefined) return false;
  if (whole && definition.multiValued) {
    if (!Array.isArray(value)) return true;
    return value.some((item) => item !== null && breaksSingle(definition, item));
  }
  if (Array.isArray(value) && !definition.multiValued) return true;
  if (definition.multiValued) {
    // A multi-valued sub-attribute (none in these schemas, but keep the rule whole).
    if (!Array.isArray(value)) return true;
    return value.some((item) => item !== null && breaksScalar(definition, item));
  }
  return breaksSingle(definition, value);
}

function breaksSingle(definition: AttributeDefinition, value: unknown): boolean {
  if (definition.type !== 'complex') return breaksScalar(definition, value);
  const valueSub = definition.subAttributes?.find((s) => s.name === 'value');
  // Entra's bare manager id: a string for a single-valued complex attribute with a `value`.
  if (typeof value === 'string' && !definition.multiValued && valueSub) return breaksScalar(valueSub, value);
  if (!isObject(value)) return true;
  for (const [key, subValue] of Object.entries(value)) {
    if (subValue === null) continue;
    const sub = definition.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
    if (!sub || sub.mutability === 'readOnly') continue;
    if (breaksType(sub, subValue, true)) return true;
  }
  return false;
}

function breaksScalar(definition: AttributeDefinition, value: unknown): boolean {
  switch (definition.type) {
    case 'boolean':
      return !(typeof value === 'boolean' || (typeof value === 'string' && ENTRA_BOOLEAN.test(value)));
    case 'integer':
      return !Number.isInteger(value);
    case 'decimal':
      return !(typeof value === 'number' && Number.isFinite(value));
    case 'dateTime':
      return !(typeof value === 'string' && XSD_DATETIME.test(value) && !Number.isNaN(Date.parse(value)));
    case 'complex':
      return true;
    default:
      // RFC 7643 §2.3.1: Unicode characters in UTF-8, which an unpaired surrogate is not.
      return typeof value !== 'string' || value.length > MAX_STRING_LENGTH || LONE_SURROGATE.test(value);
  }
}

/** Sets `value` at `keys` inside `body`, creating the objects and arrays on the way. */
export function setAt(body: Record<string, unknown>, keys: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = body;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i];
    const nextIsIndex = typeof keys[i + 1] === 'number';
    const existing = node[key];
    const fits = nextIsIndex ? Array.isArray(existing) : isObject(existing);
    if (!fits || (nextIsIndex && (existing as unknown[]).length === 0)) {
      node[key] = nextIsIndex ? [{}] : {};
    }
    node = node[key] as Record<string | number, unknown>;
    if (nextIsIndex && !isObject((node as unknown as unknown[])[keys[i + 1] as number])) {
      (node as unknown as unknown[])[keys[i + 1] as number] = {};
    }
  }
  node[keys[keys.length - 1]] = value;
}

/** The value at `keys` inside `body`, or undefined when the path is not there. */
export function getAt(body: unknown, keys: (string | number)[]): unknown {
  let node: unknown = body;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/**
 * Why a body whose `slots` were changed must be refused, judged on the final body (a later change may
 * overwrite an earlier one), or undefined when every changed value keeps its type.
 */
export function refusalOf(body: unknown, slots: Slot[]): string | undefined {
  for (const slot of slots) {
    if (!slot.writable) continue;
    const value = getAt(body, slot.keys);
    // A readOnly parent replaced the path (e.g. `groups`): nothing of this slot is kept.
    if (breaksType(slot.definition, value, slot.whole)) {
      const shown = JSON.stringify(value) ?? String(value);
      return `${slot.keys.join('.')} = ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown} breaks type ${slot.definition.type}${slot.whole && slot.definition.multiValued ? '[]' : ''}`;
    }
  }
  return undefined;
}
