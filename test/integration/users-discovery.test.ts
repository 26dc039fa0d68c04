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
  test('lists the core User, EnterpriseUser and Group schemas', async () => {
    const response = await scim('GET', '/Schemas');

    expect(response.status).toBe(200);
    expect(response.body.schemas).toEqual([LIST]);
    expect(response.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, ENTERPRISE, GROUP]);
    expect(response.body.totalResults).toBe(3);
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

test('discovery needs the bearer token like every SCIM route', async () => {
  const response = await service.request('GET', `${base}/Schemas`);

  expect(response.status).toBe(401);
  expect(response.body.status).toBe('401');
});
