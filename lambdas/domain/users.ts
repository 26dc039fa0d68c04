import { randomUUID } from 'node:crypto';
import { etagOf, ifNoneMatchHolds } from '../scim/etag';
import { excerpt } from '../scim/excerpt';
import type { Filter } from '../scim/filter/ast';
import { compileFilter } from '../scim/filter/evaluate';
import { indexableEqualities, referencesAttribute } from '../scim/filter/plan';
import { foldIdentifier } from '../scim/identifiers';
import type { ListQuery } from '../scim/list-request';
import { normalizeResource } from '../scim/normalize';
import { applyPatch, parsePatchRequest } from '../scim/patch';
import { USER_SCHEMA_URN } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import { InvalidInputError, NotFoundError } from './errors';
import { compareByIndexKey, type ListSource, listByQuery } from './list';
import type { GroupRepository, MembershipRepository, UserRepository } from './ports';
import { checkBytes, fitsKey, STORAGE_LIMITS } from './storage-limits';
import type { TenantSchemas } from './tenant-schemas';
import { emailKeys, externalIdOf, type UserRecord, type UserSource } from './user-record';
import { checkIfMatch, retryOnConflict } from './write-conflicts';

export interface GroupRef {
  value: string;
  display?: string;
}

/** A user as a SCIM answer needs it: the record, its groups, and the tenant's schema to project with. */
export interface UserView {
  user: UserRecord;
  groups: GroupRef[];
  schema: ResourceSchema;
}

/** GET with If-None-Match naming the current version: nothing more is read (RFC 7644 §3.14). */
export type UserRead = { notModified: true; user: UserRecord } | ({ notModified: false } & UserView);

export interface UserList {
  /** `groups` only when the client asked for them by name (a Query per user). */
  users: { user: UserRecord; groups?: GroupRef[] }[];
  totalResults: number;
  schema: ResourceSchema;
  /** Cursor paging (RFC 9865): the cursor of the next page, absent on the last. */
  nextCursor?: string;
}

/** What groups show for a member: displayName, else userName. */
export function memberDisplayOf(user: UserRecord): string {
  const displayName = user.attributes.displayName;
  return typeof displayName === 'string' && displayName.length > 0 ? displayName : user.userName;
}

/** Attributes kept outside `attributes`: server-assigned or never stored. */
const SERVER_ATTRIBUTES = ['id', 'meta', 'groups', 'password', 'schemas'];

