import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '../support/service';

/**
 * /Users as Microsoft Entra ID's provisioning service drives it: the request shapes of Microsoft's
 * "Tutorial: Develop and plan provisioning for a SCIM endpoint" and the quirks listed in
 * docs/decisions.md ("Deviations from RFC 7644 for Entra and Okta").
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ENTRA_HEADERS = {
  'Content-Type': 'application/scim+json',
  'User-Agent': 'Microsoft-Azure-Provisioning/1.0',
};

async function entraTenant(label: string) {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  // The tenant's admin chose Entra ID for this connection's token.
  const { token, scimBaseUrl } = await service.createToken(tenantId, 'entra');
  const entra = (method: string, path: string, body?: unknown) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body, ENTRA_HEADERS);
  const patch = (id: string, ...Operations: unknown[]) =>
    entra('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations });
  return { tenantId, entra, patch };
}

/** Microsoft's documented "Create User" request. */
const entraCreateBody = (userName: string) => ({
  schemas: [USER, ENTERPRISE],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName,
  active: true,
  emails: [{ primary: true, type: 'work', value: userName }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
});

const filtered = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;

describe('Entra creates', () => {
  test("Microsoft's documented create answers 201 with the user", async () => {
    const { entra } = await entraTenant('create');

    const response = await entra('POST', '/Users', entraCreateBody('Test_User_ab64@testuser.com'));

    expect(response.status).toBe(201);
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: [USER],
        userName: 'Test_User_ab64@testuser.com',
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
        active: true,
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        meta: expect.objectContaining({ resourceType: 'User', version: 'W/"1"' }),
      }),
    );
  });

  test('a user created through an Entra token records Entra as its source', async () => {
    const { entra, tenantId } = await entraTenant('source');
    const created = await entra('POST', '/Users', entraCreateBody('source@testuser.com'));

    const response = await service.admin('GET', `/${tenantId}/users/${created.body.id}`);

    expect(response.body.source).toBe('SCIM Microsoft Entra ID');
  });

  test('attributes set to null are treated as absent', async () => {
    const { entra } = await entraTenant('nulls');

    const response = await entra('POST', '/Users', {
      ...entraCreateBody('nulls@testuser.com'),
      displayName: null,
      title: null,
      phoneNumbers: null,
      name: { givenName: 'Grace', familyName: null },
      [ENTERPRISE]: { department: null, employeeNumber: '7' },
    });

    expect(response.status).toBe(201);
    expect(response.body).not.toHaveProperty('displayName');
    expect(response.body).not.toHaveProperty('title');
    expect(response.body).not.toHaveProperty('phoneNumbers');
    expect(response.body.name).toEqual({ givenName: 'Grace' });
    expect(response.body[ENTERPRISE]).toEqual({ employeeNumber: '7' });
  });

  test('booleans sent as the strings "True" and "False" are stored as booleans', async () => {
    const { entra } = await entraTenant('bool-strings');

    const response = await entra('POST', '/Users', {
      ...entraCreateBody('bools@testuser.com'),
      active: 'False',
      emails: [{ primary: 'True', type: 'work', value: 'bools@testuser.com' }],
    });

    expect(response.status).toBe(201);
    expect(response.body.active).toBe(false);
    expect(response.body.emails[0].primary).toBe(true);
  });

  test('the enterprise manager given as {value} is stored with the extension', async () => {
    const { entra } = await entraTenant('manager-object');

    const response = await entra('POST', '/Users', {
      ...entraCreateBody('report@testuser.com'),
      [ENTERPRISE]: { department: 'R&D', manager: { value: 'boss-id', $ref: null } },
    });

    expect(response.status).toBe(201);
    expect(response.body.schemas).toEqual([USER, ENTERPRISE]);
    expect(response.body[ENTERPRISE]).toEqual({ department: 'R&D', manager: { value: 'boss-id' } });
  });

  test('the enterprise manager given as a bare string becomes {value}', async () => {
    const { entra } = await entraTenant('manager-string');

    const response = await entra('POST', '/Users', {
      ...entraCreateBody('report2@testuser.com'),
      [ENTERPRISE]: { manager: 'boss-id' },
    });

    expect(response.status).toBe(201);
    expect(response.body[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  test('a duplicate userName is a 409 uniqueness error', async () => {
    const { entra } = await entraTenant('dup');
    await entra('POST', '/Users', entraCreateBody('dup@testuser.com'));

    const response = await entra('POST', '/Users', entraCreateBody('Dup@TestUser.com'));

    expect(response.status).toBe(409);
    expect(response.body.scimType).toBe('uniqueness');
  });
});

describe('Entra queries', () => {
  test('Test Connection: a filter on a random GUID is an empty list', async () => {
    const { entra } = await entraTenant('test-conn');
    await entra('POST', '/Users', entraCreateBody('someone@testuser.com'));

    const response = await entra('GET', filtered(`userName eq "${randomUUID()}"`));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({ totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] }),
    );
  });

  test('Test Connection: an unquoted GUID on externalId is an empty list', async () => {
    const { entra } = await entraTenant('test-conn-ext');

    const response = await entra('GET', filtered(`externalId eq ${randomUUID()}`));

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(0);
  });

  test('the documented filter with an unquoted value finds the user', async () => {
    const { entra } = await entraTenant('unquoted');
    const created = await entra('POST', '/Users', entraCreateBody('john@contoso.com'));

    const response = await entra('GET', filtered('userName eq john@contoso.com'));

    expect(response.status).toBe(200);
    expect(response.body.Resources.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
  });

  test('users are found by externalId', async () => {
    const { entra } = await entraTenant('by-external');
    const created = await entra('POST', '/Users', entraCreateBody('ext@testuser.com'));

    const response = await entra('GET', filtered('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'));

    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources[0].id).toBe(created.body.id);
  });

  test('users are found by emails[type eq "work"].value eq "..."', async () => {
    const { entra } = await entraTenant('by-work-email');
    const created = await entra('POST', '/Users', entraCreateBody('work@testuser.com'));
    await entra('POST', '/Users', {
      ...entraCreateBody('home@testuser.com'),
      emails: [{ type: 'home', value: 'work@testuser.com' }],
    });

    const response = await entra('GET', filtered('emails[type eq "work"].value eq "WORK@testuser.com"'));

    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources[0].id).toBe(created.body.id);
  });

  test('filters joined by "and" are both applied', async () => {
    const { entra } = await entraTenant('and');
    const created = await entra('POST', '/Users', entraCreateBody('both@testuser.com'));

    const match = await entra(
      'GET',
      filtered('userName eq "both@testuser.com" and externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"'),
    );
    const miss = await entra('GET', filtered('userName eq "both@testuser.com" and externalId eq "other"'));

    expect(match.body.Resources.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    expect(miss.body.totalResults).toBe(0);
  });
});

