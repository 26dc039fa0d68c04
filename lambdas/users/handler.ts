import type { ListQuery } from '../domain/list-query';
import { userSchemaFor } from '../domain/tenant-schemas';
import { etagOf, sourceFromUserAgent, type UserRecord } from '../domain/user-record';
import { checkIfMatch, renderUser, UserService } from '../domain/users';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import type { HttpRequest } from '../http/request';
import type { HttpResult } from '../http/response';
import { SCIM_BASE } from '../http/routes';
import {
  ifMatchOf,
  listQueryFromGet,
  listQueryFromSearch,
  notModifiedResult,
  projectionOf,
  scimBase,
} from '../http/scim-request';
import { listResponse } from '../scim/list-response';
import { project } from '../scim/projection';
import type { ResourceSchema } from '../scim/schemas/types';
import { groupsOfUser, refreshMemberDisplay, removeUserFromAllGroups } from '../store/membership-reader';
import { installTenantSchemaSource } from '../store/tenant-schema-source';
import { DynamoUserRepository } from '../store/user-repository';

installTenantSchemaSource();

/** SCIM /Users (RFC 7644 §3): thin — parse, call the user service, render and project. */
const users = new UserService(new DynamoUserRepository(), groupsOfUser, refreshMemberDisplay);

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

/** One user as answered; `schema` is passed by writes that already read it (one settings read per request). */
async function single(
  request: HttpRequest,
  user: UserRecord,
  status: number,
  schema?: ResourceSchema,
): Promise<HttpResult> {
  schema ??= await userSchemaFor(user.tenantId);
  const groups = await users.groups(user.tenantId, user.id);
  const resource = project(renderUser(user, scimBase(request), groups), schema, projectionOf(request));
  const headers: Record<string, string> = { ETag: etagOf(user.version) };
  if (status === 201) headers.Location = `${scimBase(request)}/Users/${user.id}`;
  return { status, body: resource, headers };
}

async function list(request: HttpRequest, query: ListQuery): Promise<HttpResult> {
  const tenantId = tenantOf(request);
  const schema = await userSchemaFor(tenantId);
  const base = scimBase(request);
  const { users: page, totalResults } = await users.list(tenantId, query, (u) => renderUser(u, base), schema);
  // `groups` costs a Query per user: lists return it only when asked for by name (docs/decisions.md).
  const wantsGroups = query.attributes?.some((a) => /(^|:)groups(\.|$)/i.test(a)) ?? false;
  const resources = await Promise.all(
    page.map(async (u) =>
      project(
        renderUser(u, base, wantsGroups ? await users.groups(tenantId, u.id) : undefined),
        schema,
        query,
      ),
    ),
  );
  return { status: 200, body: listResponse(resources, { totalResults, startIndex: query.startIndex }) };
}

/** PUT and PATCH: the same shape, a different rule (RFC 7644 §3.5.1 / §3.5.2). */
async function write(request: HttpRequest, how: 'replace' | 'patch'): Promise<HttpResult> {
  const tenantId = tenantOf(request);
  const body = parseJsonBody('scim', request);
  const schema = await userSchemaFor(tenantId);
  const user = await users[how](tenantId, request.pathParameters.id, body, schema, ifMatchOf(request));
  return single(request, user, 200, schema);
}

export const handler = createHttpHandler('scim', {
  [`${SCIM_BASE}/Users`]: {
    GET: (request) => list(request, listQueryFromGet(request, 'userName')),
    POST: async (request) => {
      const tenantId = tenantOf(request);
      const body = parseJsonBody('scim', request);
      const schema = await userSchemaFor(tenantId);
      const user = await users.create(
        tenantId,
        body,
        schema,
        sourceFromUserAgent(request.headers['user-agent']),
      );
      return single(request, user, 201, schema);
    },
  },
  [`${SCIM_BASE}/Users/.search`]: {
    POST: (request) => list(request, listQueryFromSearch(parseJsonBody('scim', request), 'userName')),
  },
  [`${SCIM_BASE}/Users/{id}`]: {
    GET: async (request) => {
      const user = await users.get(tenantOf(request), request.pathParameters.id);
      return notModifiedResult(request, user.version) ?? single(request, user, 200);
    },
    PUT: (request) => write(request, 'replace'),
    PATCH: (request) => write(request, 'patch'),
    DELETE: async (request) => {
      const tenantId = tenantOf(request);
      const id = request.pathParameters.id;
      // Memberships first (a retry finds the user still there), then the user, then a final sweep
      // for an add that raced the delete (adds check the user exists, so none can follow it).
      checkIfMatch(await users.get(tenantId, id), ifMatchOf(request));
      await removeUserFromAllGroups(tenantId, id);
      await users.delete(tenantId, id, ifMatchOf(request));
      await removeUserFromAllGroups(tenantId, id);
      return { status: 204 };
    },
  },
});
