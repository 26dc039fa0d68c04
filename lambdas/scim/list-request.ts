import { ScimError } from './errors';
import type { Filter } from './filter/ast';
import { parseFilter } from './filter/parse';
import { SCIM_LIMITS } from './limits';
import { type ProjectionParams, parseAttributeList } from './projection';

/**
 * One list request (RFC 7644 §3.4.2), whether it came as GET query parameters or as a POST
 * `/.search` SearchRequest body (§3.4.3): the filter parsed, paging bounded, the sort checked.
 */
export interface ListQuery extends ProjectionParams {
  filter?: Filter;
  /** 1-based; values below 1 mean 1 (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** 0..maxResults; 0 asks for totalResults only. */
  count: number;
  descending: boolean;
  /**
   * Cursor paging (RFC 9865): present when the request names `cursor` — `''` asks for the first page,
   * any other value is the opaque `nextCursor` of a previous page. Absent: index paging (`startIndex`).
   */
  cursor?: string;
}

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface RawListParams {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  cursor?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: string[];
  excludedAttributes?: string[];
}

/** `attributes` / `excludedAttributes` of a GET (RFC 7644 §3.9), comma-separated. */
export function projectionFromQuery(query: Record<string, string | undefined>): ProjectionParams {
  return {
    attributes: parseAttributeList(query.attributes),
    excludedAttributes: parseAttributeList(query.excludedAttributes),
  };
}

/** GET /Users or /Groups: the parameters of the query string. */
export function listQueryFromQueryString(
  query: Record<string, string | undefined>,
  sortAttribute: string,
): ListQuery {
  return parseListQuery(
    {
      filter: query.filter,
      startIndex: query.startIndex,
      count: query.count,
      cursor: query.cursor,
      sortBy: query.sortBy,
      sortOrder: query.sortOrder,
      ...projectionFromQuery(query),
    },
    sortAttribute,
  );
}

/** POST /.search (RFC 7644 §3.4.3): the same parameters in a SearchRequest body. */
export function listQueryFromSearchRequest(body: unknown, sortAttribute: string): ListQuery {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ScimError.badRequest('invalidSyntax', 'A SearchRequest must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const schemas = b.schemas;
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) ||
      !schemas.some((s) => String(s).toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase()))
  ) {
    throw ScimError.badRequest('invalidSyntax', `schemas must contain ${SEARCH_REQUEST_SCHEMA}`);
  }
  return parseListQuery(
    {
      filter: b.filter,
      startIndex: b.startIndex,
      count: b.count,
      cursor: b.cursor,
      sortBy: b.sortBy,
      sortOrder: b.sortOrder,
      attributes: stringList(b.attributes, 'attributes'),
      excludedAttributes: stringList(b.excludedAttributes, 'excludedAttributes'),
    },
    sortAttribute,
  );
}

/**
 * Validates paging, sorting and the filter. `sortAttribute` is the one attribute the index is ordered
 * by (userName for users, displayName for groups); the default order is the same, so pages are stable.
 */
export function parseListQuery(raw: RawListParams, sortAttribute: string): ListQuery {
  const filterText = typeof raw.filter === 'string' ? raw.filter.trim() : undefined;
  if (raw.filter !== undefined && typeof raw.filter !== 'string') {
    throw ScimError.badRequest('invalidFilter', 'filter must be a string');
  }
  // An empty filter names no condition: answering the whole tenant would hand a lookup whose value
  // went missing (Okta's `userName eq` before a create) someone else's user.
  if (filterText === '') {
    throw ScimError.badRequest(
      'invalidFilter',
      'filter is empty: leave the parameter out to list everything',
    );
  }
  const startIndex = Math.max(1, integerParam(raw.startIndex, 'startIndex') ?? 1);
  const requested = integerParam(raw.count, 'count');
  const count = Math.min(SCIM_LIMITS.maxResults, Math.max(0, requested ?? SCIM_LIMITS.defaultCount));
  if (raw.sortBy !== undefined && raw.sortBy !== '') {
    const sortBy = String(raw.sortBy).replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '');
    if (sortBy.toLowerCase() !== sortAttribute.toLowerCase()) {
      throw ScimError.badRequest('invalidValue', `sortBy supports ${sortAttribute} only`);
    }
  }
  const sortOrder = raw.sortOrder === undefined ? 'ascending' : String(raw.sortOrder).toLowerCase();
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw ScimError.badRequest('invalidValue', 'sortOrder must be "ascending" or "descending"');
  }
  const filter = filterText ? parseFilter(filterText) : undefined;
  const cursor = cursorParam(raw, filter !== undefined);
  return {
    filter,
    startIndex,
    count,
    descending: sortOrder === 'descending',
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes,
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** Longest cursor accepted; the server's own are far shorter (lambdas/store/cursor-codec.ts). */
export const MAX_CURSOR_LENGTH = 2048;

/**
 * `cursor` of RFC 9865: a string, `''` to start. It excludes `startIndex` (one paging method per
 * request) and, here, a filter: filtered lists page by index only (docs/decisions.md).
 */
function cursorParam(raw: RawListParams, filtered: boolean): string | undefined {
  if (raw.cursor === undefined || raw.cursor === null) return undefined;
  if (typeof raw.cursor !== 'string') throw ScimError.badRequest('invalidCursor', 'cursor must be a string');
  if (raw.startIndex !== undefined && raw.startIndex !== '') {
    throw ScimError.badRequest(
      'invalidValue',
      'cursor and startIndex cannot be combined: page by cursor or by index (RFC 9865)',
    );
  }
  if (filtered) {
    throw ScimError.badRequest(
      'invalidValue',
      'cursor paging is offered on unfiltered lists; page a filtered list with startIndex',
    );
  }
  const cursor = raw.cursor.trim();
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[\x21-\x7e]*$/.test(cursor)) {
    throw ScimError.badRequest('invalidCursor', 'The cursor is not valid: malformed');
  }
  return cursor;
}

function integerParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(number)) throw ScimError.badRequest('invalidValue', `${name} must be an integer`);
  return number;
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseAttributeList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.length ? value : undefined;
  throw ScimError.badRequest('invalidValue', `${name} must be an array of attribute names`);
}
