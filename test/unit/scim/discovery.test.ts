import { LIST_RESPONSE_SCHEMA, listResponse } from '../../../lambdas/scim/list-response';
import {
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_SCHEMA,
  GROUP_SCHEMA_URN,
  groupResourceSchema,
  USER_SCHEMA,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';
import {
  RESOURCE_TYPE_SCHEMA,
  resourceTypes,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  schemaResources,
  serviceProviderConfig,
} from '../../../lambdas/scim/schemas/discovery';
import {
  DISCOVERY_SCHEMAS,
  SCHEMA_SCHEMA_DEFINITION,
  SERVICE_PROVIDER_CONFIG_SCHEMA_DEFINITION,
} from '../../../lambdas/scim/schemas/meta-schemas';
import type { AttributeDefinition } from '../../../lambdas/scim/schemas/types';

const BASE = 'https://api.example.test/scim/v2';

describe('serviceProviderConfig (RFC 7643 §5)', () => {
  const config = serviceProviderConfig(`${BASE}/`, { maxResults: 200, maxPayloadBytes: 1_048_576 });

  it('declares the supported features', () => {
    expect(config).toMatchObject({
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1_048_576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
    });
  });

  it('offers one primary OAuth bearer token scheme', () => {
    expect(config.authenticationSchemes).toEqual([
      expect.objectContaining({
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        primary: true,
        specUri: expect.stringContaining('rfc6750'),
        description: expect.any(String),
      }),
    ]);
  });

  it('carries meta with its location, without a doubled slash', () => {
    expect(config.meta).toEqual({
      resourceType: 'ServiceProviderConfig',
      location: `${BASE}/ServiceProviderConfig`,
    });
  });
});

describe('resourceTypes (RFC 7643 §6)', () => {
  const [user, group] = resourceTypes(BASE, userResourceSchema(), groupResourceSchema());

  it('describes Users with the enterprise extension as optional', () => {
    expect(user).toEqual({
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: expect.any(String),
      schema: USER_SCHEMA_URN,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA_URN, required: false }],
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
    });
  });

  it('describes Groups without extensions', () => {
    expect(group).toMatchObject({ id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA_URN });
    expect(group).not.toHaveProperty('schemaExtensions');
    expect(group.meta).toEqual({ resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/Group` });
  });
});

describe('schemaResources (RFC 7643 §7)', () => {
  const [user, enterprise, group] = schemaResources(BASE, [
    USER_SCHEMA,
    ENTERPRISE_USER_SCHEMA,
    GROUP_SCHEMA,
  ]);
  type Rendered = Record<string, unknown> & { subAttributes?: Rendered[] };
  const attributes = (schema: Record<string, unknown>) => schema.attributes as Rendered[];
  const named = (schema: Record<string, unknown>, name: string) =>
    attributes(schema).find((a) => a.name === name);

  it('renders each schema with its id, name and meta', () => {
    expect(user).toMatchObject({
      schemas: [SCHEMA_SCHEMA],
      id: USER_SCHEMA_URN,
      name: 'User',
      meta: { resourceType: 'Schema', location: `${BASE}/Schemas/${USER_SCHEMA_URN}` },
    });
    expect(enterprise.meta).toEqual({
      resourceType: 'Schema',
      location: `${BASE}/Schemas/${ENTERPRISE_USER_SCHEMA_URN}`,
    });
    expect(group.id).toBe(GROUP_SCHEMA_URN);
  });

  it('renders every characteristic of an attribute', () => {
    expect(named(user, 'userName')).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
  });

  it('renders sub-attributes, canonical values and reference types', () => {
    const members = named(group, 'members');
    const type = members?.subAttributes?.find((a) => a.name === 'type');
    const ref = members?.subAttributes?.find((a) => a.name === '$ref');
    expect(type?.canonicalValues).toEqual(['User', 'Group']);
    expect(ref?.referenceTypes).toEqual(['User', 'Group']);
  });

  it('does not list the common attributes (RFC 7643 §3.1)', () => {
    const names = attributes(user).map((a) => a.name);
    expect(names).not.toContain('id');
    expect(names).not.toContain('externalId');
    expect(names).not.toContain('meta');
  });

  it('is plain JSON, detached from the frozen definitions', () => {
    expect(JSON.parse(JSON.stringify(user))).toEqual(user);
    expect(Object.isFrozen(named(user, 'emails'))).toBe(false);
  });
});

describe('listResponse (RFC 7644 §3.4.2)', () => {
  it('wraps the resources with integer paging fields', () => {
    expect(listResponse([{ id: 'a' }, { id: 'b' }], { totalResults: 10, startIndex: 3 })).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 10,
      startIndex: 3,
      itemsPerPage: 2,
      Resources: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('answers an empty tenant with an empty Resources list', () => {
    expect(listResponse([], { totalResults: 0, startIndex: 1 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('uses an explicit itemsPerPage when given', () => {
    expect(listResponse([], { totalResults: 5, startIndex: 1, itemsPerPage: 0 }).itemsPerPage).toBe(0);
  });
});

describe('the schemas of the discovery resources (RFC 7643 §5-§7, §8.7.2)', () => {
  const all = (attributes: readonly AttributeDefinition[]): AttributeDefinition[] =>
    attributes.flatMap((a) => [a, ...all(a.subAttributes ?? [])]);

  it('has ServiceProviderConfig, ResourceType and Schema, with their URNs', () => {
    expect(DISCOVERY_SCHEMAS.map((s) => s.id)).toEqual([
      SERVICE_PROVIDER_CONFIG_SCHEMA,
      RESOURCE_TYPE_SCHEMA,
      SCHEMA_SCHEMA,
    ]);
  });

  it('declares every attribute readOnly: the service provider sets them', () => {
    for (const schema of DISCOVERY_SCHEMAS) {
      expect(all(schema.attributes).filter((a) => a.mutability !== 'readOnly')).toEqual([]);
    }
  });

  it('describes the attributes an attribute definition has, sub-attributes once more', () => {
    const attributes = SCHEMA_SCHEMA_DEFINITION.attributes.find((a) => a.name === 'attributes');
    const names = attributes?.subAttributes?.map((a) => a.name);
    expect(names).toEqual([
      'name',
      'type',
      'multiValued',
      'description',
      'required',
      'canonicalValues',
      'caseExact',
      'mutability',
      'returned',
      'uniqueness',
      'referenceTypes',
      'subAttributes',
    ]);
    const nested = attributes?.subAttributes?.find((a) => a.name === 'subAttributes');
    expect(nested?.subAttributes?.map((a) => a.name)).toEqual(names?.slice(0, -1));
  });

  it('covers every key serviceProviderConfig writes', () => {
    const config = serviceProviderConfig(BASE, { maxResults: 1, maxPayloadBytes: 1, documentationUri: 'x' });
    const declared = SERVICE_PROVIDER_CONFIG_SCHEMA_DEFINITION.attributes.map((a) => a.name);
    for (const key of Object.keys(config).filter((k) => k !== 'schemas' && k !== 'meta')) {
      expect(declared).toContain(key);
    }
  });

  it('renders as Schema resources like the others', () => {
    const [spc] = schemaResources(BASE, [SERVICE_PROVIDER_CONFIG_SCHEMA_DEFINITION]);
    expect(spc).toMatchObject({
      schemas: [SCHEMA_SCHEMA],
      id: SERVICE_PROVIDER_CONFIG_SCHEMA,
      name: 'Service Provider Configuration',
      meta: { resourceType: 'Schema', location: `${BASE}/Schemas/${SERVICE_PROVIDER_CONFIG_SCHEMA}` },
    });
  });
});
