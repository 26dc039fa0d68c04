import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors';
import type { Filter } from '../scim/filter/ast';
import { compileFilter } from '../scim/filter/evaluate';
import { indexableEqualities } from '../scim/filter/plan';
import { normalizeResource } from '../scim/normalize';
import { applyPatch, type MemberChange, parsePatchRequest, planGroupPatch } from '../scim/patch';
import { GROUP_SCHEMA_URN } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import type { DynamoGroupRepository } from '../store/group-repository';
import {
  type DynamoMembershipRepository,
  GroupVanishedError,
  type MemberAdd,
} from '../store/membership-repository';
import { ConcurrentModificationError, type DynamoUserRepository } from '../store/user-repository';
import type { GroupRecord, MemberRef } from './group-record';
import { collectCandidates, type ListQuery, windowOfMatches } from './list-query';
import { etagOf } from './user-record';
import { checkIfMatch } from './users';

const MAX_WRITE_ATTEMPTS = 5;
const SERVER_ATTRIBUTES = ['id', 'meta', 'schemas', 'members'];

/**
 * The rules of SCIM groups (RFC 7643 §4.2) with memberships kept as one item per (group, member).
 * The cost of a change grows with the number of changed members, never with the group's size —
 * except `replace` of the whole member set, which must compare against every current member.
 */
export class GroupService {
  constructor(
    private readonly groups: DynamoGroupRepository,
    private readonly memberships: DynamoMembershipRepository,
    private readonly users: DynamoUserRepository,
  ) {}

  async create(tenantId: string, body: unknown, schema: ResourceSchema): Promise<GroupRecord> {
    const resource = normalizeResource(body, schema, 'create');
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
    };
    await this.groups.create(group);
    if (adds.length === 0) return group;
    try {
      const { added } = await this.memberships.apply(tenantId, group.id, adds, [], now);
      return { ...group, memberCount: added, version: group.version + Math.ceil(adds.length / 32) };
    } catch (error) {
      // Compensation: a create is all or nothing; take the half-made group away again.
      await this.memberships.removeAllOf(tenantId, group.id).catch(() => undefined);
      await this.groups.delete(group).catch(() => undefined);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<GroupRecord> {
    const group = await this.groups.get(tenantId, id);
    if (!group) throw ScimError.notFound(`Group ${id} not found`);
    return group;
  }

  members(tenantId: string, groupId: string): AsyncIterable<MemberRef[]> {
    return this.memberships.members(tenantId, groupId);
  }

  /** PUT (RFC 7644 §3.5.1): attributes and the whole member set are replaced. */
  async replace(
    tenantId: string,
    id: string,
    body: unknown,
    schema: ResourceSchema,
    ifMatch?: string,
  ): Promise<GroupRecord> {
    const resource = normalizeResource(body, schema, 'replace');
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
  async patch(
    tenantId: string,
    id: string,
    body: unknown,
    schema: ResourceSchema,
    ifMatch?: string,
  ): Promise<GroupRecord> {
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

  async delete(tenantId: string, id: string, ifMatch?: string): Promise<void> {
    const group = await this.get(tenantId, id);
    checkIfMatch(group, ifMatch);
    try {
      await this.groups.delete(group);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) throw ScimError.notFound(`Group ${id} not found`);
      throw error;
    }
    // The group is gone for every reader; its edges are swept page by page (safe to repeat).
    await this.memberships.removeAllOf(tenantId, id);
  }

  async list(
    tenantId: string,
    query: ListQuery,
    baseUrl: string,
    schema: ResourceSchema,
  ): Promise<{ groups: GroupRecord[]; totalResults: number }> {
    if (!query.filter) {
      const totalResults = await this.groups.count(tenantId);
      if (query.count === 0 || query.startIndex > totalResults) return { groups: [], totalResults };
      return {
        groups: await this.groups.page(tenantId, query.startIndex, query.count, query.descending),
        totalResults,
      };
    }
    const candidates = this.indexedCandidates(tenantId, query.filter);
    // Members are not loaded: a group is rendered with just the members the filter asks about that
    // really are members (one strongly consistent BatchGet of edges), then the filter is evaluated.
    const asked = indexableEqualities(query.filter)
      .filter((e) => e.attribute === 'members.value')
      .map((e) => e.value);
    const test = compileFilter(query.filter, schema);
    const matches = async (group: GroupRecord) => {
      const present = asked.length ? [...(await this.memberships.existing(tenantId, group.id, asked))] : [];
      return test(
        renderGroup(
          group,
          baseUrl,
          present.map((value) => ({ value })),
        ),
      );
    };
    const filtered = filterAsync(candidates ?? this.groups.walk(tenantId, query.descending), matches);
    if (!candidates) {
      const { items, totalResults } = await windowOfMatches(
        filtered,
        () => true,
        query.startIndex,
        query.count,
      );
      return { groups: items, totalResults };
    }
    const all = await collectCandidates(filtered, () => true);
    all.sort((a, b) => compareNames(a, b) * (query.descending ? -1 : 1));
    return {
      groups: all.slice(query.startIndex - 1, query.startIndex - 1 + query.count),
      totalResults: all.length,
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
   * transactions of at most 32 changes (docs/decisions.md, "Group changes beyond 100 items").
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
      if (plan.removeOthers) {
        // replace: every current member not in the new set goes, a page at a time.
        for await (const page of this.memberships.members(tenantId, id)) {
          const leaving = page.map((m) => m.value).filter((v) => !plan.add.has(v));
          if (leaving.length > 0)
            removed += (await this.memberships.apply(tenantId, id, [], leaving, now)).removed;
        }
      }
      const result = await this.memberships.apply(tenantId, id, adds, [...plan.remove], now);
      removed += result.removed;
      added += result.added;
      if (added + removed === 0) return group;
    } catch (error) {
      if (error instanceof GroupVanishedError) throw ScimError.notFound(`Group ${id} not found`);
      throw error;
    }
    return this.get(tenantId, id);
  }

  private async writeAttributes(
    current: GroupRecord,
    edit: (current: GroupRecord) => { displayName: string; attributes: Record<string, unknown> },
    ifMatch: string | undefined,
  ): Promise<GroupRecord> {
    for (let attempt = 1; ; attempt++) {
      const { displayName, attributes } = edit(current);
      if (
        displayName === current.displayName &&
        JSON.stringify(attributes) === JSON.stringify(current.attributes)
      ) {
        return current;
      }
      const next: GroupRecord = {
        ...current,
        displayName,
        attributes,
        lastModified: new Date().toISOString(),
        version: current.version + 1,
      };
      try {
        await this.groups.replaceAttributes(current, next);
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError) || ifMatch || attempt >= MAX_WRITE_ATTEMPTS) {
          if (error instanceof ConcurrentModificationError) {
            throw ScimError.preconditionFailed(
              'The group was modified concurrently; read it again and retry',
            );
          }
          throw error;
        }
        current = await this.get(current.tenantId, current.id);
      }
    }
  }

