import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors';
import type { Filter } from '../scim/filter/ast';
import { compileFilter } from '../scim/filter/evaluate';
import { indexableEqualities, referencesAttribute } from '../scim/filter/plan';
import { normalizeResource } from '../scim/normalize';
import { applyPatch, parsePatchRequest } from '../scim/patch';
import { USER_SCHEMA_URN } from '../scim/schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import type { DynamoUserRepository } from '../store/user-repository';
import { collectCandidates, type ListQuery, windowOfMatches } from './list-query';
import { checkBytes, STORAGE_LIMITS } from './storage-limits';
import { emailKeys, etagOf, externalIdOf, type UserRecord, type UserSource } from './user-record';
import { retryOnConflict } from './write-conflicts';

export interface GroupRef {
  value: string;
  display?: string;
}

/** Reads a user's groups (its member-of edges). */
export type GroupsOfUser = (tenantId: string, userId: string) => Promise<GroupRef[]>;

/** Keeps the `display` on the user's membership edges current after a rename. */
export type MemberDisplayChanged = (tenantId: string, userId: string, display: string) => Promise<void>;

/** What groups show for a member: displayName, else userName. */
export function memberDisplayOf(user: UserRecord): string {
  const displayName = user.attributes.displayName;
  return typeof displayName === 'string' && displayName.length > 0 ? displayName : user.userName;
}

/** Attributes kept outside `attributes`: server-assigned or never stored. */
const SERVER_ATTRIBUTES = ['id', 'meta', 'groups', 'password', 'schemas'];

/**
 * The rules of SCIM users (RFC 7643 §4.1, RFC 7644 §3), over the user repository.
 * `password` is accepted and dropped: this service authenticates no one with it (SSO), so it is never
 * stored, neither in clear nor hashed, and never returned.
 */
export class UserService {
  constructor(
    private readonly users: DynamoUserRepository,
    private readonly groupsOfUser: GroupsOfUser = async () => [],
    private readonly memberDisplayChanged: MemberDisplayChanged = async () => undefined,
  ) {}

  async create(
    tenantId: string,
    body: unknown,
    schema: ResourceSchema,
    source: UserSource,
  ): Promise<UserRecord> {
    const attributes = toStoredAttributes(normalizeResource(body, schema, 'create'));
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
    return user;
  }

  async get(tenantId: string, id: string): Promise<UserRecord> {
    const user = await this.users.get(tenantId, id);
    if (!user) throw ScimError.notFound(`User ${id} not found`);
    return user;
  }

  groups(tenantId: string, userId: string): Promise<GroupRef[]> {
    return this.groupsOfUser(tenantId, userId);
  }

  /** PUT (RFC 7644 §3.5.1): replaces every writable attribute; an unknown id is a 404, never a create. */
  async replace(
    tenantId: string,
    id: string,
    body: unknown,
    schema: ResourceSchema,
    ifMatch?: string,
  ): Promise<UserRecord> {
    const attributes = toStoredAttributes(normalizeResource(body, schema, 'replace'));
    return this.update(tenantId, id, ifMatch, () => attributes);
  }

  /** PATCH (RFC 7644 §3.5.2): all operations or none; concurrent writers are retried from a fresh read. */
  async patch(
    tenantId: string,
    id: string,
    body: unknown,
    schema: ResourceSchema,
    ifMatch?: string,
  ): Promise<UserRecord> {
    const operations = parsePatchRequest(body);
    return this.update(tenantId, id, ifMatch, (current) => {
      const { resource } = applyPatch(current.attributes, operations, schema);
      // Re-validate the whole result like a PUT body: required userName, types, primary.
      return toStoredAttributes(
        normalizeResource({ ...resource, schemas: [USER_SCHEMA_URN] }, schema, 'replace'),
      );
    });
  }

  async delete(tenantId: string, id: string, ifMatch?: string): Promise<UserRecord> {
    return retryOnConflict('user', ifMatch, async () => {
      const current = await this.get(tenantId, id);
      checkIfMatch(current, ifMatch);
      await this.users.delete(current);
      return current;
    });
  }

  async list(
    tenantId: string,
    query: ListQuery,
    render: (user: UserRecord) => Record<string, unknown>,
    schema: ResourceSchema,
  ): Promise<{ users: UserRecord[]; totalResults: number }> {
    if (!query.filter) {
      const totalResults = await this.users.count(tenantId);
      if (query.count === 0 || query.startIndex > totalResults) return { users: [], totalResults };
      const users = await this.users.page(tenantId, query.startIndex, query.count, query.descending);
      return { users, totalResults };
    }
    const test = compileFilter(query.filter, schema);
    // `render` leaves out `groups` (a Query per user); a filter on them gets them read per candidate.
    const withGroups = referencesAttribute(query.filter, 'groups');
    const rendered = (pages: AsyncIterable<UserRecord[]>) =>
      this.renderPages(tenantId, pages, render, withGroups);
    const matches = (candidate: Candidate) => test(candidate.resource);
    const candidates = this.indexedCandidates(tenantId, query.filter);
    if (!candidates) {
      // No index answers this filter: walk the tenant in userName order, a page at a time.
      const { items, totalResults } = await windowOfMatches(
        rendered(this.users.walk(tenantId, query.descending)),
        matches,
        query.startIndex,
        query.count,
      );
      return { users: items.map((c) => c.user), totalResults };
    }
    const all = (await collectCandidates(rendered(candidates), matches)).map((c) => c.user);
    all.sort((a, b) => compareUserNames(a, b) * (query.descending ? -1 : 1));
    return {
      users: all.slice(query.startIndex - 1, query.startIndex - 1 + query.count),
      totalResults: all.length,
    };
  }