/**
 * The use cases of SCIM users (RFC 7643 §4.1, RFC 7644 §3) over the user, group and membership ports.
 * Each reads the tenant's schema once. `password` is accepted and dropped: this service authenticates
 * no one with it (SSO), so it is never stored, neither in clear nor hashed, and never returned.
 */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly memberships: MembershipRepository,
    private readonly schemas: TenantSchemas,
  ) {}

  /** POST /Users: validate against the tenant's schema, then one transaction (guard, edges, counter). */
  async create(tenantId: string, body: unknown, source: UserSource): Promise<UserView> {
    const schema = await this.schemas.userSchema(tenantId);
    const attributes = toStoredAttributes(normalizeResource(body, schema, 'create'));
    // RFC 7643 §4.1.1 leaves the default to the provider: a create without `active` is active
    // (docs/decisions.md). A later PUT without it, or a PATCH removing it, leaves it unassigned.
    attributes.active ??= true;
    const now = new Date().toISOString();
    const user: UserRecord = {
      tenantId,
      id: randomUUID(),
      userName: attributes.userName as string,
      attributes,
      active: activeOf(attributes),
      created: now,
      lastModified: now,
      version: 1,
      source,
    };
    await this.users.create(user);
    // A user created a moment ago belongs to no group yet: no Query of its (empty) reverse edges.
    return { user, groups: [], schema };
  }

  /** GET /Users/{id}: 304 when If-None-Match names the current version, else the user with its groups. */
  async read(tenantId: string, id: string, ifNoneMatch?: string): Promise<UserRead> {
    const user = await this.get(tenantId, id);
    if (ifNoneMatchHolds(ifNoneMatch, user.version)) return { notModified: true, user };
    return { notModified: false, ...(await this.view(user, await this.schemas.userSchema(tenantId))) };
  }

  /** PUT (RFC 7644 §3.5.1): replaces every writable attribute; an unknown id is a 404, never a create. */
  async replace(tenantId: string, id: string, body: unknown, ifMatch?: string): Promise<UserView> {
    const schema = await this.schemas.userSchema(tenantId);
    const attributes = toStoredAttributes(normalizeResource(body, schema, 'replace'));
    return this.view(await this.update(tenantId, id, ifMatch, () => attributes), schema);
  }

  /** PATCH (RFC 7644 §3.5.2): all operations or none; concurrent writers are retried from a fresh read. */
  async patch(tenantId: string, id: string, body: unknown, ifMatch?: string): Promise<UserView> {
    const schema = await this.schemas.userSchema(tenantId);
    const operations = parsePatchRequest(body);
    const user = await this.update(tenantId, id, ifMatch, (current) => {
      const { resource } = applyPatch(current.attributes, operations, schema);
      // Re-validate the whole result like a PUT body: required userName, types, primary.
      return toStoredAttributes(
        normalizeResource({ ...resource, schemas: [USER_SCHEMA_URN] }, schema, 'replace'),
      );
    });
    return this.view(user, schema);
  }

  /**
   * DELETE: memberships first (a retry finds the user still there), then the user under optimistic
   * concurrency, then a final sweep for an add that raced the delete (adds check that the user exists,
   * so none can follow it).
   */
  async delete(tenantId: string, id: string, ifMatch?: string): Promise<void> {
    checkIfMatch(await this.get(tenantId, id), ifMatch);
    await this.memberships.removeUserEverywhere(tenantId, id, new Date().toISOString());
    await retryOnConflict('user', ifMatch, async () => {
      const current = await this.get(tenantId, id);
      checkIfMatch(current, ifMatch);
      await this.users.delete(current);
    });
    await this.memberships.removeUserEverywhere(tenantId, id, new Date().toISOString());
  }

  /**
   * GET /Users and POST /Users/.search. `groups` costs a Query per user: lists return it only when the
   * client names it in `attributes` (docs/decisions.md); a filter on groups reads them per candidate.
   */
  async list(tenantId: string, query: ListQuery, baseUrl: string): Promise<UserList> {
    const schema = await this.schemas.userSchema(tenantId);
    const { items, totalResults, nextCursor } = await listByQuery(
      query,
      this.listSource(tenantId, query, baseUrl, schema),
    );
    const wantsGroups = query.attributes?.some((a) => /(^|:)groups(\.|$)/i.test(a)) ?? false;
    const users = await Promise.all(
      items.map(async (user) =>
        wantsGroups ? { user, groups: await this.groupsOf(tenantId, user.id) } : { user },
      ),
    );
    return { users, totalResults, schema, ...(nextCursor ? { nextCursor } : {}) };
  }

  /**
   * A user's groups (RFC 7643 §4.1.2, readOnly, type "direct"): the reverse edges in the user's
   * partition plus one BatchGet of those groups for their names — O(1 + the user's groups). Edges of
   * groups deleted meanwhile are dropped here (lazy cleanup).
   */
  async groupsOf(tenantId: string, userId: string): Promise<GroupRef[]> {
    const refs: GroupRef[] = [];
    for await (const ids of this.memberships.groupIdsOf(tenantId, userId)) {
      const found = await this.groups.getMany(tenantId, ids);
      const stale = ids.filter((_, i) => !found[i]);
      if (stale.length > 0) await this.memberships.dropStaleReverseEdges(tenantId, userId, stale);
      for (const group of found) if (group) refs.push({ value: group.id, display: group.displayName });
    }
    return refs;
  }

  private async get(tenantId: string, id: string): Promise<UserRecord> {
    const user = await this.users.get(tenantId, id);
    if (!user) throw new NotFoundError(`User ${excerpt(id)} not found`);
    return user;
  }

  private async view(user: UserRecord, schema: ResourceSchema): Promise<UserView> {
    return { user, groups: await this.groupsOf(user.tenantId, user.id), schema };
  }

  private listSource(
    tenantId: string,
    query: ListQuery,
    baseUrl: string,
    schema: ResourceSchema,
  ): ListSource<UserRecord> {
    const users = this.users;
    const test = query.filter ? compileFilter(query.filter, schema) : () => true;
    // The filter is evaluated on the rendered user; `groups` are added only when it names them.
    const withGroups = query.filter ? referencesAttribute(query.filter, 'groups') : false;
    return {
      count: () => users.count(tenantId),
      page: (startIndex, count, descending) => users.page(tenantId, startIndex, count, descending),
      pageByCursor: (cursor, count, descending) =>
        users.pageByScimCursor(tenantId, count, cursor, descending),
      walk: (descending) => users.walk(tenantId, descending),
      indexed: (filter) => this.indexedCandidates(tenantId, filter),
      matching: async (page) => {
        const verdicts = await Promise.all(
          page.map(async (user) => {
            const resource = renderUser(user, baseUrl);
            if (withGroups) resource.groups = renderGroups(await this.groupsOf(tenantId, user.id), baseUrl);
            return test(resource);
          }),
        );
        return page.filter((_, i) => verdicts[i]);
      },
      compare: (a, b) => compareByIndexKey(a.userName, a.id, b.userName, b.id),
    };
  }

  /**
   * Plan, don't scan: `eq` on id, userName, externalId or emails.value is answered from keys, and
   * `groups.value eq` from the group's member edges.
   */
  private indexedCandidates(tenantId: string, filter: Filter): AsyncIterable<UserRecord[]> | undefined {
    const equality = indexableEqualities(filter).find((e) =>
      ['id', 'username', 'externalid', 'emails.value', 'groups.value'].includes(e.attribute),
    );
    if (!equality) return undefined;
    const { users, memberships } = this;
    return (async function* () {
      switch (equality.attribute) {
        case 'id': {
          const user = await users.get(tenantId, equality.value);
          if (user) yield [user];
          return;
        }
        case 'username': {
          const user = await users.findByUserName(tenantId, equality.value);
          if (user) yield [user];
          return;
        }
        case 'groups.value': {
          if (!fitsKey(equality.value, STORAGE_LIMITS.lookupValueBytes)) return;
          for await (const members of memberships.members(tenantId, equality.value, 100)) {
            yield await users.getMany(
              tenantId,
              members.map((m) => m.value),
            );
          }
          return;
        }
        default: {
          const edge = equality.attribute === 'externalid' ? 'externalId' : 'email';
          for await (const ids of users.idsByEdge(tenantId, edge, equality.value)) {
            yield await users.getMany(tenantId, ids);
          }
        }
      }
    })();
  }

  private async update(
    tenantId: string,
    id: string,
    ifMatch: string | undefined,
    change: (current: UserRecord) => Record<string, unknown>,
  ): Promise<UserRecord> {
    return retryOnConflict('user', ifMatch, async () => {
      const current = await this.get(tenantId, id);
      checkIfMatch(current, ifMatch);
      const attributes = change(current);
      const next: UserRecord = {
        ...current,
        attributes,
        userName: attributes.userName as string,
        active: activeOf(attributes),
        lastModified: new Date().toISOString(),
        version: current.version + 1,
      };
      await this.users.replace(current, next);
      const display = memberDisplayOf(next);
      if (display !== memberDisplayOf(current)) {
        // The member display shown in GET /Groups/{id} follows the user's name.
        await this.memberships.refreshDisplay(tenantId, id, display);
      }
      return next;
    });
  }
}

function toStoredAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (!SERVER_ATTRIBUTES.includes(name)) attributes[name] = value;
  }
  const emails = emailKeys(attributes);
  if (emails.length > STORAGE_LIMITS.indexedEmails) {
    throw new InvalidInputError(`A user may have at most ${STORAGE_LIMITS.indexedEmails} emails`);
  }
  checkStorable(attributes.userName as string, emails, externalIdOf(attributes), attributes);
  return attributes;
}

/**
 * userName, emails and externalId are keys of the table (guard, index, lookup edges), and the whole
 * user is one item: values DynamoDB would refuse are a 400 here rather than a 500 at write time.
 */
function checkStorable(
  userName: string,
  emails: string[],
  externalId: string | undefined,
  attributes: Record<string, unknown>,
): void {
  checkBytes('userName', foldIdentifier(userName), STORAGE_LIMITS.nameBytes);
  for (const email of emails) checkBytes('Each email value', email, STORAGE_LIMITS.lookupValueBytes);
  checkBytes('externalId', externalId, STORAGE_LIMITS.lookupValueBytes);
  checkBytes("The user's attributes (as JSON)", JSON.stringify(attributes), STORAGE_LIMITS.attributesBytes);
}

/**
 * Whether the product treats the user as active: only an assigned `true`. An unassigned `active`
 * (removed, set to null, left out of a PUT; RFC 7644 §3.5.2.2) is not active: no invitation, listed
 * as inactive. Only a create fills in the default (true).
 */
export function activeOf(attributes: Record<string, unknown>): boolean {
  return attributes.active === true;
}

function renderGroups(groups: GroupRef[], baseUrl: string): Record<string, unknown>[] {
  return groups.map((g) => ({ ...g, $ref: `${baseUrl}/Groups/${g.value}`, type: 'direct' }));
}

/** The SCIM representation (RFC 7643 §4.1) with meta (§3.1); `groups` only when the caller read them. */
export function renderUser(user: UserRecord, baseUrl: string, groups?: GroupRef[]): Record<string, unknown> {
  const location = `${baseUrl}/Users/${user.id}`;
  const extensions = Object.keys(user.attributes).filter((k) => k.toLowerCase().startsWith('urn:'));
  return {
    schemas: [USER_SCHEMA_URN, ...extensions],
    id: user.id,
    // `active` is in the attributes when assigned, and absent when it is not.
    ...user.attributes,
    ...(groups ? { groups: renderGroups(groups, baseUrl) } : {}),
    meta: {
      resourceType: 'User',
      created: user.created,
      lastModified: user.lastModified,
      location,
      version: etagOf(user.version),
    },
  };
}
