import { randomUUID } from 'node:crypto';
import { etagOf, ifNoneMatchHolds } from '../scim/etag';
import { excerpt } from '../scim/excerpt';
import type { AttributePath, Filter } from '../scim/filter/ast';
import { compileFilter } from '../scim/filter/evaluate';
import { indexableEqualities } from '../scim/filter/plan';
import type { ListQuery } from '../scim/list-request';
import { normalizeResource } from '../scim/normalize';
import { applyPatch, type MemberChange, parsePatchRequest, planGroupPatch } from '../scim/patch';
import { GROUP_SCHEMA_URN } from '../scim/schemas';
import {
  GroupVanishedError,
  InvalidInputError,
  NotFoundError,
  ReplaceSupersededError,
  WriteConflictError,
} from './errors';
import type { GroupRecord, MemberAdd, MemberRef } from './group-record';
import type { ProvisioningSource } from './idp';
import { compareByIndexKey, type ListSource, listByQuery } from './list';
import type { GroupRepository, MembershipRepository, UserRepository } from './ports';
import { checkBytes, STORAGE_LIMITS } from './storage-limits';
import { groupSchema } from './tenant-schemas';
import { externalIdOf } from './user-record';
import { memberDisplayOf } from './users';
import { checkIfMatch, retryOnConflict } from './write-conflicts';

/** Group ids are UUIDs (randomUUID at create): only such an id can have edges left to sweep. */
const GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** GET with If-None-Match naming the current version: 304, members not read (RFC 7644 §3.14). */
export type GroupRead = { notModified: boolean; group: GroupRecord };

const SERVER_ATTRIBUTES = ['id', 'meta', 'schemas', 'members'];

/**
 * The rules of SCIM groups (RFC 7643 §4.2) with memberships kept as one item per (group, member).
 * The cost of a change grows with the number of changed members, never with the group's size —
 * except `replace` of the whole member set, which must compare against every current member.
 */
export class GroupService {
  private readonly schema = groupSchema();

  constructor(
    private readonly groups: GroupRepository,
    private readonly memberships: MembershipRepository,
    private readonly users: UserRepository,
  ) {}

  /** POST (RFC 7644 §3.3); `source` is the IdP of the creating token, shown by the console. */
  async create(tenantId: string, body: unknown, source: ProvisioningSource): Promise<GroupRecord> {
    const resource = normalizeResource(body, this.schema, 'create');
    const memberIds = memberIdsOf(resource.members);
    const adds = await this.validateMembers(tenantId, memberIds);
    const now = new Date().toISOString();
    const group: GroupRecord = {
      tenantId,
      id: randomUUID(),
      displayName: resource.displayName as string,
      attributes: storedAttributes(resource),
      memberCount: 0,
      created: now,
      lastModified: now,
      version: 1,
      source,
    };
    await this.groups.create(group);
    if (adds.length === 0) return group;
    try {
      await this.memberships.apply(tenantId, group.id, adds, [], now);
      // The folded count deltas moved memberCount and the version (the ETag): read them back.
      return (await this.groups.get(tenantId, group.id)) ?? group;
    } catch (error) {
      // Compensation: a create is all or nothing; take the half-made group away again.
      await this.memberships.removeAllOf(tenantId, group.id).catch(() => undefined);
      await this.groups.delete(group).catch(() => undefined);
      throw error;
    }
  }

  /** GET /Groups/{id}: the group; its members are streamed by the caller with `members`. */
  async read(tenantId: string, id: string, ifNoneMatch?: string): Promise<GroupRead> {
    const group = await this.get(tenantId, id);
    return { notModified: ifNoneMatchHolds(ifNoneMatch, group.version), group };
  }

  /** A group's members, page by page from its edges (never loaded whole). */
  members(tenantId: string, groupId: string): AsyncIterable<MemberRef[]> {
    return this.memberships.members(tenantId, groupId);
  }

