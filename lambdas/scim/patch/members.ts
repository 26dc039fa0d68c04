/**
 * Group membership in PATCH: members are never loaded (one item per membership edge), so membership
 * operations are translated into edge changes and the rest is left for `applyPatch`.
 */
import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import { parsePatchPath } from '../filter/parse';
import { jsonTypeOf } from '../schemas/attributes';
import { isObject, readKey } from './keys';
import { type PatchOperation, withOperationIndex } from './message';

/** A change to a group's membership edges, in request order (see `planGroupPatch`). */
export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; ids: string[] };

const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

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
    // A value filter selects single members: the value is one member object (RFC 7644 §3.5.2.3).
    const ids = isObject(value) ? memberIds([value]) : memberIds(value);
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

/**
 * The member ids of a members value: an array of `{value, display?, $ref?, type?}` objects, checked
 * like any multi-valued complex value (a single object, a bare id or a non-string sub-attribute is a
 * 400); `null` is no members, and a null sub-attribute is absent (Entra's `"$ref": null`).
 */
const MEMBER_SUB_ATTRIBUTES = ['value', '$ref', 'display', 'type'];

function memberIds(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `Attribute 'members' is multi-valued: its value must be an array, not ${jsonTypeOf(value)}`,
    );
  }
  const ids: string[] = [];
  value.forEach((item, index) => {
    if (!isObject(item)) {
      throw ScimError.badRequest(
        'invalidValue',
        `Attribute 'members[${index}]' must be of type complex (an object), not ${jsonTypeOf(item)}`,
      );
    }
    for (const [key, sub] of Object.entries(item)) {
      // The sub-attributes of `members` (RFC 7643 §4.2) are all strings.
      if (!MEMBER_SUB_ATTRIBUTES.includes(key.toLowerCase())) continue;
      if (sub !== null && sub !== undefined && typeof sub !== 'string') {
        throw ScimError.badRequest(
          'invalidValue',
          `Attribute 'members[${index}].${key}' must be of type string, not ${jsonTypeOf(sub)}`,
        );
      }
    }
    const id = readKey(item, 'value');
    if (typeof id !== 'string' || id.trim() === '') {
      throw ScimError.badRequest('invalidValue', "Each member must have a non-empty string 'value'");
    }
    if (!ids.includes(id)) ids.push(id);
  });
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
