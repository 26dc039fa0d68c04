import { type ListQuery, parseListQuery } from '../domain/list-query';
import { etagOf } from '../domain/user-record';
import { ScimError } from '../scim/errors';
import { parseAttributeList } from '../scim/projection';
import type { HttpRequest } from './request';
import type { HttpResult } from './response';

/** The tenant's SCIM base URL (what the admin copies into Okta). */
export const scimBase = (request: HttpRequest) =>
  `${request.baseUrl}/scim/v2/${request.pathParameters.tenantId}`;

/** `attributes` / `excludedAttributes` of a GET (RFC 7644 §3.9). */
export function projectionOf(request: HttpRequest) {
  return {
    attributes: parseAttributeList(request.query.attributes),
    excludedAttributes: parseAttributeList(request.query.excludedAttributes),
  };
}

export function listQueryFromGet(request: HttpRequest, sortAttribute: string): ListQuery {
  const q = request.query;
  return parseListQuery(
    {
      filter: q.filter,
      startIndex: q.startIndex,
      count: q.count,
      sortBy: q.sortBy,
      sortOrder: q.sortOrder,
      ...projectionOf(request),
    },
    sortAttribute,
  );
}

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** POST /.search (RFC 7644 §3.4.3): the same parameters in a SearchRequest body. */
export function listQueryFromSearch(body: unknown, sortAttribute: string): ListQuery {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ScimError.badRequest('invalidSyntax', 'A SearchRequest must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const schemas = b.schemas;
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) ||
      !schemas.some((s) => String(s).toLowerCase() === SEARCH_REQUEST.toLowerCase()))
  ) {
    throw ScimError.badRequest('invalidSyntax', `schemas must contain ${SEARCH_REQUEST}`);
  }
  return parseListQuery(
    {
      filter: b.filter,
      startIndex: b.startIndex,
      count: b.count,
      sortBy: b.sortBy,
      sortOrder: b.sortOrder,
      attributes: stringList(b.attributes, 'attributes'),
      excludedAttributes: stringList(b.excludedAttributes, 'excludedAttributes'),
    },
    sortAttribute,
  );
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseAttributeList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.length ? value : undefined;
  throw ScimError.badRequest('invalidValue', `${name} must be an array of attribute names`);
}

/** `If-Match` of a write (RFC 7644 §3.14). */
export const ifMatchOf = (request: HttpRequest) => request.headers['if-match'];

/**
 * GET with If-None-Match equal to the current version -> 304 Not Modified. If-None-Match compares
 * weakly (RFC 7232 §3.2): `"3"` and `W/"3"` name the same version.
 */
function notModified(request: HttpRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//i, '');
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/** RFC 7644 §3.14: a GET whose If-None-Match names the current version is answered 304 with no body. */
export function notModifiedResult(request: HttpRequest, version: number): HttpResult | undefined {
  const etag = etagOf(version);
  return notModified(request, etag) ? { status: 304, headers: { ETag: etag } } : undefined;
}
