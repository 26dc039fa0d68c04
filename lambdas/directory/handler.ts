import { AdminError } from '../domain/admin-error';
import { InviteService } from '../domain/invites';
import { knownVariables } from '../domain/settings';
import { resolveTemplate, variablesIn } from '../domain/templates';
import { userSchemaFor } from '../domain/tenant-schemas';
import { assertTenantId } from '../domain/tokens';
import type { UserRecord } from '../domain/user-record';
import { userVariables } from '../domain/user-variables';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoGroupRepository } from '../store/group-repository';
import { InvalidCursorError } from '../store/index-listing';
import type { InviteRecord } from '../store/invite-repository';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { installTenantSchemaSource } from '../store/tenant-schema-source';
import { DynamoUserRepository } from '../store/user-repository';

/** The console's view of the directory: users (source, invite state), groups (member counts), variables, re-send. */
installTenantSchemaSource();
const users = new DynamoUserRepository();
const settings = new DynamoSettingsRepository();
const invites = new InviteService(settings, new DynamoInviteRepository(), sesMailer, {
  fromAddress: process.env.INVITE_FROM_ADDRESS ?? 'no-reply@example.com',
  urlTemplate:
    process.env.INVITE_URL_TEMPLATE ?? 'https://example.com/invite?tenant={tenantId}&user={userId}',
});

async function requireUser(request: HttpRequest): Promise<UserRecord> {
  const tenantId = assertTenantId(request.pathParameters.tenantId);
  const user = await users.get(tenantId, request.pathParameters.userId);
  if (!user)
    throw AdminError.notFound(`User ${request.pathParameters.userId} not found in tenant ${tenantId}`);
  return user;
}

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

const userView = (user: UserRecord, invite: InviteRecord | undefined) => ({
  id: user.id,
  userName: user.userName,
  displayName: (user.attributes.displayName as string | undefined) ?? null,
  active: user.active,
  source: user.source.label,
  created: user.created,
  lastModified: user.lastModified,
  invite: inviteView(invite),
});

const groups = new DynamoGroupRepository();

/** `limit` (1-200, default 50) and `cursor` of a console listing. */
function pageParams(request: HttpRequest): { limit: number; cursor: string | undefined } {
  const raw = request.query.limit;
  const limit = raw === undefined ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw AdminError.badRequest('limit must be an integer from 1 to 200');
  return { limit, cursor: request.query.cursor || undefined };
}

/** Console listings are paged by cursor; a cursor of another listing or tenant is a 400. */
async function listPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw AdminError.badRequest(error.message);
    throw error;
  }
}

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/users`]: {
    GET: async (request) => {
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      const { limit, cursor } = pageParams(request);
      const page = await listPage(() => users.pageByCursor(tenantId, limit, cursor));
      return {
        status: 200,
        body: {
          users: page.records.map((user) => {
            const { invite: _invite, ...summary } = userView(user, undefined);
            return summary;
          }),
          nextCursor: page.nextCursor,
        },
      };
    },
  },
  [`${ADMIN_BASE}/groups`]: {
    GET: async (request) => {
      const tenantId = assertTenantId(request.pathParameters.tenantId);
      const { limit, cursor } = pageParams(request);
      const page = await listPage(() => groups.pageByCursor(tenantId, limit, cursor));
      return {
        status: 200,
        body: {
          groups: page.records.map((group) => ({
            id: group.id,
            displayName: group.displayName,
            externalId: (group.attributes.externalId as string | undefined) ?? null,
            memberCount: group.memberCount,
            lastModified: group.lastModified,
          })),
          nextCursor: page.nextCursor,
        },
      };
    },
  },
  [`${ADMIN_BASE}/users/{userId}`]: {
    GET: async (request) => {
      const user = await requireUser(request);
      return { status: 200, body: userView(user, await invites.state(user.tenantId, user.id)) };
    },
  },
  [`${ADMIN_BASE}/users/{userId}/resolve`]: {
    POST: async (request) => {
      const body = parseJsonBody('admin', request) as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || typeof body.template !== 'string') {
        throw AdminError.badRequest('Body must be {"template": "<text with ${variables}>"}');
      }
      const template = body.template;
      const user = await requireUser(request);
      const tenantSettings = await settings.get(user.tenantId);
      const known = knownVariables(tenantSettings.customAttributes, false);
      const unknown = variablesIn(template).filter((v) => !known.has(v));
      if (unknown.length > 0)
        throw AdminError.badRequest(`Unknown variable(s): ${unknown.map((v) => `\${${v}}`).join(', ')}`);
      const values = userVariables(user, tenantSettings.customAttributes, await userSchemaFor(user.tenantId));
      return { status: 200, body: resolveTemplate(template, values) };
    },
  },
  [`${ADMIN_BASE}/users/{userId}/invite`]: {
    POST: async (request) => {
      const user = await requireUser(request);
      const invite = await invites.resend(user);
      return { status: 200, body: { invite: inviteView(invite) } };
    },
  },
});
