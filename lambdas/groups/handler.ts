import type { GroupRecord } from '../domain/group-record';
import { renderGroup, renderMember } from '../domain/groups';
import { groupSchema } from '../domain/tenant-schemas';
import { scimBaseUrl } from '../http/base-url';
import { createHttpHandler, parseJsonBody, type RouteTable } from '../http/handler';
import { JsonStream } from '../http/json-stream';
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
import { listPageOf, listResponsePieces, resourceWithStreamedValues } from '../scim/list-response';
import { type ProjectionParams, project } from '../scim/projection';
import { requestLogSink } from '../store/request-log-sink';
import { groupService } from './compose';

/** SCIM /Groups (RFC 7644 §3) with members streamed from their edge items. */
const groups = groupService();
const schema = groupSchema();

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

/**
 * One group as JSON pieces. With members requested, the group is projected with a probe member to
 * learn which member sub-attributes survive projection, then the members are streamed page by page.
 * `excludedAttributes=members` reads no membership item at all.
 */
async function* groupPieces(
  group: GroupRecord,
  base: string,
  params: ProjectionParams,
): AsyncGenerator<string> {
  const probe = { value: group.id, display: '-' };
  const projected = project(renderGroup(group, base, [probe]), schema, params);
  const probeMembers = projected.members as Record<string, unknown>[] | undefined;
  if (!probeMembers) {
    yield JSON.stringify(projected);
    return;
  }
  const kept = Object.keys(probeMembers[0] ?? {});
  const { members: _members, ...rest } = projected;
  yield* resourceWithStreamedValues(rest, 'members', memberPages(group, base, kept));
}

async function* memberPages(group: GroupRecord, base: string, kept: string[]): AsyncGenerator<string[]> {
  for await (const page of groups.members(group.tenantId, group.id)) {
    yield page.map((member) => {
      const rendered = renderMember(member, base);
      return JSON.stringify(
        Object.fromEntries(kept.filter((k) => k in rendered).map((k) => [k, rendered[k]])),
      );
    });
  }
}

function single(request: HttpRequest, group: GroupRecord, status: 200 | 201): HttpResult {
  const base = scimBaseUrl(request);
  const headers: Record<string, string> = { ETag: etagOf(group.version) };
  if (status === 201) headers.Location = `${base}/Groups/${group.id}`;
  const params = projectionFromQuery(request.query);
  return { status, headers, body: new JsonStream(() => groupPieces(group, base, params)) };
}

async function list(request: HttpRequest, query: ListQuery): Promise<HttpResult> {
  const base = scimBaseUrl(request);
  const { groups: page, totalResults, nextCursor } = await groups.list(tenantOf(request), query, base);
  const head = listPageOf(query, { totalResults, itemsPerPage: page.length, nextCursor });
  return {
    status: 200,
    body: new JsonStream(() =>
      listResponsePieces(
        head,
        page.map((group) => groupPieces(group, base, query)),
      ),
    ),
  };
}

/** Group PATCH answers 204 (RFC 7644 §3.5.2; Okta and Entra accept it) unless the client asks for attributes. */
function afterPatch(request: HttpRequest, group: GroupRecord): HttpResult {
  if (request.query.attributes || request.query.excludedAttributes) return single(request, group, 200);
  return { status: 204, headers: { ETag: etagOf(group.version) } };
}

const routes: RouteTable = {
  [`${SCIM_BASE}/Groups`]: {
    GET: (request) => list(request, listQueryFromQueryString(request.query, 'displayName')),
    POST: async (request) => {
      const body = parseJsonBody(request);
      return single(
        request,
        await groups.create(tenantOf(request), body, provisioningSourceOf(request)),
        201,
      );
    },
  },
  [`${SCIM_BASE}/Groups/.search`]: {
    POST: (request) => list(request, listQueryFromSearchRequest(parseJsonBody(request), 'displayName')),
  },
  [`${SCIM_BASE}/Groups/{id}`]: {
    GET: async (request) => {
      const { tenantId, id, ifNoneMatch } = resourceTargetOf(request);
      const read = await groups.read(tenantId, id, ifNoneMatch);
      if (read.notModified) return { status: 304, headers: { ETag: etagOf(read.group.version) } };
      return single(request, read.group, 200);
    },
    PUT: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      return single(request, await groups.replace(tenantId, id, parseJsonBody(request), ifMatch), 200);
    },
    PATCH: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      return afterPatch(request, await groups.patch(tenantId, id, parseJsonBody(request), ifMatch));
    },
    DELETE: async (request) => {
      const { tenantId, id, ifMatch } = resourceTargetOf(request);
      await groups.delete(tenantId, id, ifMatch);
      return { status: 204 };
    },
  },
};

export const handler = createHttpHandler('scim', routes, { requestLog: requestLogSink() });
