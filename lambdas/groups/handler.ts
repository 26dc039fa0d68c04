import type { GroupRecord } from '../domain/group-record';
import { GroupService, renderGroup, renderMember } from '../domain/groups';
import type { ListQuery } from '../domain/list-query';
import { groupSchema } from '../domain/tenant-schemas';
import { etagOf } from '../domain/user-record';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import { JsonStream } from '../http/json-stream';
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
import { LIST_RESPONSE_SCHEMA } from '../scim/list-response';
import { type ProjectionParams, project } from '../scim/projection';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** SCIM /Groups (RFC 7644 §3) with members streamed from their edge items. */
const groups = new GroupService(
  new DynamoGroupRepository(),
  new DynamoMembershipRepository(),
  new DynamoUserRepository(),
);
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
  const head = JSON.stringify(rest);
  yield `${head.slice(0, -1)}${Object.keys(rest).length > 0 ? ',' : ''}"members":[`;
  let first = true;
  for await (const page of groups.members(group.tenantId, group.id)) {
    const parts: string[] = [];
    for (const member of page) {
      const rendered = renderMember(member, base);
      parts.push(
        JSON.stringify(Object.fromEntries(kept.filter((k) => k in rendered).map((k) => [k, rendered[k]]))),
      );
    }
    yield (first ? '' : ',') + parts.join(',');
    first = false;
  }
  yield ']}';
}

function single(request: HttpRequest, group: GroupRecord, status: number): HttpResult {
  const headers: Record<string, string> = { ETag: etagOf(group.version) };
  if (status === 201) headers.Location = `${scimBase(request)}/Groups/${group.id}`;
  const base = scimBase(request);
  return { status, headers, body: new JsonStream(() => groupPieces(group, base, projectionOf(request))) };
}

async function list(request: HttpRequest, query: ListQuery): Promise<HttpResult> {
  const base = scimBase(request);
  const { groups: page, totalResults } = await groups.list(tenantOf(request), query, base, schema);
  const head = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex: query.startIndex,
    itemsPerPage: page.length,
  };
  return {
    status: 200,
    body: new JsonStream(async function* () {
      yield `${JSON.stringify(head).slice(0, -1)},"Resources":[`;
      for (const [index, group] of page.entries()) {
        if (index > 0) yield ',';
        yield* groupPieces(group, base, query);
      }
      yield ']}';
    }),
  };
}

/** Group PATCH answers 204 (RFC 7644 §3.5.2; Okta and Entra accept it) unless the client asks for attributes. */
function afterPatch(request: HttpRequest, group: GroupRecord): HttpResult {
  if (request.query.attributes || request.query.excludedAttributes) return single(request, group, 200);
  return { status: 204, headers: { ETag: etagOf(group.version) } };
}

export const handler = createHttpHandler('scim', {
  [`${SCIM_BASE}/Groups`]: {
    GET: (request) => list(request, listQueryFromGet(request, 'displayName')),
    POST: async (request) => {
      const group = await groups.create(tenantOf(request), parseJsonBody('scim', request), schema);
      return single(request, group, 201);
    },
  },
  [`${SCIM_BASE}/Groups/.search`]: {
    POST: (request) => list(request, listQueryFromSearch(parseJsonBody('scim', request), 'displayName')),
  },
  [`${SCIM_BASE}/Groups/{id}`]: {
    GET: async (request) => {
      const group = await groups.get(tenantOf(request), request.pathParameters.id);
      return notModifiedResult(request, group.version) ?? single(request, group, 200);
    },
    PUT: async (request) => {
      const body = parseJsonBody('scim', request);
      const group = await groups.replace(
        tenantOf(request),
        request.pathParameters.id,
        body,
        schema,
        ifMatchOf(request),
      );
      return single(request, group, 200);
    },
    PATCH: async (request) => {
      const body = parseJsonBody('scim', request);
      const group = await groups.patch(
        tenantOf(request),
        request.pathParameters.id,
        body,
        schema,
        ifMatchOf(request),
      );
      return afterPatch(request, group);
    },
    DELETE: async (request) => {
      await groups.delete(tenantOf(request), request.pathParameters.id, ifMatchOf(request));
      return { status: 204 };
    },
  },
});