describe('Entra PATCH', () => {
  test('op names arrive capitalised: Add, Replace, Remove', async () => {
    const { entra, patch } = await entraTenant('op-case');
    const created = await entra('POST', '/Users', entraCreateBody('ops@testuser.com'));

    const response = await patch(
      created.body.id,
      { op: 'Add', path: 'title', value: 'Engineer' },
      { op: 'Replace', path: 'displayName', value: 'Ops' },
      { op: 'Remove', path: 'name.formatted' },
      { op: 'REPLACE', path: 'nickName', value: 'O' },
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({
        title: 'Engineer',
        displayName: 'Ops',
        nickName: 'O',
        name: { familyName: 'familyName', givenName: 'givenName' },
      }),
    );
  });

  test('"Disable User": Replace active with the string "False"', async () => {
    const { entra, patch } = await entraTenant('disable');
    const created = await entra('POST', '/Users', entraCreateBody('disable@testuser.com'));

    const response = await patch(created.body.id, { op: 'Replace', path: 'active', value: 'False' });

    expect(response.status).toBe(200);
    expect(response.body.active).toBe(false);
    expect((await entra('GET', `/Users/${created.body.id}`)).body.active).toBe(false);
  });

  test('a no-path Replace with dotted and URN-qualified keys sets each attribute', async () => {
    const { entra, patch } = await entraTenant('dotted');
    const created = await entra('POST', '/Users', entraCreateBody('dotted@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Replace',
      value: {
        'name.givenName': 'X',
        [`${ENTERPRISE}:employeeNumber`]: '7',
        active: 'True',
      },
    });

    expect(response.status).toBe(200);
    expect(response.body.name).toEqual({
      formatted: 'givenName familyName',
      familyName: 'familyName',
      givenName: 'X',
    });
    expect(response.body[ENTERPRISE]).toEqual({ employeeNumber: '7' });
    expect(response.body.schemas).toEqual([USER, ENTERPRISE]);
  });

  test('"Update User [Multi-valued properties]": work email and family name replaced', async () => {
    const { entra, patch } = await entraTenant('multi');
    const created = await entra('POST', '/Users', entraCreateBody('multi@testuser.com'));

    const response = await patch(
      created.body.id,
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    );

    expect(response.status).toBe(200);
    expect(response.body.emails).toEqual([
      { primary: true, type: 'work', value: 'updatedEmail@microsoft.com' },
    ]);
    expect(response.body.name.familyName).toBe('updatedFamilyName');
    const byNewEmail = await entra(
      'GET',
      filtered('emails[type eq "work"].value eq "updatedEmail@microsoft.com"'),
    );
    const byOldEmail = await entra('GET', filtered('emails.value eq "multi@testuser.com"'));
    expect(byNewEmail.body.totalResults).toBe(1);
    expect(byOldEmail.body.totalResults).toBe(0);
  });

  test('a Replace of emails[type eq "work"].value that matches nothing adds a work email', async () => {
    const { entra, patch } = await entraTenant('email-seed');
    const created = await entra('POST', '/Users', { schemas: [USER], userName: 'seed@testuser.com' });

    const response = await patch(created.body.id, {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: 'seed@testuser.com',
    });

    expect(response.status).toBe(200);
    expect(response.body.emails).toEqual([{ type: 'work', value: 'seed@testuser.com' }]);
    expect((await entra('GET', filtered('emails.value eq "seed@testuser.com"'))).body.totalResults).toBe(1);
  });

  test('a Replace of addresses[type eq "work"].formatted that matches nothing adds a work address', async () => {
    const { entra, patch } = await entraTenant('address-seed');
    const created = await entra('POST', '/Users', entraCreateBody('address@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Replace',
      path: 'addresses[type eq "work"].formatted',
      value: '1 Main St, Springfield',
    });

    expect(response.status).toBe(200);
    expect(response.body.addresses).toEqual([{ type: 'work', formatted: '1 Main St, Springfield' }]);
  });

  test("the validator's value-filtered sequence on emails builds the three typed emails", async () => {
    const { entra, patch } = await entraTenant('validator');
    const created = await entra('POST', '/Users', entraCreateBody('validator@testuser.com'));

    const response = await patch(
      created.body.id,
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'oren.collins@white.com' },
      { op: 'add', path: 'emails[type eq "home"].value', value: 'angelita@mante.us' },
      { op: 'add', path: 'emails[type eq "other"].value', value: 'yasmine_bins@braun.us' },
      { op: 'replace', path: 'emails[type eq "work"].display', value: '0TXBC2MOGUI0' },
      { op: 'replace', path: 'emails[type eq "home"].display', value: '14UDKFEIO3YS' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: false },
      { op: 'replace', path: 'emails[type eq "home"].primary', value: true },
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      { op: 'add', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' },
    );

    expect(response.status).toBe(200);
    expect(response.body.emails).toEqual([
      { primary: false, type: 'work', value: 'oren.collins@white.com', display: '0TXBC2MOGUI0' },
      { type: 'home', value: 'angelita@mante.us', display: '14UDKFEIO3YS', primary: true },
      { type: 'other', value: 'yasmine_bins@braun.us' },
    ]);
    expect(response.body.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    expect(response.body.addresses).toEqual([{ type: 'work', streetAddress: '1010 Broadway Ave' }]);
  });

  test('one request may mix a work email, a work address and a department', async () => {
    const { entra, patch } = await entraTenant('mixed');
    const created = await entra('POST', '/Users', entraCreateBody('adele@testuser.com'));

    const response = await patch(
      created.body.id,
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'AdeleV2@contoso.onmicrosoft.com' },
      { op: 'Replace', path: 'addresses[type eq "work"].formatted', value: '18/2111' },
      { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Retail' },
    );

    expect(response.status).toBe(200);
    expect(response.body.emails[0].value).toBe('AdeleV2@contoso.onmicrosoft.com');
    expect(response.body.addresses).toEqual([{ type: 'work', formatted: '18/2111' }]);
    expect(response.body[ENTERPRISE]).toEqual({ department: 'Retail' });
  });

  test('Remove of emails[type eq "work"].value with a value removes the work email', async () => {
    const { entra, patch } = await entraTenant('remove-work-email');
    const created = await entra('POST', '/Users', entraCreateBody('removed@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Remove',
      path: 'emails[type eq "work"].value',
      value: 'removed@testuser.com',
    });

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('emails');
    expect((await entra('GET', filtered('emails.value eq "removed@testuser.com"'))).body.totalResults).toBe(
      0,
    );
  });

  test('"Add Manager": path manager with [{"$ref": null, "value": id}]', async () => {
    const { entra, patch } = await entraTenant('add-manager');
    const created = await entra('POST', '/Users', entraCreateBody('managed@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Add',
      path: 'manager',
      value: [{ $ref: null, value: '2819c223-7f76-453a-919d-413861904646' }],
    });

    expect(response.status).toBe(200);
    expect(response.body[ENTERPRISE]).toEqual({ manager: { value: '2819c223-7f76-453a-919d-413861904646' } });
    expect(response.body.schemas).toEqual([USER, ENTERPRISE]);
  });

  test('a URN-qualified manager path takes a bare id', async () => {
    const { entra, patch } = await entraTenant('urn-manager');
    const created = await entra('POST', '/Users', entraCreateBody('urn-managed@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Replace',
      path: `${ENTERPRISE}:manager`,
      value: 'boss-id',
    });

    expect(response.status).toBe(200);
    expect(response.body[ENTERPRISE]).toEqual({ manager: { value: 'boss-id' } });
  });

  test('"Remove Manager": Remove path manager drops it and the empty extension', async () => {
    const { entra, patch } = await entraTenant('remove-manager');
    const created = await entra('POST', '/Users', {
      ...entraCreateBody('unmanaged@testuser.com'),
      [ENTERPRISE]: { manager: { value: 'boss-id' } },
    });

    const response = await patch(created.body.id, { op: 'Remove', path: 'manager' });

    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty(ENTERPRISE);
    expect(response.body.schemas).toEqual([USER]);
  });

  test('"Update User [Single-valued properties]": Replace userName renames the user', async () => {
    const { entra, patch } = await entraTenant('rename');
    const created = await entra('POST', '/Users', entraCreateBody('before@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Replace',
      path: 'userName',
      value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
    });

    expect(response.status).toBe(200);
    expect(response.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    expect((await entra('GET', filtered('userName eq "before@testuser.com"'))).body.totalResults).toBe(0);
    expect((await entra('POST', '/Users', entraCreateBody('before@testuser.com'))).status).toBe(201);
  });

  test('a no-path Add of an object of attributes sets them', async () => {
    const { entra, patch } = await entraTenant('add-object');
    const created = await entra('POST', '/Users', entraCreateBody('addobj@testuser.com'));

    const response = await patch(created.body.id, {
      op: 'Add',
      value: { displayName: 'Added', [ENTERPRISE]: { department: 'Sales' } },
    });

    expect(response.status).toBe(200);
    expect(response.body.displayName).toBe('Added');
    expect(response.body[ENTERPRISE]).toEqual({ department: 'Sales' });
  });
});

describe('Entra deletes', () => {
  test('soft delete (active false) keeps the user readable; hard delete removes it', async () => {
    const { entra, patch } = await entraTenant('soft-hard');
    const created = await entra('POST', '/Users', entraCreateBody('gone@testuser.com'));
    await patch(created.body.id, { op: 'Replace', path: 'active', value: false });
    expect((await entra('GET', `/Users/${created.body.id}`)).status).toBe(200);

    const deleted = await entra('DELETE', `/Users/${created.body.id}`);

    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await entra('GET', `/Users/${created.body.id}`)).status).toBe(404);
  });
});