  /** PUT (RFC 7644 §3.5.1): attributes and the whole member set are replaced. */
  async replace(tenantId: string, id: string, body: unknown, ifMatch?: string): Promise<GroupRecord> {
    const resource = normalizeResource(body, this.schema, 'replace');
    const ids = memberIdsOf(resource.members);
    const attributes = storedAttributes(resource);
    return this.change(
      tenantId,
      id,
      ifMatch,
      () => ({ displayName: resource.displayName as string, attributes }),
      [{ kind: 'replace', ids }],
    );
  }

  /** PATCH (RFC 7644 §3.5.2) as Okta and Entra send it; membership operations become edge changes. */
  async patch(tenantId: string, id: string, body: unknown, ifMatch?: string): Promise<GroupRecord> {
    const schema = this.schema;
    const { memberChanges, otherOperations } = planGroupPatch(parsePatchRequest(body));
    const edit =
      otherOperations.length === 0
        ? undefined
        : (current: GroupRecord) => {
            const base = {
              schemas: [GROUP_SCHEMA_URN],
              displayName: current.displayName,
              ...current.attributes,
            };
            const { resource } = applyPatch(base, otherOperations, schema);
            const normalized = normalizeResource(resource, schema, 'replace');
            return {
              displayName: normalized.displayName as string,
              attributes: storedAttributes(normalized),
            };
          };
    return this.change(tenantId, id, ifMatch, edit, memberChanges);
  }

  /**
   * DELETE: the group item (with its tombstone) in one transaction, then its edges swept page by page.
   * A sweep cut short (a throttled or failed call, a crash) leaves edges of a group that is gone; the
   * IdP's retry of the DELETE then finds no group, so a 404 sweeps again before it answers (safe to
   * repeat; an id that cannot name a group costs nothing).
   */
  async delete(tenantId: string, id: string, ifMatch?: string): Promise<void> {
    const group = await this.groups.get(tenantId, id);
    if (!group) {
      if (GROUP_ID.test(id)) await this.memberships.removeAllOf(tenantId, id);
      throw new NotFoundError(`Group ${excerpt(id)} not found`);
    }
    checkIfMatch(group, ifMatch);
    try {
      await this.groups.delete(group);
    } catch (error) {
      if (error instanceof WriteConflictError) {
        throw new NotFoundError(`Group ${excerpt(id)} not found`, { cause: error });
      }
      throw error;
    }
    // The group is gone for every reader; its edges are swept page by page (safe to repeat).
    await this.memberships.removeAllOf(tenantId, id);
  }

  /** GET /Groups and POST /Groups/.search; members are never loaded (see memberTermsOf). */
  async list(
    tenantId: string,
    query: ListQuery,
    baseUrl: string,
  ): Promise<{ groups: GroupRecord[]; totalResults: number; nextCursor?: string }> {
    const { items, totalResults, nextCursor } = await listByQuery(
      query,
      this.listSource(tenantId, query, baseUrl),
    );
    return { groups: items, totalResults, ...(nextCursor ? { nextCursor } : {}) };
  }

  private listSource(tenantId: string, query: ListQuery, baseUrl: string): ListSource<GroupRecord> {
    const groups = this.groups;
    const test = query.filter ? compileFilter(query.filter, this.schema) : () => true;
    const terms = query.filter ? memberTermsOf(query.filter) : undefined;
    const asked = terms ? [...terms.ids] : [];
    // Members are not loaded: a group is rendered with just the members the filter names that really
    // are members (one strongly consistent BatchGet of edges) — plus, for `members pr`, a stand-in
    // when its count says it has others — then the filter is evaluated. This is exact because the
    // filter may only test members by `value eq` (and `pr`), see memberTermsOf.
    const matches = async (group: GroupRecord) => {
      const present = asked.length ? [...(await this.memberships.existing(tenantId, group.id, asked))] : [];
      const members: MemberRef[] = present.map((value) => ({ value }));
      if (terms?.presence && members.length === 0 && group.memberCount > 0) {
        members.push({ value: terms.standIn });
      }
      return test(renderGroup(group, baseUrl, members));
    };
    return {
      count: () => groups.count(tenantId),
      page: (startIndex, count, descending) => groups.page(tenantId, startIndex, count, descending),
      pageByCursor: (cursor, count, descending) =>
        groups.pageByScimCursor(tenantId, count, cursor, descending),
      walk: (descending) => groups.walk(tenantId, descending),
      indexed: (filter) => this.indexedCandidates(tenantId, filter),
      matching: async (page) => {
        const kept: GroupRecord[] = [];
        for (const group of page) if (await matches(group)) kept.push(group);
        return kept;
      },
      compare: (a, b) => compareByIndexKey(a.displayName, a.id, b.displayName, b.id),
    };
  }

