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
