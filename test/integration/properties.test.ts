import fc from 'fast-check';
import { ENTERPRISE_USER_SCHEMA_URN, USER_SCHEMA_URN, userResourceSchema } from '../../lambdas/scim/schemas';
import { schemaViolations } from '../support/schema-conformance';
import { startTestService, type TestService } from '../support/service';

/**
 * Properties over generated SCIM bodies and PATCH operations (fast-check), through HTTP against
 * DynamoDB Local: whatever a client sends, (1) no answer is a 5xx, (2) every resource a 2xx answer
 * returns satisfies the User schema's types, and (3) a refused request changes nothing.
 * The seed is fixed so CI is repeatable; FC_SEED=<n> explores others, and a failure prints its seed
 * and the shrunk counterexample.
 */
const SEED = Number(process.env.FC_SEED ?? 20261201);
const RUNS = Number(process.env.FC_RUNS ?? 40);
const TENANT = 'properties';
const schema = userResourceSchema();

let service: TestService;
let token: string;
const base = `/scim/v2/${TENANT}`;
beforeAll(async () => {
  service = await startTestService();
  token = (await service.createToken(TENANT)).token;
});
afterAll(() => service?.stop());

/** Any JSON value, weighted towards the shapes clients get wrong: strings, numbers, booleans, null. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('True', 'false', '', ' ', 'a@b.example', '2026-01-01T00:00:00Z', '\u0000x', 'x\r\ny'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'display', 'givenName', 'x'), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

const attributeName = fc.constantFrom(
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'displayName',
  'active',
  'title',
  'emails',
  'phoneNumbers',
  'addresses',
  'externalId',
  'locale',
  'password',
  'groups',
  'id',
  'meta',
  ENTERPRISE_USER_SCHEMA_URN,
  `${ENTERPRISE_USER_SCHEMA_URN}:department`,
  'unknownThing',
);

let serial = 0;
const userBody = fc
  .record({
    withUserName: fc.boolean(),
    extra: fc.dictionary(attributeName, anyValue, { maxKeys: 5 }),
  })
  .map(({ withUserName, extra }) => ({
    schemas: [USER_SCHEMA_URN],
    ...extra,
    ...(withUserName ? { userName: `user-${serial++}@example.com` } : {}),
  }));

/** Operations a client plausibly sends (valid paths with values of the right shape), and anything at all. */
const plausibleOperation = fc.oneof(
  fc.record({
    op: fc.constantFrom('replace', 'add'),
    path: fc.constant('title'),
    value: fc.string({ maxLength: 20 }),
  }),
  fc.record({ op: fc.constant('replace'), path: fc.constant('active'), value: fc.boolean() }),
  fc.record({
    op: fc.constant('replace'),
    path: fc.constant('name.givenName'),
    value: fc.string({ maxLength: 20 }),
  }),
  fc.record({
    op: fc.constant('add'),
    path: fc.constant('emails'),
    value: fc.array(fc.record({ value: fc.emailAddress(), type: fc.constantFrom('work', 'home') }), {
      minLength: 1,
      maxLength: 2,
    }),
  }),
  fc.record({
    op: fc.constant('replace'),
    value: fc.record({ displayName: fc.string({ maxLength: 20 }), nickName: fc.string({ maxLength: 10 }) }),
  }),
  fc.record({
    op: fc.constant('remove'),
    path: fc.constantFrom('title', 'nickName', 'emails[type eq "home"]'),
  }),
);
const patchPath = fc.oneof(
  attributeName,
  fc.constantFrom(
    'emails[type eq "work"].value',
    'emails[value co "@"]',
    'name.familyName',
    'addresses[type eq "work"].locality',
    'members',
    'emails[',
    '',
  ),
);
const anyOperation = fc.record(
  {
    op: fc.constantFrom('add', 'replace', 'remove', 'Replace', 'bogus'),
    path: patchPath,
    value: anyValue,
  },
  { requiredKeys: ['op'] },
);
const patchBody = fc
  .array(fc.oneof(plausibleOperation, plausibleOperation, anyOperation), { minLength: 1, maxLength: 4 })
  .map((Operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }));

async function totalUsers(): Promise<number> {
  return (await service.scim('GET', `${base}/Users?count=0`, token)).body.totalResults;
}

/** Both outcomes must occur, or a property says nothing about one of them. */
function expectBothOutcomes(statuses: number[]): void {
  expect(statuses.filter((s) => s < 300).length).toBeGreaterThan(RUNS / 10);
  expect(statuses.filter((s) => s >= 400).length).toBeGreaterThan(RUNS / 10);
}

function expectConforming(resource: Record<string, unknown>, request: unknown): void {
  const problems = schemaViolations(resource, schema);
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\nrequest: ${JSON.stringify(request)}`);
}

test('POST /Users: never a 5xx; a created user conforms to the schema; a refusal creates nothing', async () => {
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(userBody, async (body) => {
      const before = await totalUsers();
      const response = await service.scim('POST', `${base}/Users`, token, body);
      statuses.push(response.status);
      expect(response.status).toBeLessThan(500);
      if (response.status === 201) {
        expectConforming(response.body, body);
        const stored = await service.scim('GET', `${base}/Users/${response.body.id}`, token);
        expectConforming(stored.body, body);
        expect(await totalUsers()).toBe(before + 1);
      } else {
        expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        expect(await totalUsers()).toBe(before);
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  expectBothOutcomes(statuses);
});

test('PATCH /Users/{id}: never a 5xx; a patched user conforms; a refused PATCH changes nothing', async () => {
  const created = await service.scim('POST', `${base}/Users`, token, {
    schemas: [USER_SCHEMA_URN],
    userName: 'patch-target@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
    active: true,
  });
  expect(created.status).toBe(201);
  const path = `${base}/Users/${created.body.id}`;
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(patchBody, async (body) => {
      const before = await service.scim('GET', path, token);
      const response = await service.scim('PATCH', path, token, body);
      statuses.push(response.status);
      expect(response.status).toBeLessThan(500);
      const after = await service.scim('GET', path, token);
      if (response.status === 200) {
        expectConforming(response.body, body);
        expectConforming(after.body, body);
      } else {
        expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        expect(after.body).toEqual(before.body);
        expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  expectBothOutcomes(statuses);
});
