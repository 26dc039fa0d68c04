/**
 * Evaluates parsed SCIM filters (RFC 7644 §3.4.2.2) against resources as returned to clients: core
 * attributes at the top level, extension attributes under their schema URN key (RFC 7643 §3.3).
 *
 * Rules:
 *  - Attribute names are case-insensitive in the filter and in the resource keys (RFC 7643 §2.1).
 *  - String comparisons honour the attribute's `caseExact` (RFC 7643 §2.3.1, §7); an attribute the
 *    schema does not define is compared case-insensitively.
 *  - A multi-valued attribute matches when ANY of its values matches (RFC 7644 §3.4.2.2). A complex
 *    attribute compared without a sub-attribute is compared through its "value" sub-attribute
 *    (the RFC's `emails co "example.com"` example).
 *  - `pr`: the value is not null, not "", not an empty array/object.
 *  - `ne` on an absent attribute is true; `eq null` means "absent", `ne null` means "present".
 *  - gt/ge/lt/le order strings lexicographically (after case folding unless caseExact), dateTimes
 *    chronologically, numbers numerically; on booleans and binaries they are 400 invalidFilter
 *    (RFC 7644 §3.4.2.2 Table 3).
 *
 * `compileFilter` checks operator/type combinations once, up front, so a bad filter fails with 400 even
 * when no resource is evaluated; `matchesFilter` is the one-shot form.
 */

import { ScimError } from '../errors';
import { excerpt } from '../excerpt';
import { foldIdentifier } from '../identifiers';
import { findAttribute, findSubAttribute } from '../schemas/attributes';
import type { AttributeDefinition, AttributeType, ResourceSchema } from '../schemas/types';
import type { AttributePath, CompareOperator, Filter, FilterValue } from './ast';

export type Predicate = (target: unknown) => boolean;

/** Where a path's top-level attribute lives in the evaluated object, and its definition if known. */
interface Resolved {
  definition?: AttributeDefinition;
  get: (target: unknown) => unknown;
}

/** How paths are looked up: against a whole resource, or against one value of a multi-valued attribute. */
interface Scope {
  resolve(path: AttributePath): Resolved;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads a key case-insensitively (RFC 7643 §2.1), preferring an exact match. */
function getKey(target: unknown, key: string): unknown {
  if (!isObject(target)) return undefined;
  if (Object.hasOwn(target, key)) return target[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(target)) {
    if (k.toLowerCase() === lower) return target[k];
  }
  return undefined;
}

const asArray = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

const common = (
  name: string,
  type: AttributeType,
  caseExact: boolean,
  subAttributes?: AttributeDefinition[],
): AttributeDefinition => ({
  name,
  type,
  multiValued: name === 'schemas',
  description: '',
  required: false,
  caseExact,
  mutability: 'readOnly',
  returned: 'default',
  uniqueness: 'none',
  subAttributes,
});

/**
 * Common attributes every resource has (RFC 7643 §3.1) but schemas usually do not list:
 * id and externalId are caseExact, meta.created / meta.lastModified are dateTimes.
 */
const COMMON_ATTRIBUTES: ReadonlyMap<string, AttributeDefinition> = new Map(
  [
    common('id', 'string', true),
    common('externalId', 'string', true),
    common('schemas', 'reference', false),
    common('meta', 'complex', false, [
      common('resourceType', 'string', true),
      common('created', 'dateTime', false),
      common('lastModified', 'dateTime', false),
      common('location', 'reference', true),
      common('version', 'string', true),
    ]),
  ].map((d) => [d.name.toLowerCase(), d]),
);

function resourceScope(schema: ResourceSchema): Scope {
  const coreId = schema.core.id.toLowerCase();
  return {
    resolve(path) {
      const found = findAttribute(schema, { schema: path.schema, attribute: path.attribute });
      if (found) {
        const name = found.attribute.name;
        const urn = found.schema.id;
        return {
          definition: found.attribute,
          get: found.isExtension ? (r) => getKey(getKey(r, urn), name) : (r) => getKey(r, name),
        };
      }
      const qualifiedElsewhere = path.schema !== undefined && path.schema.toLowerCase() !== coreId;
      const definition = qualifiedElsewhere ? undefined : COMMON_ATTRIBUTES.get(path.attribute.toLowerCase());
      // Undefined attribute: still look at what the resource holds (under the URN key when qualified),
      // compared case-insensitively; absent means eq/co/... false, ne true, pr false.
      const urn = path.schema;
      return {
        definition,
        get:
          qualifiedElsewhere && urn
            ? (r) => getKey(getKey(r, urn), path.attribute)
            : (r) => getKey(r, path.attribute),
      };
    },
  };
}

/**
 * Paths inside a value filter (`emails[type eq "work"]`) are relative to each value (RFC 7644 §3.4.2.2).
 * A value that is not an object (a bare string such as Entra's `manager: "<id>"`, or a value of a simple
 * multi-valued attribute) is treated as its own "value" sub-attribute.
 */
function elementScope(attribute: AttributeDefinition): Scope {
  return {
    resolve(path) {
      const isValue = path.attribute.toLowerCase() === 'value';
      const definition =
        findSubAttribute(attribute, path.attribute) ??
        (isValue && attribute.type !== 'complex' ? { ...attribute, multiValued: false } : undefined);
      return {
        definition,
        get: (element) =>
          isObject(element) ? getKey(element, path.attribute) : isValue ? element : undefined,
      };
    },
  };
}

/** The values a comparison looks at: sub-attribute values, or each value's "value" for a complex attribute. */
function comparedValues(raw: unknown, subAttribute: string | undefined): unknown[] {
  const key = subAttribute ?? 'value';
  const out: unknown[] = [];
  for (const element of asArray(raw)) {
    if (isObject(element)) out.push(...asArray(getKey(element, key)));
    else if (subAttribute === undefined || key.toLowerCase() === 'value') out.push(element);
  }
  return out.filter((v) => v !== null && v !== undefined);
}

/** RFC 7644 §3.4.2.2 "pr": has a non-empty value. */
function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function invalid(message: string): never {
  throw ScimError.badRequest('invalidFilter', message);
}

const describe = (path: AttributePath) =>
  `${path.schema ? `${path.schema}:` : ''}${path.attribute}${path.subAttribute ? `.${path.subAttribute}` : ''}`;

const ORDERING: ReadonlySet<CompareOperator> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOperator> = new Set(['co', 'sw', 'ew']);

function order(op: CompareOperator, a: number | string, b: number | string): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function compareStrings(op: CompareOperator, actual: string, expected: string, caseExact: boolean): boolean {
  // Case-insensitive values compare in the form the uniqueness guards use (NFC, lower case).
  const a = caseExact ? actual : foldIdentifier(actual);
  const b = caseExact ? expected : foldIdentifier(expected);
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return order(op, a, b);
  }
}

