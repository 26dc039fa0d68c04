import { startTestService, type TestService } from '../support/service';
import { createGroup, createUsers, GROUP, newTenant, PATCH_OP } from './groups-helpers';

/** A member's `display` in a group follows the user's displayName. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

test("renaming a user updates the member's display in every group", async () => {
  const t = await newTenant(service, 'display');
  const [user] = await createUsers(t, 1);
  const first = await createGroup(t, 'First', [user.id]);
  const second = await createGroup(t, 'Second', [user.id]);

  const renamed = await t.call('PATCH', `/Users/${user.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed Person' }],
  });
  expect(renamed.status).toBe(200);

  for (const group of [first, second]) {
    const read = await t.call('GET', `/Groups/${group.id}`);
    expect(read.body.members).toEqual([
      expect.objectContaining({ value: user.id, display: 'Renamed Person' }),
    ]);
  }
});

describe('members.display is readOnly (the server derives it): sent by Okta and Entra, ignored, never refused', () => {
  test("Okta's PATCH add with display, and Entra's add without it, both derive the display", async () => {
    const t = await newTenant(service, 'display-ro');
    const [okta, entra] = await createUsers(t, 2);
    const group = await createGroup(t, 'ReadOnly display', []);

    const oktaAdd = await t.call('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: okta.id, display: 'Not Their Name' }] }],
    });
    expect(oktaAdd.status).toBe(204);
    const entraAdd = await t.call('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: entra.id }] }],
    });
    expect(entraAdd.status).toBe(204);

    const read = await t.call('GET', `/Groups/${group.id}`);
    expect(read.body.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: okta.id, display: okta.displayName }),
        expect.objectContaining({ value: entra.id, display: entra.displayName }),
      ]),
    );
  });

  test('a PUT and a POST carrying members with display are accepted; display comes from the user', async () => {
    const t = await newTenant(service, 'display-put');
    const [user] = await createUsers(t, 1);
    const created = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Put display',
      members: [{ value: user.id, display: 'Sent by the client' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.members).toEqual([
      expect.objectContaining({ value: user.id, display: user.displayName }),
    ]);

    const replaced = await t.call('PUT', `/Groups/${created.body.id}`, {
      schemas: [GROUP],
      displayName: 'Put display',
      members: [{ value: user.id, display: 'Sent again', $ref: null }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.members).toEqual([
      expect.objectContaining({ value: user.id, display: user.displayName }),
    ]);
  });

  test('a PATCH naming members.display by path changes nothing and is not refused', async () => {
    const t = await newTenant(service, 'display-path');
    const [user] = await createUsers(t, 1);
    const group = await createGroup(t, 'Path display', [user.id]);

    const response = await t.call('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: `members[value eq "${user.id}"].display`, value: 'Renamed' }],
    });
    expect(response.status).toBeLessThan(300);
    const read = await t.call('GET', `/Groups/${group.id}`);
    expect(read.body.members).toEqual([
      expect.objectContaining({ value: user.id, display: user.displayName }),
    ]);
  });
});