  private indexedCandidates(tenantId: string, filter: Filter): AsyncIterable<GroupRecord[]> | undefined {
    const equalities = indexableEqualities(filter);
    const equality = equalities.find((e) => ['id', 'displayname', 'externalid'].includes(e.attribute));
    const member = equalities.find((e) => e.attribute === 'members.value');
    const { groups, memberships } = this;
    if (!equality && member) {
      // Groups of one user: the reverse edges in the user's partition.
      return (async function* () {
        for await (const ids of memberships.groupIdsOf(tenantId, member.value)) {
          yield (await groups.getMany(tenantId, ids)).filter((g): g is GroupRecord => !!g);
        }
      })();
    }
    if (!equality) return undefined;
    return (async function* () {
      if (equality.attribute === 'id') {
        const group = await groups.get(tenantId, equality.value);
        if (group) yield [group];
      } else if (equality.attribute === 'displayname') {
        const group = await groups.findByDisplayName(tenantId, equality.value);
        if (group) yield [group];
      } else {
        for await (const ids of groups.idsByExternalId(tenantId, equality.value)) {
          yield (await groups.getMany(tenantId, ids)).filter((g): g is GroupRecord => !!g);
        }
      }
    })();
  }

  /**
   * Applies an attribute edit and member changes. Everything is validated before anything is written
   * (members must be users of this tenant: else 400 invalidValue and nothing applied); then the
   * attribute change is written under optimistic concurrency, then the member edges in idempotent
   * transactions of at most 100 items (docs/decisions.md, "Group changes beyond 100 items").
   */
  private async change(
    tenantId: string,
    id: string,
    ifMatch: string | undefined,
    edit:
      | ((current: GroupRecord) => { displayName: string; attributes: Record<string, unknown> })
      | undefined,
    memberChanges: MemberChange[],
  ): Promise<GroupRecord> {
    const plan = netMembership(memberChanges);
    // An unknown group is a 404 whatever its request holds; then the members are checked.
    let group = await this.get(tenantId, id);
    checkIfMatch(group, ifMatch);
    const adds = await this.validateMembers(tenantId, [...plan.add]);
    if (edit) group = await this.writeAttributes(group, edit, ifMatch);
    const now = new Date().toISOString();
    try {
      let removed = 0;
      let added = 0;
      let ticket: number | undefined;
      let toAdd = adds;
      if (plan.removeOthers) {
        // replace: every current member not in the new set goes, a page at a time. The ticket keeps
        // two replaces from interleaving (which would leave the union of both sets). The scan is a
        // consistent read, so it also tells which of the new members are already there: those cost
        // nothing, and the rest are written without reading their edges again.
        ticket = await this.memberships.beginReplace(tenantId, id);
        const staying = new Set<string>();
        for await (const page of this.memberships.members(tenantId, id)) {
          const leaving: string[] = [];
          for (const { value } of page) {
            if (plan.add.has(value)) staying.add(value);
            else leaving.push(value);
          }
          if (leaving.length > 0)
            removed += (await this.memberships.apply(tenantId, id, [], leaving, now, ticket, true)).removed;
        }
        toAdd = adds.filter((a) => !staying.has(a.userId));
      }
      const result = await this.memberships.apply(
        tenantId,
        id,
        toAdd,
        [...plan.remove],
        now,
        ticket,
        plan.removeOthers,
      );
      removed += result.removed;
      added += result.added;
      if (added + removed === 0) return group;
    } catch (error) {
      if (error instanceof GroupVanishedError) {
        throw new NotFoundError(`Group ${excerpt(id)} not found`, { cause: error });
      }
      // A later replace started: it applies over this one, as if this one had finished first.
      if (error instanceof ReplaceSupersededError) return this.get(tenantId, id);
      throw error;
    }
    return this.get(tenantId, id);
  }

