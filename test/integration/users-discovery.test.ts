import { randomUUID } from 'node:crypto';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * The discovery endpoints as a client learns the /Users resource from them (RFC 7644 §4, RFC 7643
 * §5-§7): Okta reads /Schemas for attribute discovery. They only read, so the tests share a tenant.
 */
let service: TestService;
let base: string;
let scim: (method: string, path: string) => Promise<TestResponse>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

beforeAll(async () => {
  service = await startTestService();
  const created = await service.createToken(`discovery-${randomUUID().slice(0, 8)}`);
  base = created.scimBaseUrl;
  scim = (method, path) =>
    service.scim(method, `${base}${path}`, created.token, undefined, {
      'Content-Type': 'application/scim+json; charset=utf-8',
    });
});
afterAll(() => service.stop());

type Attribute = { name: string; subAttributes?: Attribute[] } & Record<string, unknown>;
const attribute = (schema: { attributes: Attribute[] }, name: string) =>
  schema.attributes.find((a) => a.name === name);

describe('/ServiceProviderConfig', () => {
  test('advertises PATCH, filtering with maxResults 1000, sorting, ETags and bulk', async () => {
    const response = await scim('GET', '/ServiceProviderConfig');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        meta: expect.objectContaining({ location: `${base}/ServiceProviderConfig` }),
      }),
    );
  });

  test('names the bearer token as the authentication scheme', async () => {
    const response = await scim('GET', '/ServiceProviderConfig');

    expect(response.body.authenticationSchemes).toEqual([
      expect.objectContaining({ type: 'oauthbearertoken', primary: true }),
    ]);
  });
});

describe('/ResourceTypes', () => {
  test('lists User (with the enterprise extension) and Group', async () => {
    const response = await scim('GET', '/ResourceTypes');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ schemas: [LIST], totalResults: 2, itemsPerPage: 2 }),
    );
    expect(response.body.Resources).toEqual([
      expect.objectContaining({
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: USER,
        schemaExtensions: [{ schema: ENTERPRISE, required: false }],
        meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
      }),
      expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: GROUP }),
    ]);
  });

  test('/ResourceTypes/User is the User resource type', async () => {
    const response = await scim('GET', '/ResourceTypes/User');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER }));
  });

  test('an unknown resource type is a SCIM 404', async () => {
    const response = await scim('GET', '/ResourceTypes/Printer');

    expect(response.status).toBe(404);
    expect(response.body).toEqual(
      expect.objectContaining({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' }),
    );
  });
});

