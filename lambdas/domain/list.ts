import type { Filter } from '../scim/filter/ast';
import { foldIdentifier } from '../scim/identifiers';
import type { ListQuery } from '../scim/list-request';
import { LimitExceededError } from './errors';

/** Matches collected from an index lookup are sorted in memory; beyond this the filter is too broad. */
export const MAX_INDEXED_CANDIDATES = 10_000;

/** What one resource type gives the list algorithm, bound to one tenant and one filter. */
export interface ListSource<T> {
  /** totalResults of the unfiltered list (a counter, not a scan). */
  count(): Promise<number>;
  /** The unfiltered page at an offset, in index order. */
  page(startIndex: number, count: number, descending: boolean): Promise<T[]>;
  /** A page of cursor paging (RFC 9865) from `cursor` (undefined: the first), one read of the index. */
  pageByCursor(
    cursor: string | undefined,
    count: number,
    descending: boolean,
  ): Promise<{ records: T[]; nextCursor: string | null }>;
  /** Every record in index order, a page at a time: the fallback when no index answers the filter. */
  walk(descending: boolean): AsyncIterable<T[]>;
  /** Candidates from a key or edge lookup when the filter has an indexable equality, else undefined. */
  indexed(filter: Filter): AsyncIterable<T[]> | undefined;
  /** The records of a page that the filter matches, in order. */
  matching(page: T[]): Promise<T[]>;
  /** Index order, for sorting index candidates in memory. */
  compare(a: T, b: T): number;
}

/**
 * The one list algorithm of users and groups (RFC 7644 §3.4.2). Unfiltered: the counter gives
 * totalResults and the index the page. Filtered: plan, don't scan — an indexable equality reads only
 * its candidates (sorted in memory, bounded by MAX_INDEXED_CANDIDATES); anything else walks the tenant
 * in index order, counting every match (exact totalResults) and keeping only the window.
 */
export async function listByQuery<T>(
  query: ListQuery,
  source: ListSource<T>,
): Promise<{ items: T[]; totalResults: number; nextCursor?: string }> {
  if (query.cursor !== undefined) {
    // Cursor paging (RFC 9865): the cursor is the index position, so each page is one Query and a walk
    // of the whole tenant reads each record once. The parser allows it on unfiltered lists only.
    const page = await source.pageByCursor(query.cursor || undefined, query.count, query.descending);
    const totalResults = await source.count();
    return {
      items: page.records,
      totalResults,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }
  if (!query.filter) {
    const totalResults = await source.count();
    if (query.count === 0 || query.startIndex > totalResults) return { items: [], totalResults };
    return { items: await source.page(query.startIndex, query.count, query.descending), totalResults };
  }
  const everything = () => true;
  const candidates = source.indexed(query.filter);
  if (!candidates) {
    const matches = keepMatching(source.walk(query.descending), source);
    return windowOfMatches(matches, everything, query.startIndex, query.count);
  }
  const all = await collectCandidates(keepMatching(candidates, source), everything);
  all.sort((a, b) => source.compare(a, b) * (query.descending ? -1 : 1));
  return {
    items: all.slice(query.startIndex - 1, query.startIndex - 1 + query.count),
    totalResults: all.length,
  };
}

async function* keepMatching<T>(pages: AsyncIterable<T[]>, source: ListSource<T>): AsyncGenerator<T[]> {
  for await (const page of pages) {
    const kept = await source.matching(page);
    if (kept.length > 0) yield kept;
  }
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
        throw new LimitExceededError('The filter matches too many resources; narrow it down');
      }
    }
  }
  return all;
}

/** Sort keys of the GSI1 order (fold(name) then id), so index answers and walks agree. */
export function compareByIndexKey(leftName: string, leftId: string, rightName: string, rightId: string) {
  const left = `${foldIdentifier(leftName)}#${leftId}`;
  const right = `${foldIdentifier(rightName)}#${rightId}`;
  return left < right ? -1 : left > right ? 1 : 0;
}
