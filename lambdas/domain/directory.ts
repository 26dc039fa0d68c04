import { excerpt } from '../scim/excerpt';
import { NotFoundError } from './errors';
import type { GroupRecord } from './group-record';
import type { ConsoleReads, CursorPage, GroupRepository, InviteRecord, UserRepository } from './ports';
import type { TenantSchemas } from './tenant-schemas';
import { assertTenantId } from './tokens';
import type { UserRecord } from './user-record';
import type { UserService, UserView } from './users';

/** A console listing's page size: 1–200, 50 when not given. */
export const CONSOLE_PAGE = { default: 50, max: 200 } as const;
/** The longest search string of the Users page. */
export const MAX_SEARCH_LENGTH = 256;
/** The groups a row of the Users page names; `moreGroups` says there are others. */
export const GROUPS_PER_ROW = 20;

/** A row of the Users page: the user, its invitation and its first groups. */
export interface UserRowRecord {
  user: UserRecord;
  invite: InviteRecord | undefined;
  groups: { id: string; displayName: string }[];
  moreGroups: boolean;
}

/** A user's detail: its row, and the user as SCIM reads it (groups and the tenant's schema). */
export interface UserDetail extends UserRowRecord {
  scim: UserView;
}

/** A member of the User groups page's member list. */
export interface MemberRecord {
  id: string;
  userName: string;
  displayName: string | null;
}

/**
 * The console's view of a tenant's directory: users with their source and invitation state, a user's
 * detail, groups with member counts and their members. Reads only; the invitation preview and re-send
 * are the InvitationService's (lambdas/domain/invitations.ts), served by another function.
 */
export class DirectoryService {
  constructor(
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly schemas: TenantSchemas,
    private readonly reads: ConsoleReads,
    private readonly scimUsers: UserService,
  ) {}

  /**
   * A page of the Users page: in userName order, or with `search` the users whose userName or primary
   * email starts with it (case-insensitively, from the indexes). Each row's invitation and first
   * groups cost O(page): one BatchGet of invites, one Query per row, one BatchGet of group names.
   */
  async listUsers(
    tenantId: string,
    page: { limit: number; cursor: string | undefined; search?: string },
  ): Promise<CursorPage<UserRowRecord>> {
    const tenant = assertTenantId(tenantId);
    const users = page.search
      ? await this.reads.searchUsers(tenant, page.search, page.limit, page.cursor)
      : await this.users.pageByCursor(tenant, page.limit, page.cursor);
    return { records: await this.rowsOf(tenant, users.records), nextCursor: users.nextCursor };
  }

  async listGroups(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<GroupRecord>> {
    return this.groups.pageByCursor(assertTenantId(tenantId), limit, cursor);
  }

  /**
   * A user's row and its SCIM representation (as GET /Users/{id} reads it): the user read once, its
   * groups once (the row names the first of them), its invitation and the tenant's schema alongside.
   */
  async userDetail(tenantId: string, userId: string): Promise<UserDetail> {
    const user = await this.requireUser(tenantId, userId);
    const [groups, schema, [invite]] = await Promise.all([
      this.scimUsers.groupsOf(user.tenantId, user.id),
      this.schemas.userSchema(user.tenantId),
      this.reads.invitesOf(user.tenantId, [user.id]),
    ]);
    return {
      user,
      invite,
      groups: groups.slice(0, GROUPS_PER_ROW).map((g) => ({ id: g.value, displayName: g.display ?? '' })),
      moreGroups: groups.length > GROUPS_PER_ROW,
      scim: { user, groups, schema },
    };
  }

  /**
   * A page of a group's members (404 for an unknown group): the member shards in order, the page's
   * names from one BatchGet of its users (a user deleted meanwhile is left out).
   */
  async members(
    tenantId: string,
    groupId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<MemberRecord>> {
    const tenant = assertTenantId(tenantId);
    const group = await this.groups.get(tenant, groupId);
    if (!group) throw new NotFoundError(`Group ${excerpt(groupId)} not found in tenant ${tenant}`);
    const page = await this.reads.memberIdsPage(tenant, group.id, limit, cursor);
    const users = new Map((await this.users.getMany(tenant, page.records)).map((u) => [u.id, u]));
    const records = page.records.flatMap((id) => {
      const user = users.get(id);
      return user ? [{ id, userName: user.userName, displayName: displayNameOf(user) }] : [];
    });
    return { records, nextCursor: page.nextCursor };
  }

  private async rowsOf(tenantId: string, users: UserRecord[]): Promise<UserRowRecord[]> {
    if (users.length === 0) return [];
    const [invites, groupIds] = await Promise.all([
      this.reads.invitesOf(
        tenantId,
        users.map((u) => u.id),
      ),
      inParallel(users, ROW_QUERIES_IN_FLIGHT, (u) =>
        this.reads.firstGroupIdsOf(tenantId, u.id, GROUPS_PER_ROW),
      ),
    ]);
    const allIds = [...new Set(groupIds.flatMap((g) => g.ids))];
    const groups = await this.groups.getMany(tenantId, allIds);
    const names = new Map(allIds.map((id, i) => [id, groups[i]?.displayName]));
    return users.map((user, i) => ({
      user,
      invite: invites[i],
      groups: groupIds[i].ids.flatMap((id) => {
        const displayName = names.get(id);
        // A reverse edge of a group deleted meanwhile is not shown.
        return displayName === undefined ? [] : [{ id, displayName }];
      }),
      moreGroups: groupIds[i].more,
    }));
  }

  private async requireUser(tenantId: string, userId: string): Promise<UserRecord> {
    const tenant = assertTenantId(tenantId);
    const user = await this.users.get(tenant, userId);
    if (!user) throw new NotFoundError(`User ${excerpt(userId)} not found in tenant ${tenant}`);
    return user;
  }
}

/** The rows' group Queries in flight at once (a page of 200 is 200 small Queries, not 200 sockets). */
const ROW_QUERIES_IN_FLIGHT = 16;

/** `work` for every item, at most `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const displayNameOf = (user: UserRecord): string | null =>
  typeof user.attributes.displayName === 'string' ? user.attributes.displayName : null;
