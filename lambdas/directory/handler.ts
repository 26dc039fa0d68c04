import type { GroupList, MemberList, UserDetailView, UserList, UserRow } from '../contract/admin-api';
import { displayNameOf, type UserRowRecord } from '../domain/directory';
import { assertTenantId } from '../domain/tokens';
import { primaryEmailOf } from '../domain/user-record';
import { renderUser } from '../domain/users';
import { listingParamsOf } from '../http/admin-input';
import { inviteView } from '../http/admin-views';
import { scimBaseUrl } from '../http/base-url';
import { createHttpHandler } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { projectionFromQuery } from '../scim/list-request';
import { project } from '../scim/projection';
import { directoryService } from './compose';

/**
 * The console's view of the directory (admin API): users with their source, invitation and groups
 * (searchable by userName or email prefix), a user's SCIM representation, groups with member counts
 * and their members. Reads only: the invitation preview and re-send are lambdas/invitations/'s (this
 * function holds neither the mailer nor the invitation link keys).
 */
const directory = directoryService();

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

/** A listing checks its tenant before its paging parameters. */
const listingTenantOf = (request: HttpRequest) => assertTenantId(tenantOf(request));

const userRow = ({ user, invite, groups, moreGroups }: UserRowRecord): UserRow => ({
  id: user.id,
  userName: user.userName,
  displayName: displayNameOf(user),
  email: primaryEmailOf(user.attributes) ?? null,
  active: user.active,
  source: user.source.label,
  invite: inviteView(invite),
  groups,
  moreGroups,
  created: user.created,
  lastModified: user.lastModified,
});

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/users`]: {
    GET: async (request) => {
      const tenantId = listingTenantOf(request);
      const page = await directory.listUsers(tenantId, listingParamsOf(request.query));
      const body = { users: page.records.map(userRow), nextCursor: page.nextCursor } satisfies UserList;
      return { status: 200, body };
    },
  },
  [`${ADMIN_BASE}/groups`]: {
    GET: async (request) => {
      const tenantId = listingTenantOf(request);
      const { limit, cursor } = listingParamsOf(request.query);
      const page = await directory.listGroups(tenantId, limit, cursor);
      const body = {
        groups: page.records.map((group) => ({
          id: group.id,
          displayName: group.displayName,
          externalId: (group.attributes.externalId as string | undefined) ?? null,
          memberCount: group.memberCount,
          source: group.source.label,
          lastModified: group.lastModified,
        })),
        nextCursor: page.nextCursor,
      } satisfies GroupList;
      return { status: 200, body };
    },
  },
  [`${ADMIN_BASE}/groups/{groupId}/members`]: {
    GET: async (request) => {
      const tenantId = listingTenantOf(request);
      const { limit, cursor } = listingParamsOf(request.query);
      const page = await directory.members(tenantId, request.pathParameters.groupId, limit, cursor);
      const body = { members: page.records, nextCursor: page.nextCursor } satisfies MemberList;
      return { status: 200, body };
    },
  },
  [`${ADMIN_BASE}/users/{userId}`]: {
    GET: async (request) => {
      const detail = await directory.userDetail(tenantOf(request), request.pathParameters.userId);
      const { user, groups, schema } = detail.scim;
      // Exactly what GET /scim/v2/{t}/Users/{id} answers: the SCIM renderer, the default projection.
      const scim = project(renderUser(user, scimBaseUrl(request), groups), schema, projectionFromQuery({}));
      const body = { ...userRow(detail), scim } satisfies UserDetailView;
      return { status: 200, body };
    },
  },
});
