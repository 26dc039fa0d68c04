/**
 * Query planning: which equality conditions a filter cannot match without. The store fetches the
 * candidates for one of them by key and then evaluates the whole filter on each candidate, so the
 * result only has to be sound (every returned condition is required), not complete.
 *
 * Only `eq` with a string value counts, and only as a required conjunct: at the top level or inside
 * `and` chains (including the conjuncts of a value filter), never under `or` or `not`.
 */
import type { AttributePath, Filter } from './ast';

export type IndexableAttribute =
  | 'username'
  | 'externalid'
  | 'id'
  | 'emails.value'
  | 'displayname'
  | 'members.value'
  /** A user's groups: answered from the group's member edges. */
  | 'groups.value';

export interface IndexableEquality {
  /** Canonical, lowercased attribute key. */
  attribute: IndexableAttribute;
  /** The value exactly as the client sent it; the store applies the attribute's caseExact folding. */
  value: string;
}

/** Core schema URNs (RFC 7643 §8.7.1): `urn:ietf:params:scim:schemas:core:2.0:User` / `:Group`. */
const CORE_SCHEMA_PREFIX = 'urn:ietf:params:scim:schemas:core:2.0:';

/** Attribute path (lowercased, without schema) -> index key. A complex attribute alone means its "value". */
const INDEXABLE: ReadonlyMap<string, IndexableAttribute> = new Map([
  ['username', 'username'],
  ['externalid', 'externalid'],
  ['id', 'id'],
  ['displayname', 'displayname'],
  ['emails', 'emails.value'],
  ['emails.value', 'emails.value'],
  ['members', 'members.value'],
  ['members.value', 'members.value'],
  ['groups', 'groups.value'],
  ['groups.value', 'groups.value'],
]);

/** Multi-valued attributes whose value filter (`emails[value eq "x"]`) can use the "value" index. */
const VALUE_INDEXED: ReadonlyMap<string, IndexableAttribute> = new Map([
  ['emails', 'emails.value'],
  ['members', 'members.value'],
  ['groups', 'groups.value'],
]);

const isCoreOrUnqualified = (path: AttributePath) =>
  path.schema === undefined || path.schema.toLowerCase().startsWith(CORE_SCHEMA_PREFIX);

/**
 * Whether the filter names the attribute anywhere (`groups`, `groups.value`, `groups[...]`, also
 * under `not` and `or`), so that the caller can supply what resources lack until asked for.
 */
export function referencesAttribute(filter: Filter, name: string): boolean {
  const lower = name.toLowerCase();
  switch (filter.kind) {
    case 'compare':
    case 'present':
    case 'valuePath':
      return isCoreOrUnqualified(filter.path) && filter.path.attribute.toLowerCase() === lower;
    case 'and':
    case 'or':
      return referencesAttribute(filter.left, name) || referencesAttribute(filter.right, name);
    case 'not':
      return referencesAttribute(filter.filter, name);
  }
}

/** The conjuncts of an `and` chain, left to right. */
function conjuncts(filter: Filter): Filter[] {
  return filter.kind === 'and' ? [...conjuncts(filter.left), ...conjuncts(filter.right)] : [filter];
}

/**
 * Equality conditions on indexed attributes that every match of the filter satisfies, in filter order.
 * E.g. `userName eq "a" and active eq true` -> [{attribute: 'username', value: 'a'}];
 * Entra's `emails[type eq "work"].value eq "x"` -> [{attribute: 'emails.value', value: 'x'}].
 */
export function indexableEqualities(filter: Filter): IndexableEquality[] {
  const found: IndexableEquality[] = [];
  for (const part of conjuncts(filter)) {
    if (part.kind === 'compare') {
      if (!isCoreOrUnqualified(part.path)) continue;
      if (part.op !== 'eq' || typeof part.value !== 'string') continue;
      const { attribute, subAttribute } = part.path;
      const key = INDEXABLE.get(
        (subAttribute === undefined ? attribute : `${attribute}.${subAttribute}`).toLowerCase(),
      );
      if (key) found.push({ attribute: key, value: part.value });
    } else if (
      part.kind === 'valuePath' &&
      isCoreOrUnqualified(part.path) &&
      part.path.subAttribute === undefined
    ) {
      const key = VALUE_INDEXED.get(part.path.attribute.toLowerCase());
      if (!key) continue;
      for (const inner of conjuncts(part.filter)) {
        if (
          inner.kind === 'compare' &&
          inner.op === 'eq' &&
          typeof inner.value === 'string' &&
          inner.path.schema === undefined &&
          inner.path.subAttribute === undefined &&
          inner.path.attribute.toLowerCase() === 'value'
        ) {
          found.push({ attribute: key, value: inner.value });
        }
      }
    }
  }
  return found;
}