  /** Every member must be a user of this tenant (a foreign tenant's id is simply not found here). */
  private async validateMembers(tenantId: string, ids: string[]): Promise<MemberAdd[]> {
    if (ids.length === 0) return [];
    const found = new Map<string, MemberAdd>();
    for (let i = 0; i < ids.length; i += 100) {
      for (const user of await this.users.getMany(tenantId, ids.slice(i, i + 100))) {
        const displayName = user.attributes.displayName;
        found.set(user.id, {
          userId: user.id,
          display: typeof displayName === 'string' ? displayName : user.userName,
        });
      }
    }
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 10).join(', ');
      throw ScimError.badRequest(
        'invalidValue',
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

function memberIdsOf(members: unknown): string[] {
  if (!Array.isArray(members)) return [];
  const ids = members.map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>).value : m));
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0) {
      throw ScimError.badRequest('invalidValue', 'Each member needs a non-empty "value" (the user id)');
    }
  }
  return [...new Set(ids as string[])];
}

function storedAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (!SERVER_ATTRIBUTES.includes(name) && name !== 'displayName') attributes[name] = value;
  }
  return attributes;
}

function compareNames(a: GroupRecord, b: GroupRecord): number {
  const left = `${a.displayName.toLowerCase()}#${a.id}`;
  const right = `${b.displayName.toLowerCase()}#${b.id}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

async function* filterAsync<T>(
  pages: AsyncIterable<T[]>,
  keep: (item: T) => Promise<boolean>,
): AsyncGenerator<T[]> {
  for await (const page of pages) {
    const kept: T[] = [];
    for (const item of page) if (await keep(item)) kept.push(item);
    if (kept.length > 0) yield kept;
  }
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
