import { resolveAttributeName } from './schemas/attributes';
import { COMMON_ATTRIBUTES } from './schemas/common';
import type { AttributeDefinition, ResourceSchema } from './schemas/types';

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) combined with the `returned`
 * characteristic of each attribute (RFC 7643 §2.2, §7):
 * - `always` (id, schemas) is returned whatever the parameters say; `never` (password) never is;
 * - `default` is returned unless excluded, or unless `attributes` is given without it;
 * - `request` is returned only when `attributes` names it.
 * Names are case-insensitive, may be URN-qualified or a whole extension URN, and may name a
 * sub-attribute (`name.givenName`, `emails.value`, `meta.lastModified`). Names the schema does not
 * define are ignored. The output uses the canonical attribute names and a stable key order.
 */
export interface ProjectionParams {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Splits the comma-separated `attributes` / `excludedAttributes` query parameter. */
export function parseAttributeList(param: string | undefined): string[] | undefined {
  if (param === undefined) return undefined;
  const names = param
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/** Per top-level attribute: the whole attribute (`true`) or the named sub-attributes. */
type Selection = Map<AttributeDefinition, true | Set<AttributeDefinition>>;

interface NameSet {
  /** Lower-cased URNs of schemas named as a whole. */
  schemas: Set<string>;
  attributes: Selection;
}

/** Decides, for a top-level attribute, whether it is returned and which of its sub-attributes. */
type SubAttributeFilter = (sub: AttributeDefinition) => boolean;

function collectNames(schema: ResourceSchema, names: string[] | undefined): NameSet | undefined {
  if (!names || names.length === 0) return undefined;
  const set: NameSet = { schemas: new Set(), attributes: new Map() };
  for (const name of names) {
    const resolved = resolveAttributeName(schema, name);
    if (!resolved) continue;
    if (resolved.kind === 'schema') {
      set.schemas.add(resolved.schema.id.toLowerCase());
      continue;
    }
    const current = set.attributes.get(resolved.attribute);
    if (current === true) continue;
    if (!resolved.subAttribute) {
      set.attributes.set(resolved.attribute, true);
    } else {
      const subs = current ?? new Set<AttributeDefinition>();
      subs.add(resolved.subAttribute);
      set.attributes.set(resolved.attribute, subs);
    }
  }
  return set;
}

class Projector {
  private readonly requested?: NameSet;
  private readonly excluded?: NameSet;

  constructor(schema: ResourceSchema, params: ProjectionParams) {
    this.requested = collectNames(schema, params.attributes);
    this.excluded = collectNames(schema, params.excludedAttributes);
  }

  /** Undefined when the attribute is not returned; else which of its sub-attributes are. */
  select(attribute: AttributeDefinition, schemaId: string): SubAttributeFilter | undefined {
    if (attribute.returned === 'never') return undefined;
    const schemaKey = schemaId.toLowerCase();
    const named = this.requested?.attributes.get(attribute);
    const namedSubs = named instanceof Set ? named : undefined;
    // A `request` sub-attribute is returned only when named itself.
    const byDefault: SubAttributeFilter = (sub) =>
      sub.returned === 'always' ||
      sub.returned === 'default' ||
      (sub.returned === 'request' && !!namedSubs?.has(sub));
    if (attribute.returned === 'always') return byDefault;

    let filter: SubAttributeFilter;
    if (this.requested) {
      if (named === true || this.requested.schemas.has(schemaKey)) filter = byDefault;
      else if (namedSubs)
        filter = (sub) => sub.returned === 'always' || (sub.returned !== 'never' && namedSubs.has(sub));
      else return undefined;
    } else {
      if (attribute.returned === 'request') return undefined;
      filter = byDefault;
    }

    if (this.excluded) {
      if (this.excluded.schemas.has(schemaKey)) return undefined;
      const excluded = this.excluded.attributes.get(attribute);
      if (excluded === true) return undefined;
      if (excluded) return (sub) => filter(sub) && (sub.returned === 'always' || !excluded.has(sub));
    }
    return filter;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads a key by its canonical name, falling back to a case-insensitive match (RFC 7643 §2.1). */
function read(source: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(source, name)) return source[name];
  const lower = name.toLowerCase();
  const key = Object.keys(source).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : source[key];
}

function pickSubAttributes(
  attribute: AttributeDefinition,
  value: Record<string, unknown>,
  filter: SubAttributeFilter,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const sub of attribute.subAttributes ?? []) {
    if (!filter(sub)) continue;
    const subValue = read(value, sub.name);
    if (subValue !== undefined && subValue !== null) out[sub.name] = subValue;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The projected value of one attribute, or undefined when nothing of it remains. */
function projectValue(attribute: AttributeDefinition, value: unknown, filter: SubAttributeFilter): unknown {
  if (value === undefined || value === null) return undefined;
  if (attribute.type !== 'complex') return value;
  if (attribute.multiValued && Array.isArray(value)) {
    if (value.length === 0) return value;
    const items = value.flatMap((item) => {
      const picked = isObject(item) ? pickSubAttributes(attribute, item, filter) : undefined;
      return picked ? [picked] : [];
    });
    return items.length > 0 ? items : undefined;
  }
  return isObject(value) ? pickSubAttributes(attribute, value, filter) : undefined;
}

function projectAttributes(
  source: Record<string, unknown>,
  attributes: readonly AttributeDefinition[],
  schemaId: string,
  projector: Projector,
  out: Record<string, unknown>,
): void {
  for (const attribute of attributes) {
    const filter = projector.select(attribute, schemaId);
    if (!filter) continue;
    const value = projectValue(attribute, read(source, attribute.name), filter);
    if (value !== undefined) out[attribute.name] = value;
  }
}

const META = 'meta';

/**
 * Applies `attributes` / `excludedAttributes` to a full resource. The result lists `schemas` first
 * (always returned, RFC 7644 §3.9), then id, externalId, core attributes, extension objects and
 * meta. `schemas` names the core schema and the extensions left in the output, since it lists the
 * schemas of the attributes present (RFC 7643 §3).
 */
export function project(
  resource: Record<string, unknown>,
  schema: ResourceSchema,
  params: ProjectionParams,
): Record<string, unknown> {
  const projector = new Projector(schema, params);
  const coreId = schema.core.id;
  const body: Record<string, unknown> = {};
  const common = COMMON_ATTRIBUTES.filter((a) => a.name !== META);
  projectAttributes(resource, [...common, ...schema.core.attributes], coreId, projector, body);

  const schemas = [coreId];
  for (const { schema: extension } of schema.extensions) {
    const source = read(resource, extension.id);
    if (!isObject(source)) continue;
    const projected: Record<string, unknown> = {};
    projectAttributes(source, extension.attributes, extension.id, projector, projected);
    if (Object.keys(projected).length === 0) continue;
    body[extension.id] = projected;
    schemas.push(extension.id);
  }

  projectAttributes(
    resource,
    COMMON_ATTRIBUTES.filter((a) => a.name === META),
    coreId,
    projector,
    body,
  );
  return { schemas, ...body };
}

/**
 * Whether `project` would return (some of) the named attribute, so that a store can skip reading
 * what will not be returned: group `members` under `excludedAttributes=members` (Entra) or
 * `attributes=displayName`. A whole schema URN counts when any of its attributes would be returned.
 */
export function isAttributeRequested(
  schema: ResourceSchema,
  params: ProjectionParams,
  name: string,
): boolean {
  const resolved = resolveAttributeName(schema, name);
  if (!resolved) return false;
  const projector = new Projector(schema, params);
  if (resolved.kind === 'schema') {
    const attributes = resolved.isExtension
      ? resolved.schema.attributes
      : [...COMMON_ATTRIBUTES, ...resolved.schema.attributes];
    return attributes.some((attribute) => projector.select(attribute, resolved.schema.id) !== undefined);
  }
  const filter = projector.select(resolved.attribute, resolved.schema.id);
  if (!filter) return false;
  return resolved.subAttribute ? filter(resolved.subAttribute) : true;
}