  /** Each user with the resource a filter is evaluated on; `groups` added only when the filter names them. */
  private async *renderPages(
    tenantId: string,
    pages: AsyncIterable<UserRecord[]>,
    render: (user: UserRecord) => Record<string, unknown>,
    withGroups: boolean,
  ): AsyncGenerator<Candidate[]> {
    for await (const page of pages) {
      yield await Promise.all(
        page.map(async (user) => {
          const resource = render(user);
          if (withGroups)
            resource.groups = renderGroups(await this.groupsOfUser(tenantId, user.id), resource);
          return { user, resource };
        }),
      );
    }
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
    const users = this.users;
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
          for await (const ids of users.idsInGroup(tenantId, equality.value)) {
            yield await users.getMany(tenantId, ids);
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
      if (display !== memberDisplayOf(current)) await this.memberDisplayChanged(tenantId, id, display);
      return next;
    });
  }
}

/** RFC 7644 §3.14: If-Match with a stale version -> 412 Precondition Failed. */
export function checkIfMatch(user: { version: number }, ifMatch: string | undefined): void {
  if (!ifMatch) return;
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(user.version)) || tags.includes(`"${user.version}"`)) return;
  throw ScimError.preconditionFailed(`ETag does not match; the current version is ${etagOf(user.version)}`);
}

function toStoredAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(resource)) {
    if (!SERVER_ATTRIBUTES.includes(name)) attributes[name] = value;
  }
  const emails = emailKeys(attributes);
  if (emails.length > STORAGE_LIMITS.indexedEmails) {
    throw ScimError.badRequest(
      'invalidValue',
      `A user may have at most ${STORAGE_LIMITS.indexedEmails} emails`,
    );
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
  checkBytes('userName', userName.toLowerCase(), STORAGE_LIMITS.nameBytes);
  for (const email of emails) checkBytes('Each email value', email, STORAGE_LIMITS.lookupValueBytes);
  checkBytes('externalId', externalId, STORAGE_LIMITS.lookupValueBytes);
  checkBytes("The user's attributes (as JSON)", JSON.stringify(attributes), STORAGE_LIMITS.attributesBytes);
}

/** RFC 7643 §4.1.1: active defaults to true when the client does not send it (Okta always does). */
function activeOf(attributes: Record<string, unknown>): boolean {
  return attributes.active !== false;
}

/** The order of GSI1 (lower(userName) then id), so index answers and walks agree. */
function compareUserNames(a: UserRecord, b: UserRecord): number {
  const left = `${a.userName.toLowerCase()}#${a.id}`;
  const right = `${b.userName.toLowerCase()}#${b.id}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

interface Candidate {
  user: UserRecord;
  resource: Record<string, unknown>;
}

/** `groups` as `renderUser` writes them, on a resource rendered without them (base URL from its meta). */
function renderGroups(groups: GroupRef[], resource: Record<string, unknown>): Record<string, unknown>[] {
  const location = String((resource.meta as Record<string, unknown> | undefined)?.location ?? '');
  const baseUrl = location.replace(/\/Users\/[^/]*$/, '');
  return groups.map((g) => ({ ...g, $ref: `${baseUrl}/Groups/${g.value}`, type: 'direct' }));
}

/** The SCIM representation (RFC 7643 §4.1) with meta (§3.1); `groups` only when the caller read them. */
export function renderUser(user: UserRecord, baseUrl: string, groups?: GroupRef[]): Record<string, unknown> {
  const location = `${baseUrl}/Users/${user.id}`;
  const extensions = Object.keys(user.attributes).filter((k) => k.toLowerCase().startsWith('urn:'));
  return {
    schemas: [USER_SCHEMA_URN, ...extensions],
    id: user.id,
    ...user.attributes,
    active: user.active,
    ...(groups
      ? { groups: groups.map((g) => ({ ...g, $ref: `${baseUrl}/Groups/${g.value}`, type: 'direct' })) }
      : {}),
    meta: {
      resourceType: 'User',
      created: user.created,
      lastModified: user.lastModified,
      location,
      version: etagOf(user.version),
    },
  };
}
