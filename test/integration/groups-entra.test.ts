import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '../support/service';
import {
  createUsers,
  expectMembers,
  filterQuery,
  GROUP,
  ids,
  LIST,
  MS_GROUP_SCHEMA,
  newTenant,
  patchOf,
  type Tenant,
} from './groups-helpers';

/** /Groups as Microsoft Entra ID provisions them (the request shapes of Microsoft's SCIM provisioning tutorial). */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const ENTRA_HEADERS = { 'Content-Type': 'application/scim+json', Accept: 'application/scim+json' };
const entraTenant = (label: string): Promise<Tenant> => newTenant(service, label, ENTRA_HEADERS);

/** Entra's group create: its own schema URN, externalId (the Entra object id), meta.resourceType. */
async function entraCreate(t: Tenant, displayName: string, externalId: string = randomUUID()) {
  const response = await t.call('POST', '/Groups', {
    schemas: [GROUP, MS_GROUP_SCHEMA],
    externalId,
    displayName,
    meta: { resourceType: 'Group' },
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body;
}

describe("Entra's group provisioning", () => {
  test('a create with the Microsoft schema URN is accepted; externalId is kept and the URN is not echoed', async () => {
    const entra = await entraTenant('entra-create');
    const externalId = randomUUID();

    const response = await entra.call('POST', '/Groups', {
      schemas: [GROUP, MS_GROUP_SCHEMA],
      externalId,
      displayName: 'Entra Group',
      meta: { resourceType: 'Group' },
    });

    expect(response.status).toBe(201);
    expect(response.body).toEqual(
      expect.objectContaining({
        schemas: [GROUP],
        id: expect.any(String),
        externalId,
        displayName: 'Entra Group',
      }),
    );
    const read = await entra.call('GET', `/Groups/${response.body.id}`);
    expect(read.body.externalId).toBe(externalId);
  });

  test('Test Connection: a filter on a random GUID answers an empty list', async () => {
    const entra = await entraTenant('entra-testconn');
    await entraCreate(entra, 'Existing');

    for (const attribute of ['id', 'displayName', 'externalId']) {
      const response = await entra.call(
        'GET',
        `/Groups?excludedAttributes=members&${filterQuery(`${attribute} eq "${randomUUID()}"`)}`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        schemas: [LIST],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
    }
  });

  test('the lookup by id with excludedAttributes=members finds the group without its members', async () => {
    const entra = await entraTenant('entra-byid');
    const members = await createUsers(entra, 2);
    const group = await entraCreate(entra, 'Lookup');
    await entra.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'Add', path: 'members', value: members.map((u) => ({ value: u.id })) }),
    );

    const response = await entra.call(
      'GET',
      `/Groups?${filterQuery(`id eq "${group.id}"`)}&excludedAttributes=members`,
    );

    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources).toEqual([
      expect.objectContaining({ id: group.id, displayName: 'Lookup', externalId: group.externalId }),
    ]);
    expect(response.body.Resources[0].members).toBeUndefined();
    expect(response.text).not.toContain(members[0].id);
  });

  test('the lookup by displayName (Entra matching attribute) finds the group', async () => {
    const entra = await entraTenant('entra-byname');
    const group = await entraCreate(entra, 'Marketing EU');

    const response = await entra.call(
      'GET',
      `/Groups?excludedAttributes=members&${filterQuery('displayName eq "Marketing EU"')}`,
    );

    expect(response.body.totalResults).toBe(1);
    expect(response.body.Resources[0].id).toBe(group.id);
  });

  test('Add with "$ref": null and capitalised op names adds the members', async () => {
    const entra = await entraTenant('entra-add');
    const members = await createUsers(entra, 3);
    const group = await entraCreate(entra, 'Adders');

    const response = await entra.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'Add', path: 'members', value: members.map((u) => ({ $ref: null, value: u.id })) }),
    );

    expect(response.status).toBe(204);
    await expectMembers(entra, group.id, ids(members));
  });

  test('Remove with a value array removes only the listed members', async () => {
    const entra = await entraTenant('entra-remove');
    const [a, b, c, d] = await createUsers(entra, 4);
    const group = await entraCreate(entra, 'Removers');
    await entra.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'Add', path: 'members', value: [a, b, c, d].map((u) => ({ value: u.id })) }),
    );

    const response = await entra.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'Remove', path: 'members', value: [{ value: b.id }, { value: d.id }] }),
    );

    expect(response.status).toBe(204);
    await expectMembers(entra, group.id, [a.id, c.id]);
  });

  test('Replace of displayName and externalId by path renames and re-keys the lookups', async () => {
    const entra = await entraTenant('entra-replace');
    const group = await entraCreate(entra, 'Before', 'ext-before');

    const response = await entra.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf(
        { op: 'Replace', path: 'displayName', value: 'After' },
        { op: 'Replace', path: 'externalId', value: 'ext-after' },
      ),
    );

    expect(response.status).toBe(204);
    const byNew = await entra.call('GET', `/Groups?${filterQuery('externalId eq "ext-after"')}`);
    const byOld = await entra.call('GET', `/Groups?${filterQuery('externalId eq "ext-before"')}`);
    expect(byNew.body.Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expect(byNew.body.Resources[0].displayName).toBe('After');
    expect(byOld.body.totalResults).toBe(0);
  });

  test('a create with members carrying "$ref": null and null attributes works', async () => {
    const entra = await entraTenant('entra-nulls');
    const members = await createUsers(entra, 2);

    const response = await entra.call('POST', '/Groups', {
      schemas: [GROUP, MS_GROUP_SCHEMA],
      externalId: randomUUID(),
      displayName: 'With Members',
      members: members.map((u) => ({ value: u.id, $ref: null, display: null })),
    });

    expect(response.status).toBe(201);
    await expectMembers(entra, response.body.id, ids(members));
  });

  test('Entra removes a deprovisioned group with DELETE; the id is then 404', async () => {
    const entra = await entraTenant('entra-delete');
    const group = await entraCreate(entra, 'Doomed', 'ext-doomed');

    const response = await entra.call('DELETE', `/Groups/${group.id}`);

    expect(response.status).toBe(204);
    expect((await entra.call('GET', `/Groups/${group.id}`)).status).toBe(404);
    expect(
      (await entra.call('GET', `/Groups?${filterQuery('externalId eq "ext-doomed"')}`)).body.totalResults,
    ).toBe(0);
  });
});