const XSD_DATETIME =
  /^(\d{4,}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an xsd:dateTime (RFC 7643 §2.3.5) to epoch milliseconds; NaN when it is not one.
 * A missing time zone is read as UTC (not the host's zone) so results do not depend on the machine.
 */
export function parseDateTime(value: string): number {
  const m = XSD_DATETIME.exec(value.trim());
  if (!m) return Number.NaN;
  const [, date, hm = '00:00', seconds = '00', fraction = '', zone = 'Z'] = m;
  const millis = `${fraction}000`.slice(0, 3);
  const tz =
    zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return Date.parse(`${date}T${hm}:${seconds}.${millis}${tz}`);
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // Entra sends booleans as "True"/"False".
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const asText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/**
 * Builds the test for one value, checking up front that the operator suits the attribute type and
 * the filter value (400 invalidFilter otherwise).
 */
function valueTest(
  op: CompareOperator,
  expected: Exclude<FilterValue, null>,
  definition: AttributeDefinition | undefined,
  where: string,
): (actual: unknown) => boolean {
  const type = definition?.type;
  const caseExact = definition?.caseExact ?? false;
  if (typeof expected === 'boolean' && op !== 'eq' && op !== 'ne') {
    invalid(
      `Invalid filter: operator '${op}' cannot be used with the boolean value ${expected} ('${where}')`,
    );
  }
  switch (type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne')
        invalid(`Invalid filter: operator '${op}' is not supported on boolean '${where}'`);
      const want = asBoolean(expected);
      if (want === undefined) invalid(`Invalid filter: '${where}' is boolean; compare it with true or false`);
      return (actual) => {
        const got = asBoolean(actual);
        return got !== undefined && (op === 'eq' ? got === want : got !== want);
      };
    }
    case 'integer':
    case 'decimal': {
      if (SUBSTRING.has(op)) {
        const text = String(expected);
        return (actual) => {
          const got = asText(actual);
          return got !== undefined && compareStrings(op, got, text, true);
        };
      }
      const want = asNumber(expected);
      if (want === undefined)
        invalid(`Invalid filter: '${where}' is a number; '${excerpt(expected)}' is not`);
      return (actual) => {
        const got = asNumber(actual);
        return got !== undefined && order(op, got, want);
      };
    }
    case 'dateTime': {
      if (typeof expected !== 'string') invalid(`Invalid filter: '${where}' is a dateTime; quote the value`);
      if (SUBSTRING.has(op)) {
        return (actual) => typeof actual === 'string' && compareStrings(op, actual, expected, caseExact);
      }
      const want = parseDateTime(expected);
      if (Number.isNaN(want))
        invalid(`Invalid filter: '${excerpt(expected)}' is not a valid dateTime for '${where}'`);
      return (actual) => {
        const got = typeof actual === 'string' ? parseDateTime(actual) : Number.NaN;
        return !Number.isNaN(got) && order(op, got, want);
      };
    }
    case 'binary':
      if (ORDERING.has(op)) invalid(`Invalid filter: operator '${op}' is not supported on binary '${where}'`);
      break;
    case 'complex':
      // A complex attribute without a "value" sub-attribute cannot be compared (RFC 7644 §3.4.2.2:
      // name a sub-attribute); values come from a "value" key that such resources do not have.
      break;
    default:
      // string, reference, or an attribute the schema does not define.
      break;
  }
  if (definition === undefined) {
    // Unknown attribute: compare by what the resource holds, case-insensitively.
    return (actual) => {
      if (typeof actual === 'number' && typeof expected === 'number' && !SUBSTRING.has(op)) {
        return order(op, actual, expected);
      }
      if (typeof actual === 'boolean' && typeof expected === 'boolean') {
        return op === 'eq' ? actual === expected : actual !== expected;
      }
      const got = asText(actual);
      return got !== undefined && compareStrings(op, got, String(expected), false);
    };
  }
  const text = String(expected);
  return (actual) => {
    const got = asText(actual);
    return got !== undefined && compareStrings(op, got, text, caseExact);
  };
}

function compile(filter: Filter, scope: Scope): Predicate {
  switch (filter.kind) {
    case 'and': {
      const left = compile(filter.left, scope);
      const right = compile(filter.right, scope);
      return (t) => left(t) && right(t);
    }
    case 'or': {
      const left = compile(filter.left, scope);
      const right = compile(filter.right, scope);
      return (t) => left(t) || right(t);
    }
    case 'not': {
      const inner = compile(filter.filter, scope);
      return (t) => !inner(t);
    }
    case 'present': {
      const { get } = scope.resolve(filter.path);
      const sub = filter.path.subAttribute;
      return sub === undefined
        ? (t) => isPresent(get(t))
        : (t) => comparedValues(get(t), sub).some(isPresent);
    }
    case 'valuePath': {
      const { definition, get } = scope.resolve(filter.path);
      const sub = filter.path.subAttribute;
      const attribute =
        (sub !== undefined && definition ? findSubAttribute(definition, sub) : definition) ??
        common(sub ?? filter.path.attribute, 'complex', false);
      const inner = compile(filter.filter, elementScope(attribute));
      const elements =
        sub === undefined ? (t: unknown) => asArray(get(t)) : (t: unknown) => comparedValues(get(t), sub);
      return (t) => elements(t).some(inner);
    }
    case 'compare': {
      const { path, op, value } = filter;
      const { definition, get } = scope.resolve(path);
      const sub = path.subAttribute;
      const values = (t: unknown) => comparedValues(get(t), sub);
      if (value === null) {
        // `eq null` / `ne null`: absence / presence; nothing else compares with null.
        if (op === 'eq') return (t) => !values(t).some(isPresent);
        if (op === 'ne') return (t) => values(t).some(isPresent);
        return invalid(
          `Invalid filter: operator '${op}' cannot be used with null ('${excerpt(describe(path))}')`,
        );
      }
      const compared =
        sub !== undefined
          ? definition && findSubAttribute(definition, sub)
          : definition?.type === 'complex'
            ? findSubAttribute(definition, 'value')
            : definition;
      const test = valueTest(op, value, compared, excerpt(describe(path)));
      if (op === 'ne') {
        // Absent attribute: "ne" is true; otherwise any value that differs matches.
        return (t) => {
          const all = values(t);
          return all.length === 0 || all.some(test);
        };
      }
      return (t) => values(t).some(test);
    }
  }
}

/**
 * Compiles a filter for a resource type. Throws ScimError 400 invalidFilter when an operator does not
 * suit the attribute type (e.g. `active gt true`, `meta.created lt "soon"`).
 */
export function compileFilter(
  filter: Filter,
  schema: ResourceSchema,
): (resource: Record<string, unknown>) => boolean {
  return compile(filter, resourceScope(schema));
}

/** True when the resource (SCIM JSON as returned to clients) matches the filter. */
export function matchesFilter(
  filter: Filter,
  resource: Record<string, unknown>,
  schema: ResourceSchema,
): boolean {
  return compileFilter(filter, schema)(resource);
}

/** Throws ScimError 400 invalidFilter when the filter cannot be evaluated for this resource type. */
export function validateFilter(filter: Filter, schema: ResourceSchema): void {
  compileFilter(filter, schema);
}

/** Compiles a value filter (`members[value eq "x"]`) for the values of one multi-valued attribute. */
export function compileValueFilter(filter: Filter, attribute: AttributeDefinition): Predicate {
  return compile(filter, elementScope(attribute));
}

/**
 * True when one value of a multi-valued attribute matches a PATCH path value filter
 * (RFC 7644 §3.5.2: `emails[type eq "work"]`); paths in the filter are relative to the value.
 */
export function matchesValueFilter(
  filter: Filter,
  element: unknown,
  attribute: AttributeDefinition,
): boolean {
  return compileValueFilter(filter, attribute)(element);
}
