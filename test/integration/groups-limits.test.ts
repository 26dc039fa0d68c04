import { startTestService, type TestService } from '../support/service';
import { createUsers, GROUP, newTenant, patchOf, scimError } from './groups-helpers';

/** Values DynamoDB cannot key on are refused with a 400, never a 5xx; lookups of them find nothing. */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const long = (n: number) => 'x'.repeat(n);

test('an over-long displayName or externalId is a 400 invalidValue and nothing is created', async () => {
  const t = await newTenant(service, 'limits-create');
  const name = await t.call('POST', '/Groups', { schemas: [GROUP], displayName: long(2000) });
  expect(name.status).toBe(400);
  expect(name.body).toEqual(scimError(400, 'invalidValue'));
  const external = await t.call('POST', '/Groups', {
    schemas: [GROUP],
    displayName: 'ok',
    externalId: long(3000),
  });
  expect(external.status).toBe(400);
  expect((await t.call('GET', '/Groups')).body.totalResults).toBe(0);
});

test('lookups with over-long values find nothing', async () => {
  const t = await newTenant(service, 'limits-read');
  expect((await t.call('GET', `/Groups/${long(3000)}`)).status).toBe(404);
  for (const filter of [
    `displayName eq "${long(3000)}"`,
    `id eq "${long(3000)}"`,
    `externalId eq "${long(3000)}"`,
  ]) {
    const response = await t.call('GET', `/Groups?filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(0);
  }
});

test('an over-long member id is an unknown member (400 invalidValue)', async () => {
  const t = await newTenant(service, 'limits-member');
  const [user] = await createUsers(t, 1);
  const group = await t.call('POST', '/Groups', { schemas: [GROUP], displayName: 'G' });
  const response = await t.call(
    'PATCH',
    `/Groups/${group.body.id}`,
    patchOf({ op: 'add', path: 'members', value: [{ value: user.id }, { value: long(3000) }] }),
  );
  expect(response.status).toBe(400);
  expect(response.body).toEqual(scimError(400, 'invalidValue'));
});