describe('/Schemas', () => {
  test('lists the User, EnterpriseUser and Group schemas, then those of the discovery resources (RFC 7644 §4)', async () => {
    const response = await scim('GET', '/Schemas');

    expect(response.status).toBe(200);
    expect(response.body.schemas).toEqual([LIST]);
    expect(response.body.Resources.map((s: { id: string }) => s.id)).toEqual([
      USER,
      ENTERPRISE,
      GROUP,
      SPC,
      RESOURCE_TYPE,
      SCHEMA,
    ]);
    expect(response.body.totalResults).toBe(6);
    for (const schema of response.body.Resources) {
      expect(schema.attributes.length).toBeGreaterThan(0);
      expect(schema.meta).toEqual({ resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` });
    }
  });

  test.each([
    [
      SPC,
      'Service Provider Configuration',
      [
        'documentationUri',
        'patch',
        'bulk',
        'filter',
        'changePassword',
        'sort',
        'etag',
        'pagination',
        'authenticationSchemes',
      ],
    ],
    [RESOURCE_TYPE, 'ResourceType', ['id', 'name', 'description', 'endpoint', 'schema', 'schemaExtensions']],
    [SCHEMA, 'Schema', ['id', 'name', 'description', 'attributes']],
  ])(
    '/Schemas/%s describes that discovery resource, every attribute readOnly',
    async (urn, name, attributes) => {
      const response = await scim('GET', `/Schemas/${urn}`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(
        expect.objectContaining({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: urn, name }),
      );
      expect(response.body.attributes.map((a: Attribute) => a.name)).toEqual(attributes);
      const all = (list: Attribute[]): Attribute[] => list.flatMap((a) => [a, ...all(a.subAttributes ?? [])]);
      expect(all(response.body.attributes).every((a) => a.mutability === 'readOnly')).toBe(true);
    },
  );

  test('what /ServiceProviderConfig answers uses only attributes its schema lists', async () => {
    const config = (await scim('GET', '/ServiceProviderConfig')).body;
    const schema = (await scim('GET', `/Schemas/${SPC}`)).body;
    const names = schema.attributes.map((a: Attribute) => a.name);
    for (const key of Object.keys(config).filter((k) => k !== 'schemas' && k !== 'meta')) {
      expect(names).toContain(key);
    }
  });

  test('the Group schema declares members.display readOnly (the server derives it)', async () => {
    const schema = (await scim('GET', `/Schemas/${GROUP}`)).body;

    expect(attribute(schema, 'members')?.subAttributes?.find((s) => s.name === 'display')).toEqual(
      expect.objectContaining({ mutability: 'readOnly' }),
    );
  });

  test.each([
    [USER, 'User'],
    [ENTERPRISE, 'EnterpriseUser'],
    [GROUP, 'Group'],
  ])('/Schemas/%s answers the schema', async (urn, name) => {
    const response = await scim('GET', `/Schemas/${urn}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        id: urn,
        name,
        attributes: expect.any(Array),
        meta: { resourceType: 'Schema', location: `${base}/Schemas/${urn}` },
      }),
    );
  });

  test('the User schema describes userName, password, groups and emails as the service treats them', async () => {
    const schema = (await scim('GET', `/Schemas/${USER}`)).body;

    expect(attribute(schema, 'userName')).toEqual(
      expect.objectContaining({ type: 'string', required: true, caseExact: false, uniqueness: 'server' }),
    );
    expect(attribute(schema, 'password')).toEqual(
      expect.objectContaining({ mutability: 'writeOnly', returned: 'never' }),
    );
    expect(attribute(schema, 'groups')).toEqual(
      expect.objectContaining({ mutability: 'readOnly', multiValued: true }),
    );
    expect(attribute(schema, 'emails')?.subAttributes?.map((s) => s.name)).toEqual([
      'value',
      'display',
      'type',
      'primary',
    ]);
    expect(attribute(schema, 'active')).toEqual(expect.objectContaining({ type: 'boolean' }));
  });

  test('the EnterpriseUser schema has the manager with a readOnly displayName', async () => {
    const schema = (await scim('GET', `/Schemas/${ENTERPRISE}`)).body;

    const manager = attribute(schema, 'manager');
    expect(manager?.subAttributes?.find((s) => s.name === 'displayName')).toEqual(
      expect.objectContaining({ mutability: 'readOnly' }),
    );
  });

  test('an unknown schema URN is a SCIM 404', async () => {
    const response = await scim('GET', '/Schemas/urn:example:nothing');

    expect(response.status).toBe(404);
    expect(response.body.status).toBe('404');
  });
});

test.each([
  ['POST', '/ServiceProviderConfig'],
  ['PUT', '/Schemas'],
  ['DELETE', '/ResourceTypes/User'],
])('%s %s is a SCIM 405', async (method, path) => {
  const response = await scim(method, path);

  expect(response.status).toBe(405);
  expect(response.body.status).toBe('405');
});

describe('the root POST /.search (RFC 7644 §3.4.3)', () => {
  test('answers 501 with a SCIM Error: searches go to /Users/.search or /Groups/.search', async () => {
    const response = await scim('POST', '/.search');

    expect(response.status).toBe(501);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
    expect(response.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '501',
      detail: expect.stringContaining('/Users/.search'),
    });
  });

  test('GET /.search is a SCIM 405; without a token it is a 401', async () => {
    const get = await scim('GET', '/.search');
    expect(get.status).toBe(405);
    expect(get.body.status).toBe('405');
    const anonymous = await service.request('POST', `${base}/.search`);
    expect(anonymous.status).toBe(401);
  });
});

test('discovery needs the bearer token like every SCIM route', async () => {
  const response = await service.request('GET', `${base}/Schemas`);

  expect(response.status).toBe(401);
  expect(response.body.status).toBe('401');
});
