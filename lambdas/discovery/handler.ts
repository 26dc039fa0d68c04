import { NotFoundError } from '../domain/errors';
import { TenantSchemas } from '../domain/tenant-schemas';
import { scimBaseUrl } from '../http/base-url';
import { createHttpHandler, type RouteTable } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { SCIM_BASE } from '../http/routes';
import { ScimError } from '../scim/errors';
import { excerpt } from '../scim/excerpt';
import { SCIM_LIMITS } from '../scim/limits';
import { listResponse } from '../scim/list-response';
import { resourceTypeResource, schemaResource, serviceProviderConfig } from '../scim/schemas/discovery';
import { DISCOVERY_SCHEMAS } from '../scim/schemas/meta-schemas';
import type { ResourceSchema } from '../scim/schemas/types';
import { requestLogSink } from '../store/request-log-sink';
import { DynamoSettingsRepository } from '../store/settings-repository';

/** Discovery endpoints (RFC 7644 §4), per tenant: its User schema carries its custom attributes. */
const schemas = new TenantSchemas(new DynamoSettingsRepository());

const tenantBase = (request: HttpRequest) => scimBaseUrl(request);

async function resourceSchemas(request: HttpRequest): Promise<ResourceSchema[]> {
  return [await schemas.userSchema(request.pathParameters.tenantId), schemas.groupSchema()];
}

/** The resource schemas, then those of the discovery resources themselves (RFC 7644 §4). */
async function allSchemas(request: HttpRequest) {
  const seen = new Map<string, ResourceSchema['core']>();
  for (const resource of await resourceSchemas(request)) {
    for (const schema of [resource.core, ...resource.extensions.map((e) => e.schema)])
      seen.set(schema.id, schema);
  }
  for (const schema of DISCOVERY_SCHEMAS) seen.set(schema.id, schema);
  return [...seen.values()];
}

const list = (resources: unknown[]) => ({
  status: 200,
  body: listResponse(resources, {
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
  }),
});

const routes: RouteTable = {
  [`${SCIM_BASE}/ServiceProviderConfig`]: {
    GET: async (request) => ({
      status: 200,
      body: serviceProviderConfig(tenantBase(request), {
        maxResults: SCIM_LIMITS.maxResults,
        maxPayloadBytes: SCIM_LIMITS.maxPayloadBytes,
      }),
    }),
  },
  [`${SCIM_BASE}/ResourceTypes`]: {
    GET: async (request) =>
      list((await resourceSchemas(request)).map((r) => resourceTypeResource(tenantBase(request), r))),
  },
  [`${SCIM_BASE}/ResourceTypes/{name}`]: {
    GET: async (request) => {
      const name = request.pathParameters.name?.toLowerCase();
      const found = (await resourceSchemas(request)).find((r) => r.resourceType.toLowerCase() === name);
      if (!found) throw new NotFoundError(`ResourceType ${excerpt(request.pathParameters.name)} not found`);
      return { status: 200, body: resourceTypeResource(tenantBase(request), found) };
    },
  },
  [`${SCIM_BASE}/Schemas`]: {
    GET: async (request) =>
      list((await allSchemas(request)).map((s) => schemaResource(tenantBase(request), s))),
  },
  [`${SCIM_BASE}/Schemas/{urn}`]: {
    GET: async (request) => {
      const urn = request.pathParameters.urn?.toLowerCase();
      const found = (await allSchemas(request)).find((s) => s.id.toLowerCase() === urn);
      if (!found) throw new NotFoundError(`Schema ${excerpt(request.pathParameters.urn)} not found`);
      return { status: 200, body: schemaResource(tenantBase(request), found) };
    },
  },
  // RFC 7644 §3.4.3: a query across every resource type is optional; this service offers it per type.
  [`${SCIM_BASE}/.search`]: {
    POST: async () => {
      throw new ScimError(
        501,
        'A search across all resource types is not supported; POST to /Users/.search or /Groups/.search',
      );
    },
  },
  [`${SCIM_BASE}/{proxy+}`]: Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [
      method,
      async (request: HttpRequest) => {
        throw new NotFoundError(`No SCIM endpoint at ${excerpt(request.path)}`);
      },
    ]),
  ),
};

export const handler = createHttpHandler('scim', routes, { requestLog: requestLogSink() });
