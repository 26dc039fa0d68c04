import { ScimError } from '../scim/errors';
import type { Filter } from '../scim/filter/ast';
import { parseFilter } from '../scim/filter/parse';
import { SCIM_LIMITS } from '../scim/limits';

/** A list request after validation (RFC 7644 §3.4.2): GET query parameters or a POST .search body. */
export interface ListQuery {
  filter?: Filter;
  /** 1-based; values below 1 mean 1 (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** 0..maxResults; 0 asks for totalResults only. */
  count: number;
  descending: boolean;
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Matches collected from an index lookup are sorted in memory; beyond this the filter is too broad. */
export const MAX_INDEXED_CANDIDATES = 10_000;

export interface RawListParams {
  filter?: unknown;
  startIndex?: unknown;
  count?: unknown;
  sortBy?: unknown;
  sortOrder?: unknown;
  attributes?: string[];
  excludedAttributes?: string[];
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
  return {
    filter: filterText ? parseFilter(filterText) : undefined,
    startIndex,
    count,
    descending: sortOrder === 'descending',
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes,
  };
}

function integerParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(number)) throw ScimError.badRequest('invalidValue', `${name} must be an integer`);
  return number;
}

/**
 * Walks candidate pages in their order, counts every match (exact totalResults) and keeps only the
 * requested window: memory is bounded by `count`, whatever the tenant's size.
 */
export async function windowOfMatches<T>(
  pages: AsyncIterable<T[]>,
  matches: (item: T) => boolean,
  startIndex: number,
  count: number,
): Promise<{ items: T[]; totalResults: number }> {
  const items: T[] = [];
  let totalResults = 0;
  for await (const page of pages) {
    for (const item of page) {
      if (!matches(item)) continue;
      totalResults++;
      if (totalResults >= startIndex && items.length < count) items.push(item);
    }
  }
  return { items, totalResults };
}

/** Collects index candidates for in-memory sorting, refusing unbounded sets (RFC 7644 §3.12 tooMany). */
export async function collectCandidates<T>(
  pages: AsyncIterable<T[]>,
  matches: (item: T) => boolean,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) {
    for (const item of page) {
      if (!matches(item)) continue;
      all.push(item);
      if (all.length > MAX_INDEXED_CANDIDATES) {
        throw ScimError.badRequest('tooMany', 'The filter matches too many resources; narrow it down');
      }
    }
  }
  return all;
}
