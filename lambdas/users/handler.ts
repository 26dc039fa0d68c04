import { renderUser, type UserView } from '../domain/users';
import { scimBaseUrl } from '../http/base-url';
import { createHttpHandler, parseJsonBody, type RouteTable } from '../http/handler';
import { type HttpRequest, provisioningSourceOf, resourceTargetOf } from '../http/request';
import type { HttpResult } from '../http/response';
import { SCIM_BASE } from '../http/routes';
import { etagOf } from '../scim/etag';
import {
  type ListQuery,
  listQueryFromQueryString,
  listQueryFromSearchRequest,
  projectionFromQuery,
} from '../scim/list-request';
import { listPageOf, listResponsePieces } from '../scim/list-response';
import { project } from '../scim/projection';
import { requestLogSink } from '../store/request-log-sink';
import { userService } from './compose';

/** SCIM /Users (RFC 7644 §3): parse the request, call one use case, render and project the answer. */
const users = userService();

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

function single(request: HttpRequest, { user, groups, schema }: UserView, status: 200 | 201): HttpResult {
  const base = scimBaseUrl(request);
  const resource = project(renderUser(user, base, groups), schema, projectionFromQuery(request.query));
  const headers: Record<string, string> = { ETag: etagOf(user.version) };
  if (status === 201) headers.Location = `${base}/Users/${user.id}`;
  return { status, body: resource, headers };
}

async function list(request: HttpRequest, query: ListQuery): Promise<HttpResult> {
  const base = scimBaseUrl(request);
  const page = await users.list(tenantOf(request), query, base);
  const resources = page.users.map(({ user, groups }) =>
    JSON.stringify(project(renderUser(user, base, groups), page.schema, query)),
  );
  // A page of users is small enough to answer as one string (compressed above 1 KB).
  let body = '';
  const head = listPageOf(query, {
    totalResults: page.totalResults,
    itemsPerPage: resources.length,
    nextCursor: page.nextCursor,
  });
  for await (const piece of listResponsePieces(head, resources)) body += piece;
  return { status: 200, body };
}

const routes: RouteTable = {
  [`${SCIM_BASE}/Users`]: {
    GET: (request) => list(request, listQueryFromQueryString(request.query, 'userName')),
    POST: async (request) => {
      const body = parseJsonBody(request);
      const source = provisioningSourceOf(request);
      return single(request, await users.create(tenantOf(request), body, source), 201);
    },
  },
  [`${SCIM_BASE}/Users/.search`]: {
    POST: (request) => list(request, listQueryFromSearchRequest(parseJsonBody(request), 'userName')),
  },
  [`${SCIM_BASE}/Users/{id}`]: {
    GET: async (request) => {
      const { tenantId, id, ifNoneMatch } = resourceTargetOf(request);
      const read = await users.read(tenantId, id, ifNoneMatch);
      if (read.notModified) return { status: 304, headers: { ETag: etagOf(read.user.version) } };
      return single(request, read, 200);
    },
    PUT: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      return single(request, await users.replace(tenantId, id, parseJsonBody(request), ifMatch), 200);
    },
    PATCH: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      return single(request, await users.patch(tenantId, id, parseJsonBody(request), ifMatch), 200);
    },
    DELETE: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      await users.delete(tenantId, id, ifMatch);
      return { status: 204 };
    },
  },
};

export const handler = createHttpHandler('scim', routes, { requestLog: requestLogSink() });
