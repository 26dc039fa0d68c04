export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/**
 * A query response (RFC 7644 §3.4.2). `itemsPerPage` is the number of resources on this page, not
 * the `count` the client asked for (servers that echoed `count` broke Okta imports); it defaults to
 * `resources.length`. `Resources` is always present, `[]` on an empty tenant: Okta's "Test API
 * Credentials" expects a ListResponse, never a 404.
 */
export function listResponse<T>(
  resources: T[],
  page: { totalResults: number; startIndex: number; itemsPerPage?: number },
): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: page.itemsPerPage ?? resources.length,
    Resources: resources,
  };
}

/**
 * The head of one page. Index paging (RFC 7644 §3.4.2.4) echoes `startIndex`; cursor paging
 * (RFC 9865 §2.2) has no index and carries `nextCursor` instead, absent on the last page.
 * `previousCursor` is not offered: the index is read forwards only (docs/decisions.md).
 */
export type ListPage =
  | { paging?: 'index'; totalResults: number; startIndex: number; itemsPerPage: number; nextCursor?: never }
  | { paging: 'cursor'; totalResults: number; itemsPerPage: number; nextCursor?: string; startIndex?: never };

/** The head of the answer to `query`: index or cursor paging, as the request chose. */
export function listPageOf(
  query: { startIndex: number; cursor?: string },
  page: { totalResults: number; itemsPerPage: number; nextCursor?: string },
): ListPage {
  if (query.cursor === undefined) {
    return { totalResults: page.totalResults, startIndex: query.startIndex, itemsPerPage: page.itemsPerPage };
  }
  return {
    paging: 'cursor',
    totalResults: page.totalResults,
    itemsPerPage: page.itemsPerPage,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * The ListResponse of a users or groups query as JSON pieces: the head, then each resource as it is
 * produced (a group's members arrive page by page), so a page of large groups is never one string.
 * The bytes are those of `JSON.stringify(listResponse(...))`.
 */
export async function* listResponsePieces(
  page: ListPage,
  resources: Iterable<string | AsyncIterable<string>>,
): AsyncGenerator<string> {
  const head = {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    ...(page.paging === 'cursor' ? {} : { startIndex: page.startIndex }),
    itemsPerPage: page.itemsPerPage,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
  yield `${JSON.stringify(head).slice(0, -1)},"Resources":[`;
  let first = true;
  for (const resource of resources) {
    if (!first) yield ',';
    first = false;
    if (typeof resource === 'string') yield resource;
    else yield* resource;
  }
  yield ']}';
}

/**
 * A resource whose one multi-valued attribute is streamed: `head` without it, then the attribute's
 * values page by page (a 100,000-member group's `members`).
 */
export async function* resourceWithStreamedValues(
  head: Record<string, unknown>,
  attribute: string,
  pages: AsyncIterable<string[]>,
): AsyncGenerator<string> {
  const opening = JSON.stringify(head);
  yield `${opening.slice(0, -1)}${Object.keys(head).length > 0 ? ',' : ''}${JSON.stringify(attribute)}:[`;
  let first = true;
  for await (const values of pages) {
    yield (first ? '' : ',') + values.join(',');
    first = false;
  }
  yield ']}';
}
