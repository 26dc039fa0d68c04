import { startTestService, type TestService } from '../support/service';
import { createGroup, createUsers, newTenant, PATCH_OP } from './groups-helpers';

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
