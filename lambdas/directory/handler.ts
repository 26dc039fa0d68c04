import { CONSOLE_PAGE } from '../domain/directory';
import { InvalidInputError } from '../domain/errors';
import type { InviteRecord } from '../domain/ports';
import { assertTenantId } from '../domain/tokens';
import type { UserRecord } from '../domain/user-record';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { directoryService } from './compose';

/**
 * The console's view of the directory (admin API): users with their source and invitation, groups
 * with member counts, the `${variables}` preview for one user, the invitation re-send.
 */
const directory = directoryService();

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

/** A listing checks its tenant before its paging parameters. */
const listingTenantOf = (request: HttpRequest) => assertTenantId(tenantOf(request));

const inviteView = (invite: InviteRecord | undefined) =>
  invite
    ? {
        state: invite.state,
        attempts: invite.attempts,
        email: invite.email,
        sentAt: invite.sentAt ?? null,
        lastError: invite.lastError ?? null,
        updatedAt: invite.updatedAt,
      }
    : { state: 'none' };

const userSummary = (user: UserRecord) => ({
  id: user.id,
  userName: user.userName,
  displayName: (user.attributes.displayName as string | undefined) ?? null,
  active: user.active,
  source: user.source.label,
  created: user.created,
  lastModified: user.lastModified,
});

/** `limit` (1-200, default 50) and `cursor` of a console listing. */
function pageParams(request: HttpRequest): { limit: number; cursor: string | undefined } {
  const raw = request.query.limit;
  const limit = raw === undefined ? CONSOLE_PAGE.default : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > CONSOLE_PAGE.max) {
    throw new InvalidInputError(`limit must be an integer from 1 to ${CONSOLE_PAGE.max}`);
  }
  return { limit, cursor: request.query.cursor || undefined };
}

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/users`]: {
    GET: async (request) => {
      const tenantId = listingTenantOf(request);
      const { limit, cursor } = pageParams(request);
      const page = await directory.listUsers(tenantId, limit, cursor);
      return { status: 200, body: { users: page.records.map(userSummary), nextCursor: page.nextCursor } };
    },
  },
  [`${ADMIN_BASE}/groups`]: {
    GET: async (request) => {
      const tenantId = listingTenantOf(request);
      const { limit, cursor } = pageParams(request);
      const page = await directory.listGroups(tenantId, limit, cursor);
      return {
        status: 200,
        body: {
          groups: page.records.map((group) => ({
            id: group.id,
            displayName: group.displayName,
            externalId: (group.attributes.externalId as string | undefined) ?? null,
            memberCount: group.memberCount,
            source: group.source.label,
            lastModified: group.lastModified,
          })),
          nextCursor: page.nextCursor,
        },
      };
    },
  },
  [`${ADMIN_BASE}/users/{userId}`]: {
    GET: async (request) => {
      const { user, invite } = await directory.userDetail(tenantOf(request), request.pathParameters.userId);
      return { status: 200, body: { ...userSummary(user), invite: inviteView(invite) } };
    },
  },
  [`${ADMIN_BASE}/users/{userId}/resolve`]: {
    POST: async (request) => {
      const body = parseJsonBody(request) as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || typeof body.template !== 'string') {
        throw new InvalidInputError('Body must be {"template": "<text with ${variables}>"}');
      }
      const resolved = await directory.resolve(
        tenantOf(request),
        request.pathParameters.userId,
        body.template,
      );
      return { status: 200, body: resolved };
    },
  },
  [`${ADMIN_BASE}/users/{userId}/invite`]: {
    POST: async (request) => {
      const invite = await directory.resendInvite(tenantOf(request), request.pathParameters.userId);
      return { status: 200, body: { invite: inviteView(invite) } };
    },
  },
});
