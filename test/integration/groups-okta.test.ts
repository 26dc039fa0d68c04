import { startTestService, type TestService } from '../support/service';
import {
  createGroup,
  createUsers,
  expectMembers,
  filterQuery,
  GROUP,
  ids,
  LIST,
  memberIdsOf,
  newTenant,
  patchOf,
  scimError,
  type Tenant,
} from './groups-helpers';

/** /Groups as Okta pushes them (Okta's "Push Groups"), with Okta's own headers on every call. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const OKTA_HEADERS = {
  Accept: 'application/scim+json',
  'Content-Type': 'application/scim+json; charset=utf-8',
  'Accept-Encoding': 'gzip,deflate',
  'User-Agent': 'Okta SCIM Client 1.0.0',
};

const oktaTenant = (label: string): Promise<Tenant> => newTenant(service, label, OKTA_HEADERS);

const lookup = (displayName: string) =>
  `/Groups?${filterQuery(`displayName eq "${displayName}"`)}&startIndex=1&count=100`;

describe("Okta's group push", () => {
  test('"Test API Credentials" lists the groups of an empty tenant as an empty ListResponse', async () => {
    const okta = await oktaTenant('okta-creds');

    const response = await okta.call('GET', '/Groups?startIndex=1&count=100');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      schemas: [LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  test('the whole push sequence: create, lookup, rename + membership, push now, empty, PUT, delete', async () => {
    const okta = await oktaTenant('okta-push');
    const [ada, bob, cy, dee] = await createUsers(okta, 4);

    // Create, as Okta sends it: displayName and an empty member list.
    const created = await okta.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Engineering',
      members: [],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${okta.base}/Groups/${created.body.id}`);
    expect(created.headers.get('etag')).toMatch(/^W\/"/);
    expect(created.body).toEqual(
      expect.objectContaining({
        schemas: [GROUP],
        id: expect.any(String),
        displayName: 'Engineering',
        meta: expect.objectContaining({
          resourceType: 'Group',
          location: `${okta.base}/Groups/${created.body.id}`,
        }),
      }),
    );
    const id = created.body.id;

    // Lookup by displayName, case-insensitively.
    const found = await okta.call('GET', lookup('engineering'));
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    // First membership update: rename (readOnly id inside the value) and an add, in one request.
    const first = await okta.call(
      'PATCH',
      `/Groups/${id}`,
      patchOf(
        { op: 'replace', value: { id, displayName: 'Engineering Team' } },
        {
          op: 'add',
          path: 'members',
          value: [ada, bob, cy].map((u) => ({ value: u.id, display: u.userName })),
        },
      ),
    );
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    await expectMembers(okta, id, ids([ada, bob, cy]));

    // Next update: rename again, remove one and add another in ONE request.
    const second = await okta.call(
      'PATCH',
      `/Groups/${id}`,
      patchOf(
        { op: 'replace', value: { id, displayName: 'Platform' } },
        { op: 'remove', path: `members[value eq "${bob.id}"]` },
        { op: 'add', path: 'members', value: [{ value: dee.id, display: dee.userName }] },
      ),
    );
    expect(second.status).toBe(204);
    const afterSecond = await okta.call('GET', `/Groups/${id}`);
    expect(afterSecond.body.displayName).toBe('Platform');
    expect((await okta.call('GET', lookup('Engineering Team'))).body.totalResults).toBe(0);
    expect((await okta.call('GET', lookup('platform'))).body.Resources[0].id).toBe(id);
    await expectMembers(okta, id, ids([ada, cy, dee]));

    // "Push now": replace the member set.
    const pushNow = await okta.call(
      'PATCH',
      `/Groups/${id}`,
      patchOf({ op: 'replace', path: 'members', value: [{ value: bob.id }, { value: cy.id }] }),
    );
    expect(pushNow.status).toBe(204);
    await expectMembers(okta, id, ids([bob, cy]));

    // "Push now" with nobody assigned: [] empties the group (never a 400).
    const emptied = await okta.call(
      'PATCH',
      `/Groups/${id}`,
      patchOf({ op: 'replace', path: 'members', value: [] }),
    );
    expect(emptied.status).toBe(204);
    await expectMembers(okta, id, []);

    // Wizard apps: full PUT with id, meta and members echoed back.
    const current = (await okta.call('GET', `/Groups/${id}`)).body;
    const put = await okta.call('PUT', `/Groups/${id}`, {
      ...current,
      displayName: 'Platform Wizards',
      members: [ada, dee].map((u) => ({ value: u.id, display: u.displayName })),
    });
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Platform Wizards');
    expect(put.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids([ada, dee]).sort());
    await expectMembers(okta, id, ids([ada, dee]));

    // Unlink and delete.
    const deleted = await okta.call('DELETE', `/Groups/${id}`);
    expect(deleted.status).toBe(204);
    const gone = await okta.call('GET', `/Groups/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(scimError(404));
    expect((await okta.call('GET', lookup('Platform Wizards'))).body.totalResults).toBe(0);
    const adaNow = await okta.call('GET', `/Users/${ada.id}`);
    expect(adaNow.body.groups ?? []).toEqual([]);
  });

  test('lowercase op names and the rename with the readOnly id are accepted; the id is ignored', async () => {
    const okta = await oktaTenant('okta-rename');
    const group = await createGroup(okta, 'Sales');

    const response = await okta.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'replace', value: { id: 'not-the-real-id', displayName: 'Sales EMEA' } }),
    );

    expect(response.status).toBe(204);
    const after = await okta.call('GET', `/Groups/${group.id}`);
    expect(after.body.id).toBe(group.id);
    expect(after.body.displayName).toBe('Sales EMEA');
  });

  test('a rename that only changes case keeps the group and its lookup', async () => {
    const okta = await oktaTenant('okta-case');
    const group = await createGroup(okta, 'devops');

    const response = await okta.call(
      'PATCH',
      `/Groups/${group.id}`,
      patchOf({ op: 'replace', value: { id: group.id, displayName: 'DevOps' } }),
    );

    expect(response.status).toBe(204);
    const found = await okta.call('GET', lookup('DEVOPS'));
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].displayName).toBe('DevOps');
  });

  test('a name with quotes, slashes and non-ASCII is found by its displayName filter', async () => {
    const okta = await oktaTenant('okta-chars');
    const name = 'R&D / "Core" Ünits #1';
    const group = await createGroup(okta, name);

    const found = await okta.call('GET', lookup(name.replace(/"/g, '\\"')));
    const other = await okta.call('GET', lookup('R&D / Core Ünits #1'));

    expect(found.status).toBe(200);
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    expect(found.body.Resources[0].displayName).toBe(name);
    expect(other.body.totalResults).toBe(0);
  });

  test('a duplicate displayName (any case) is a 409 uniqueness error and creates nothing', async () => {
    const okta = await oktaTenant('okta-dup');
    await createGroup(okta, 'Finance');

    const duplicate = await okta.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'FINANCE',
      members: [],
    });

    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual(scimError(409, 'uniqueness'));
    const all = await okta.call('GET', '/Groups?startIndex=1&count=100');
    expect(all.body.totalResults).toBe(1);
  });

  test('renaming onto another group’s name is a 409 and leaves both groups as they were', async () => {
    const okta = await oktaTenant('okta-clash');
    const [member] = await createUsers(okta, 1);
    await createGroup(okta, 'Legal');
    const other = await createGroup(okta, 'Compliance');

    const response = await okta.call(
      'PATCH',
      `/Groups/${other.id}`,
      patchOf(
        { op: 'replace', value: { id: other.id, displayName: 'legal' } },
        { op: 'add', path: 'members', value: [{ value: member.id }] },
      ),
    );

    expect(response.status).toBe(409);
    expect(response.body).toEqual(scimError(409, 'uniqueness'));
    expect((await okta.call('GET', `/Groups/${other.id}`)).body.displayName).toBe('Compliance');
    expect(await memberIdsOf(okta, other.id)).toEqual([]);
    expect((await okta.call('GET', lookup('Legal'))).body.totalResults).toBe(1);
  });

  test('responses to Okta are gzip-compressed and decode to the group', async () => {
    const okta = await oktaTenant('okta-gzip');
    const members = await createUsers(okta, 3);
    const group = await createGroup(okta, 'Compressed', ids(members));

    const single = await okta.call('GET', `/Groups/${group.id}`);
    const list = await okta.call('GET', '/Groups?startIndex=1&count=100');

    expect(single.status).toBe(200);
    expect(single.headers.get('content-encoding')).toBe('gzip');
    expect(single.headers.get('content-type')).toBe('application/scim+json');
    expect(single.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids(members).sort());
    expect(list.headers.get('content-encoding')).toBe('gzip');
    expect(list.body.Resources).toHaveLength(1);
    expect(list.body.Resources[0].members).toHaveLength(3);
  });
});
