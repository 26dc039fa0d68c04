import type { BulkOutcome } from '../domain/bulk';
import { scimBaseUrl } from '../http/base-url';
import { scimErrorMapper } from '../http/error-mappers';
import { createHttpHandler, parseJsonBody, type RouteTable } from '../http/handler';
import { type HttpRequest, provisioningSourceOf } from '../http/request';
import { SCIM_BASE } from '../http/routes';
import { type BulkOperationResult, bulkResponse, parseBulkRequest } from '../scim/bulk';
import type { ScimErrorBody } from '../scim/errors';
import { etagOf } from '../scim/etag';
import { requestLogSink } from '../store/request-log-sink';
import { bulkService } from './compose';

/** SCIM /Bulk (RFC 7644 §3.7): parse the BulkRequest, run it, render the BulkResponse. */
const bulk = bulkService();

/** One operation's part of the BulkResponse; a failure is rendered by the same mapper as a single request. */
function resultOf(request: HttpRequest, outcome: BulkOutcome): BulkOperationResult {
  const { operation, id } = outcome;
  const base = scimBaseUrl(request);
  const location = id === undefined ? undefined : `${base}/${operation.resourceType}/${id}`;
  const common = { method: operation.method, ...(operation.bulkId ? { bulkId: operation.bulkId } : {}) };
  if (outcome.error !== undefined) {
    const failure = scimErrorMapper(outcome.error, { requestId: request.requestId, path: request.resource });
    // A failed POST has no location (§3.7.3).
    return {
      ...common,
      ...(operation.method === 'POST' ? {} : { location }),
      status: failure.status,
      response: failure.body as ScimErrorBody,
    };
  }
  return {
    ...common,
    location,
    ...(outcome.version === undefined ? {} : { version: etagOf(outcome.version) }),
    status: outcome.status ?? 200,
  };
}

const routes: RouteTable = {
  [`${SCIM_BASE}/Bulk`]: {
    POST: async (request) => {
      const message = parseBulkRequest(parseJsonBody(request));
      const source = provisioningSourceOf(request);
      const outcomes = await bulk.execute(request.pathParameters.tenantId, message, source);
      return { status: 200, body: bulkResponse(outcomes.map((outcome) => resultOf(request, outcome))) };
    },
  },
};

export const handler = createHttpHandler('scim', routes, { requestLog: requestLogSink() });