  private async writeAttributes(
    current: GroupRecord,
    edit: (current: GroupRecord) => { displayName: string; attributes: Record<string, unknown> },
    ifMatch: string | undefined,
  ): Promise<GroupRecord> {
    let latest = current;
    return retryOnConflict('group', ifMatch, async (attempt) => {
      // Attribute writes lose the version race to renames and to member changes (which move it too).
      if (attempt > 1) latest = await this.get(latest.tenantId, latest.id);
      const { displayName, attributes } = edit(latest);
      if (
        displayName === latest.displayName &&
        JSON.stringify(attributes) === JSON.stringify(latest.attributes)
      ) {
        return latest;
      }
      const next: GroupRecord = {
        ...latest,
        displayName,
        attributes,
        lastModified: new Date().toISOString(),
        version: latest.version + 1,
      };
      await this.groups.replaceAttributes(latest, next);
      return next;
    });
  }

  private async get(tenantId: string, id: string): Promise<GroupRecord> {
    const group = await this.groups.get(tenantId, id);
    if (!group) throw new NotFoundError(`Group ${excerpt(id)} not found`);
    return group;
  }

  /** Every member must be a user of this tenant (a foreign tenant's id is simply not found here). */
  private async validateMembers(tenantId: string, ids: string[]): Promise<MemberAdd[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, MemberAdd>();
    // One call: the store reads them 100 at a time, several batches in flight.
    for (const user of await this.users.getMany(tenantId, ids)) {
      found.set(user.id, { userId: user.id, display: memberDisplayOf(user) });
    }
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      const shown = unknown
        .slice(0, 10)
        .map((id) => excerpt(id))
        .join(', ');
      throw new InvalidInputError(
        `members must be users of this tenant; unknown: ${shown}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`,
      );
    }
    return ids.map((id) => found.get(id) as MemberAdd);
  }
}

/**
 * Folds ordered member changes into a net plan: which ids end up present, which absent, and whether
 * every other current member goes (after `replace` or `remove members`).
 */
export function netMembership(changes: MemberChange[]): {
  add: Set<string>;
  remove: Set<string>;
  removeOthers: boolean;
} {
  const add = new Set<string>();
  const remove = new Set<string>();
  let removeOthers = false;
  for (const change of changes) {
    if (change.kind === 'removeAll' || change.kind === 'replace') {
      add.clear();
      remove.clear();
      removeOthers = true;
    }
    if (change.kind === 'add' || change.kind === 'replace') {
      for (const id of change.ids) {
        add.add(id);
        remove.delete(id);
      }
    }
    if (change.kind === 'remove') {
      for (const id of change.ids) {
        add.delete(id);
        if (!removeOthers) remove.add(id);
      }
    }
  }
  return { add, remove, removeOthers };
}

const GROUP_URN_LOWER = GROUP_SCHEMA_URN.toLowerCase();

const isMembers = (path: AttributePath) =>
  path.attribute.toLowerCase() === 'members' &&
  (path.schema === undefined || path.schema.toLowerCase() === GROUP_URN_LOWER);

/**
 * What a list filter asks about members, which are never loaded whole: the ids it compares with
 * `value eq "<id>"` (anywhere: under and, or, not, in `members[...]` or as `members.value`) and
 * whether it tests presence (`members pr`, `members eq null`). Both are answered exactly from the
 * edges and the member count. Any other member condition (`display`, `co`, `ne "x"`, `not` inside a
 * value filter) would need every member of every group: 400 invalidFilter (RFC 7644 §3.12).
 */
