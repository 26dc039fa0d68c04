import type { HttpRequest } from './request';

/**
 * The tenant's SCIM base URL: what the admin copies into Okta's "SCIM 2.0 Base Url". In AWS the
 * admin API is another API Gateway than the SCIM API, so the admin handlers are told the SCIM API's
 * base (SCIM_PUBLIC_BASE_URL, lib/api-stack.ts); the SCIM handlers, and `npm start` (one origin for
 * both APIs), use the request's own base URL.
 */
export const scimBaseUrl = (request: HttpRequest, tenantId = request.pathParameters.tenantId) =>
  `${scimApiBaseUrl(request)}/scim/v2/${tenantId}`;

function scimApiBaseUrl(request: HttpRequest): string {
  const configured = process.env.SCIM_PUBLIC_BASE_URL;
  return configured ? configured.replace(/\/+$/, '') : request.baseUrl;
}
