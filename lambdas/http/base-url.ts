import type { HttpRequest } from './request';

/** The tenant's SCIM base URL: what the admin copies into Okta's "SCIM 2.0 Base Url". */
export const scimBaseUrl = (request: HttpRequest, tenantId = request.pathParameters.tenantId) =>
  `${request.baseUrl}/scim/v2/${tenantId}`;