export function memberTermsOf(filter: Filter): { ids: Set<string>; presence: boolean; standIn: string } {
  const ids = new Set<string>();
  let presence = false;
  const unsupported = (): never => {
    throw new InvalidInputError(
      'Groups can be filtered on members only by members[value eq "<id>"] (with and, or, not) and members pr',
      { scimType: 'invalidFilter' },
    );
  };
  const isValueEq = (f: Filter): f is Extract<Filter, { kind: 'compare' }> =>
    f.kind === 'compare' && f.op === 'eq' && typeof f.value === 'string';
  // Inside members[...]: only `value eq "<id>"` joined by and/or (a `not` would ask about the others).
  const inner = (f: Filter): void => {
    if (f.kind === 'and' || f.kind === 'or') {
      inner(f.left);
      inner(f.right);
    } else if (
      isValueEq(f) &&
      f.path.schema === undefined &&
      f.path.subAttribute === undefined &&
      f.path.attribute.toLowerCase() === 'value'
    ) {
      ids.add(f.value as string);
    } else unsupported();
  };
  const walk = (f: Filter): void => {
    switch (f.kind) {
      case 'and':
      case 'or':
        walk(f.left);
        walk(f.right);
        return;
      case 'not':
        walk(f.filter);
        return;
      case 'valuePath':
        if (!isMembers(f.path)) return;
        if (f.path.subAttribute !== undefined) unsupported();
        inner(f.filter);
        return;
      case 'present':
      case 'compare': {
        if (!isMembers(f.path)) return;
        const sub = f.path.subAttribute?.toLowerCase() ?? 'value';
        if (sub !== 'value') unsupported();
        if (f.kind === 'present' || (f.value === null && (f.op === 'eq' || f.op === 'ne'))) presence = true;
        else if (isValueEq(f)) ids.add(f.value as string);
        else unsupported();
        return;
      }
    }
  };
  walk(filter);
  // A member value no condition names: it stands for "some other member" in presence tests.
  let standIn = '#other';
  while (ids.has(standIn)) standIn += '#';
  return { ids, presence, standIn };
}

function memberIdsOf(members: unknown): string[] {
  if (!Array.isArray(members)) return [];
  const ids = members.map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>).value : m));
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InvalidInputError('Each member needs a non-empty "value" (the user id)');
    }
  }
  return [...new Set(ids as string[])];
}

/**
 * The attributes kept on the group item (members and displayName live elsewhere). displayName and
 * externalId are keys (guard, index, lookup edge): values DynamoDB would refuse are a 400 here.
 */
function storedAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (!SERVER_ATTRIBUTES.includes(name) && name !== 'displayName') attributes[name] = value;
  }
  checkBytes('displayName', String(resource.displayName ?? '').toLowerCase(), STORAGE_LIMITS.nameBytes);
  checkBytes('externalId', externalIdOf(attributes), STORAGE_LIMITS.lookupValueBytes);
  checkBytes("The group's attributes (as JSON)", JSON.stringify(attributes), STORAGE_LIMITS.attributesBytes);
  return attributes;
}

/** The SCIM representation (RFC 7643 §4.2) with meta; `members` only when the caller passes them. */
export function renderGroup(
  group: GroupRecord,
  baseUrl: string,
  members?: MemberRef[],
): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA_URN],
    id: group.id,
    displayName: group.displayName,
    ...group.attributes,
    ...(members ? { members: members.map((m) => renderMember(m, baseUrl)) } : {}),
    meta: {
      resourceType: 'Group',
      created: group.created,
      lastModified: group.lastModified,
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}

export function renderMember(member: MemberRef, baseUrl: string): Record<string, unknown> {
  return {
    value: member.value,
    ...(member.display !== undefined ? { display: member.display } : {}),
    $ref: `${baseUrl}/Users/${member.value}`,
    type: 'User',
  };
}
