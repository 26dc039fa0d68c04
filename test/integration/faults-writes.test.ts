import { logger } from '../../lambdas/http/logger';
import { countedGroup, readGroupPartition } from '../../lambdas/store/count-deltas';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local';
import { expectConsistent } from '../support/consistency';
import {
  type DynamoDbProxy,
  type FaultKind,
  type ProxiedCall,
  startDynamoDbProxy,
} from '../support/dynamodb-proxy';
import { controlSdkRetries } from '../support/faults-retries';
import {
  casesOf,
  expectRetryable,
  expectRetryableOperation,
  recordCalls,
  runCases,
  type StepCase,
  sequenceOf,
} from '../support/faults-steps';
import { startTestService, type TestResponse, type TestService } from '../support/service';
import {
  type CreatedUser,
  createUsers,
  filterQuery,
  GROUP,
  memberIdsOf,
  newTenant,
  PATCH_OP,
  storedEdges,
  type Tenant,
  USER,
} from './groups-helpers';

/**
 * Every SCIM write, with each of its DynamoDB calls failing in turn (issue 13, fault injection). The
 * calls of a write are recorded through the proxy on a clean run; then, for each recorded call k:
 * - a persistent fault on call k (on every attempt, so it outlasts the SDK's retries): the client gets
 *   429 or a SCIM 503 with Retry-After (or, where the service can do without that call, its usual
 *   success), the tenant is consistent (guards, users, edges, counts agree), and an Okta-style retry
 *   once the fault is gone leaves exactly the intended state. Every step gets one; the kinds
 *   (ThrottlingException, InternalServerError 500, ProvisionedThroughputExceededException) take turns
 *   along the steps, and the first call of each operation gets both a throttle and a 500;
 * - a single blip (one failed attempt) on the first call of each operation: the SDK retries it by
 *   itself and the request succeeds as if nothing happened.
 * SCIM_LONG_TESTS=1 runs the whole cross product: every step with a throttle and separately a 500,
 * a blip on every step, and groups of 250 members.
 * The SDK keeps its maxAttempts and its retry decisions but does not wait between attempts
 * (test/support/faults-retries.ts), except in the tests that check the deployed strategy.
 */
process.env.REQUEST_LOG_SINK = 'off';

const retries = controlSdkRetries();
let dynamo: DynamoDbLocal;
let proxy: DynamoDbProxy;
let service: TestService;

beforeAll(async () => {
  // A DynamoDB Local of its own: thousands of faulted writes must not slow the suites beside it.
  dynamo = await startDynamoDbLocal();
  proxy = await startDynamoDbProxy(dynamo.endpoint);
  service = await startTestService({ dynamoDbEndpoint: proxy.endpoint });
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await proxy?.stop();
  await dynamo?.stop();
});
beforeEach(() => {
  // The service logs every storage failure (as it should); hundreds of them would bury the output.
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  proxy.clearFault();
  retries.mode = 'immediate';
  jest.restoreAllMocks();
});

const enc = encodeURIComponent;
let sequence = 0;
const next = () => ++sequence;

interface Scenario<C> {
  tenant: () => Tenant;
  /** A fresh starting point, written without faults. */
  setup(): Promise<C>;
  /** The write under test. */
  request(context: C): Promise<TestResponse>;
  /** True when the answer is the write's success. */
  succeeded(response: TestResponse, context: C): boolean;
  /** Checks the answer of a write whose call failed for good (default: expectRetryable). */
  failedAnswer?(response: TestResponse): void;
  /** What Okta does next time (lookup, create if missing; the same request again). */
  retry(context: C): Promise<void>;
  /** The intended state, exactly. */
  verify(context: C): Promise<void>;
  /** Takes the case's resources away (keeps the tenant small for the next case). */
  cleanup?(context: C): Promise<void>;
}

interface Enumerated {
  steps: number;
  cases: number;
  absorbed: number;
  failures: string[];
  sequence: string;
}

/** SCIM_LONG_TESTS=1: every step with every kind, blips on every step, bigger groups (250 members). */
const LONG = process.env.SCIM_LONG_TESTS === '1';
/**
 * The member replace and the group PUT walk all 8 member partitions (about 50 calls each, with
 * their cases): in CI's budget they run with SCIM_LONG_TESTS=1 only; the add, remove, create and
 * delete of members run always.
 */
const longOnly = LONG ? test : test.skip;
const THROTTLES: FaultKind[] = ['throttling', 'provisioned'];
const KINDS: FaultKind[] = ['throttling', 'internal', 'provisioned'];

/**
 * The persistent cases: every step fails once for good. In the long run each step gets a throttle and,
 * separately, a 500; by default the kinds take turns along the steps (throttling, 500, provisioned
 * throughput, ...) and the first call of each operation gets both a throttle and a 500, which keeps
 * the default run within its time budget.
 */
function persistentCases(calls: ProxiedCall[]): StepCase[] {
  if (LONG)
    return [
      ...casesOf(calls, (step) => THROTTLES[step % 2], 'all'),
      ...casesOf(calls, () => 'internal', 'all'),
    ];
  const turns = casesOf(calls, (step) => KINDS[(step - 1) % KINDS.length], 'all');
  const other = casesOf(
    calls,
    (step) => (KINDS[(step - 1) % KINDS.length] === 'internal' ? 'throttling' : 'internal'),
    'all',
  );
  return [...turns, ...other.filter((c) => c.nthOfOperation === 1)];
}

/** A blip never reaches the service (the SDK retries it), wherever it is: by default one per operation. */
function blipCases(calls: ProxiedCall[]): StepCase[] {
  const all = casesOf(calls, (step) => KINDS[step % KINDS.length], 1);
  return LONG ? all : all.filter((c) => c.nthOfOperation === 1);
}

/** The clean run, then every step with a persistent throttle, a persistent 500 and a blip. */
async function enumerate<C>(scenario: Scenario<C>): Promise<Enumerated> {
  const clean = await scenario.setup();
  const { result, calls } = await recordCalls(proxy, () => scenario.request(clean));
  if (!scenario.succeeded(result, clean))
    throw new Error(`clean run failed: ${result.status} ${result.text}`);
  await scenario.verify(clean);
  await scenario.cleanup?.(clean);

  let absorbed = 0;
  const persistent = persistentCases(calls);
  const failures = await runCases(proxy, persistent, async (_case, faulted) => {
    const context = await scenario.setup();
    const response = await faulted(() => scenario.request(context));
    if (scenario.succeeded(response, context)) {
      // The service did without that call (e.g. a best-effort fold): the write must be whole anyway.
      absorbed++;
    } else {
      (scenario.failedAnswer ?? expectRetryable)(response);
      await expectConsistent(scenario.tenant().tenantId);
      await scenario.retry(context);
    }
    await scenario.verify(context);
    await scenario.cleanup?.(context);
  });
  const blips = blipCases(calls);
  failures.push(
    ...(await runCases(proxy, blips, async (_case, faulted) => {
      const context = await scenario.setup();
      const response = await faulted(() => scenario.request(context));
      if (!scenario.succeeded(response, context))
        throw new Error(`a blip reached the client: ${response.status} ${response.text.slice(0, 300)}`);
      await scenario.verify(context);
      await scenario.cleanup?.(context);
    })),
  );
  await expectConsistent(scenario.tenant().tenantId);
  return {
    steps: calls.length,
    cases: persistent.length + blips.length,
    absorbed,
    failures,
    sequence: sequenceOf(calls),
  };
}

/** An enumeration runs hundreds of requests: a timeout that a loaded machine does not reach (a test
 * that timed out would go on injecting faults into the next one). */
jest.setTimeout(LONG ? 3_600_000 : 900_000);

async function expectEnumeration<C>(name: string, scenario: Scenario<C>): Promise<void> {
  const outcome = await enumerate(scenario);
  process.stdout.write(
    `faults-writes ${name}: ${outcome.steps} calls, ${outcome.cases} cases, ${outcome.absorbed} absorbed; ${outcome.sequence}\n`,
  );
  expect(outcome.failures).toEqual([]);
}

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

async function lookup(t: Tenant, resource: 'Users' | 'Groups', filter: string): Promise<TestResponse> {
  const response = await t.call('GET', `/${resource}?${filterQuery(filter)}`);
  if (response.status !== 200) throw new Error(`lookup failed: ${response.status} ${response.text}`);
  return response;
}

async function expectOneUser(t: Tenant, filter: string, expected: Record<string, unknown>): Promise<string> {
  const found = await lookup(t, 'Users', filter);
  if (found.body.totalResults !== 1 || found.body.Resources.length !== 1)
    throw new Error(`${filter}: ${found.body.totalResults} users, expected exactly 1`);
  expect(found.body.Resources[0]).toMatchObject(expected);
  return found.body.Resources[0].id;
}

async function expectNoUser(t: Tenant, filter: string): Promise<void> {
  const found = await lookup(t, 'Users', filter);
  if (found.body.totalResults !== 0)
    throw new Error(`${filter}: ${found.body.totalResults} users, expected none`);
}

/** Okta's create: lookup by userName, POST only when missing. */
async function lookupOrCreateUser(t: Tenant, body: Record<string, unknown>): Promise<void> {
  const found = await lookup(t, 'Users', `userName eq "${body.userName}"`);
  if (found.body.totalResults > 0) return;
  const created = await t.call('POST', '/Users', body);
  if (created.status !== 201) throw new Error(`retried create: ${created.status} ${created.text}`);
}

async function resend(t: Tenant, method: string, path: string, body: unknown, ok: number[]): Promise<void> {
  const response = await t.call(method, path, body);
  if (!ok.includes(response.status))
    throw new Error(`retried ${method}: ${response.status} ${response.text}`);
}

async function createUser(t: Tenant, body: Record<string, unknown>): Promise<string> {
  const response = await t.call('POST', '/Users', body);
  if (response.status !== 201) throw new Error(`setup create: ${response.status} ${response.text}`);
  return response.body.id;
}

/** Members (as GET answers them) and the count a reader sees (memberCount plus pending deltas). */
async function expectGroupExactly(t: Tenant, groupId: string, memberIds: string[]): Promise<void> {
  expect(await memberIdsOf(t, groupId)).toEqual([...memberIds].sort());
  const { item, deltas } = await readGroupPartition(t.tenantId, groupId);
  if (!item) throw new Error(`group ${groupId} is gone`);
  expect(countedGroup(item, deltas).memberCount).toBe(memberIds.length);
}

async function createGroup(t: Tenant, displayName: string, memberIds: string[]): Promise<string> {
  const response = await t.call('POST', '/Groups', {
    schemas: [GROUP],
    displayName,
    members: memberIds.map((value) => ({ value })),
  });
  if (response.status !== 201) throw new Error(`setup group: ${response.status} ${response.text}`);
  return response.body.id;
}

async function deleteGroup(t: Tenant, groupId: string): Promise<void> {
  const response = await t.call('DELETE', `/Groups/${groupId}`);
  if (response.status !== 204 && response.status !== 404)
    throw new Error(`cleanup delete: ${response.status} ${response.text}`);
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const idsOf = (users: CreatedUser[]) => users.map((u) => u.id);
const membersOf = (ids: string[]) => ids.map((value) => ({ value }));

// ── users ──────────────────────────────────────────────────────────────────────────────────────

describe('user writes', () => {
  let t: Tenant;
  let groupId: string;
  /** userNames that exist in the tenant, as the tests intend. */
  const intended = new Set<string>();

  beforeAll(async () => {
    t = await newTenant(service, 'fw-users');
    groupId = await createGroup(t, 'Everyone', []);
  });

  const userBody = (n: number, variant = 'a') => ({
    schemas: [USER],
    userName: `user-${n}@example.com`,
    externalId: `ext-${n}-${variant}`,
    name: { givenName: 'Ada', familyName: `Lovelace ${n}` },
    emails: [{ value: `user-${n}-${variant}@example.com`, type: 'work', primary: true }],
    active: true,
  });

  test('POST /Users', async () => {
    await expectEnumeration<{ n: number }>('POST /Users', {
      tenant: () => t,
      setup: async () => ({ n: next() }),
      request: ({ n }) => t.call('POST', '/Users', userBody(n)),
      succeeded: (r) => r.status === 201,
      retry: ({ n }) => lookupOrCreateUser(t, userBody(n)),
      verify: async ({ n }) => {
        const body = userBody(n);
        intended.add(body.userName);
        // Its guard, email and externalId edges are the checker's (expectConsistent): found once, whole.
        await expectOneUser(t, `userName eq "${body.userName}"`, {
          externalId: body.externalId,
          emails: [expect.objectContaining({ value: body.emails[0].value })],
        });
      },
    });
  });

  test('PUT /Users/{id} (new userName, email and externalId)', async () => {
    await expectEnumeration<{ n: number; id: string }>('PUT /Users', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        return { n, id: await createUser(t, userBody(n)) };
      },
      request: ({ n, id }) =>
        t.call('PUT', `/Users/${id}`, { ...userBody(n, 'b'), userName: `renamed-${n}@example.com` }),
      succeeded: (r) => r.status === 200,
      retry: ({ n, id }) =>
        resend(
          t,
          'PUT',
          `/Users/${id}`,
          { ...userBody(n, 'b'), userName: `renamed-${n}@example.com` },
          [200],
        ),
      verify: async ({ n, id }) => {
        intended.add(`renamed-${n}@example.com`);
        const b = userBody(n, 'b');
        const id2 = await expectOneUser(t, `userName eq "renamed-${n}@example.com"`, {
          externalId: b.externalId,
          emails: [expect.objectContaining({ value: b.emails[0].value })],
        });
        expect(id2).toBe(id);
        // The old guard and edges are gone (the new ones are the checker's).
        await expectNoUser(t, `userName eq "${b.userName}"`);
        await expectNoUser(t, `emails.value eq "${userBody(n).emails[0].value}"`);
        await expectNoUser(t, `externalId eq "${userBody(n).externalId}"`);
      },
    });
  });

  test('PATCH /Users/{id} (email and name)', async () => {
    const body = (n: number) =>
      patch(
        { op: 'replace', path: 'emails[type eq "work"].value', value: `user-${n}-b@example.com` },
        { op: 'replace', path: 'name.familyName', value: `Byron ${n}` },
      );
    await expectEnumeration<{ n: number; id: string }>('PATCH /Users', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        return { n, id: await createUser(t, userBody(n)) };
      },
      request: ({ n, id }) => t.call('PATCH', `/Users/${id}`, body(n)),
      succeeded: (r) => r.status === 200 || r.status === 204,
      retry: ({ n, id }) => resend(t, 'PATCH', `/Users/${id}`, body(n), [200, 204]),
      verify: async ({ n, id }) => {
        intended.add(`user-${n}@example.com`);
        const found = await t.call('GET', `/Users/${id}`);
        expect(found.body).toMatchObject({ name: { familyName: `Byron ${n}` } });
        expect(await expectOneUser(t, `emails.value eq "user-${n}-b@example.com"`, {})).toBe(id);
        await expectNoUser(t, `emails.value eq "user-${n}-a@example.com"`);
      },
    });
  });

  test('PATCH /Users/{id} active false (deactivate)', async () => {
    const body = patch({ op: 'replace', value: { active: false } });
    await expectEnumeration<{ n: number; id: string }>('PATCH deactivate', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        return { n, id: await createUser(t, userBody(n)) };
      },
      request: ({ id }) => t.call('PATCH', `/Users/${id}`, body),
      succeeded: (r) => r.status === 200 || r.status === 204,
      retry: ({ id }) => resend(t, 'PATCH', `/Users/${id}`, body, [200, 204]),
      verify: async ({ n, id }) => {
        intended.add(`user-${n}@example.com`);
        expect(await expectOneUser(t, `userName eq "user-${n}@example.com"`, { active: false })).toBe(id);
      },
    });
  });

  test('DELETE /Users/{id} of a group member', async () => {
    await expectEnumeration<{ n: number; id: string }>('DELETE /Users', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        const id = await createUser(t, userBody(n));
        await resend(
          t,
          'PATCH',
          `/Groups/${groupId}`,
          patch({ op: 'add', path: 'members', value: [{ value: id }] }),
          [200, 204],
        );
        return { n, id };
      },
      request: ({ id }) => t.call('DELETE', `/Users/${id}`),
      succeeded: (r) => r.status === 204,
      // Okta deletes again; a 404 says it is done.
      retry: ({ id }) => resend(t, 'DELETE', `/Users/${id}`, undefined, [204, 404]),
      verify: async ({ n, id }) => {
        expect((await t.call('GET', `/Users/${id}`)).status).toBe(404);
        await expectNoUser(t, `userName eq "user-${n}@example.com"`);
        await expectGroupExactly(t, groupId, []);
        expect(await storedEdges(t, { userId: id })).toBe(0);
      },
    });
  });

  test('afterwards: every intended user exactly once, the counts exact', async () => {
    await expectConsistent(t.tenantId);
    const names: string[] = [];
    let total = -1;
    for (let startIndex = 1; ; startIndex += 50) {
      const page = await t.call('GET', `/Users?startIndex=${startIndex}&count=50`);
      expect(page.status).toBe(200);
      total = page.body.totalResults;
      names.push(...(page.body.Resources ?? []).map((u: { userName: string }) => u.userName));
      if (startIndex + 50 > total) break;
    }
    expect(total).toBe(intended.size);
    expect(names.sort()).toEqual([...intended].sort());
  });
});

// ── groups ─────────────────────────────────────────────────────────────────────────────────────

describe('group writes', () => {
  let t: Tenant;
  let pool: CreatedUser[];
  /** Member counts: several transactions of at most 100 items each (an add is 3 items, a remove 2). */
  const POOL = LONG ? 250 : 100;
  const POSTED = LONG ? 100 : 40;
  const MOVED = LONG ? 75 : 12;

  beforeAll(async () => {
    t = await newTenant(service, 'fw-groups');
    pool = await createUsers(t, POOL, 'pool');
  });

  test(`POST /Groups with ${POSTED} members`, async () => {
    const members = idsOf(pool.slice(0, POSTED));
    const body = (n: number) => ({ schemas: [GROUP], displayName: `Team ${n}`, members: membersOf(members) });
    await expectEnumeration<{ n: number; id?: string }>('POST /Groups', {
      tenant: () => t,
      setup: async () => ({ n: next() }),
      request: ({ n }) => t.call('POST', '/Groups', body(n)),
      succeeded: (r) => r.status === 201,
      retry: async ({ n }) => {
        const found = await lookup(t, 'Groups', `displayName eq "Team ${n}"`);
        if (found.body.totalResults > 0) {
          // Okta pushes the members of a group it found.
          await resend(
            t,
            'PATCH',
            `/Groups/${found.body.Resources[0].id}`,
            patch({ op: 'add', path: 'members', value: membersOf(members) }),
            [200, 204],
          );
          return;
        }
        await resend(t, 'POST', '/Groups', body(n), [201]);
      },
      verify: async (context) => {
        const found = await lookup(t, 'Groups', `displayName eq "Team ${context.n}"`);
        expect(found.body.totalResults).toBe(1);
        context.id = found.body.Resources[0].id as string;
        await expectGroupExactly(t, context.id, members);
      },
      cleanup: async ({ id }) => {
        if (id) await deleteGroup(t, id);
      },
    });
  });

  test(`PATCH /Groups add ${POOL} members`, async () => {
    const body = patch({ op: 'add', path: 'members', value: membersOf(idsOf(pool)) });
    await expectEnumeration<{ id: string }>('PATCH add', {
      tenant: () => t,
      setup: async () => ({ id: await createGroup(t, `Add ${next()}`, []) }),
      request: ({ id }) => t.call('PATCH', `/Groups/${id}`, body),
      succeeded: (r) => r.status === 204 || r.status === 200,
      retry: ({ id }) => resend(t, 'PATCH', `/Groups/${id}`, body, [200, 204]),
      verify: ({ id }) => expectGroupExactly(t, id, idsOf(pool)),
      cleanup: ({ id }) => deleteGroup(t, id),
    });
  });

  test(`PATCH /Groups remove ${POOL} members`, async () => {
    const body = patch({ op: 'remove', path: 'members', value: membersOf(idsOf(pool)) });
    await expectEnumeration<{ id: string }>('PATCH remove', {
      tenant: () => t,
      setup: async () => ({ id: await createGroup(t, `Remove ${next()}`, idsOf(pool)) }),
      request: ({ id }) => t.call('PATCH', `/Groups/${id}`, body),
      succeeded: (r) => r.status === 204 || r.status === 200,
      retry: ({ id }) => resend(t, 'PATCH', `/Groups/${id}`, body, [200, 204]),
      verify: ({ id }) => expectGroupExactly(t, id, []),
      cleanup: ({ id }) => deleteGroup(t, id),
    });
  });

  const oldMembers = () => idsOf(pool.slice(0, 2 * MOVED));
  const newMembers = () => idsOf(pool.slice(MOVED, 3 * MOVED));

  longOnly(`PATCH /Groups replace members (${MOVED} leave, ${MOVED} join)`, async () => {
    const body = () => patch({ op: 'replace', path: 'members', value: membersOf(newMembers()) });
    await expectEnumeration<{ id: string }>('PATCH replace', {
      tenant: () => t,
      setup: async () => ({ id: await createGroup(t, `Replace ${next()}`, oldMembers()) }),
      request: ({ id }) => t.call('PATCH', `/Groups/${id}`, body()),
      succeeded: (r) => r.status === 204 || r.status === 200,
      retry: ({ id }) => resend(t, 'PATCH', `/Groups/${id}`, body(), [200, 204]),
      verify: ({ id }) => expectGroupExactly(t, id, newMembers()),
      cleanup: ({ id }) => deleteGroup(t, id),
    });
  });

  longOnly(`PUT /Groups/{id} (renamed, ${MOVED} leave, ${MOVED} join)`, async () => {
    const body = (n: number) => ({
      schemas: [GROUP],
      displayName: `Put ${n} renamed`,
      members: membersOf(newMembers()),
    });
    await expectEnumeration<{ n: number; id: string }>('PUT /Groups', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        return { n, id: await createGroup(t, `Put ${n}`, oldMembers()) };
      },
      request: ({ n, id }) => t.call('PUT', `/Groups/${id}`, body(n)),
      succeeded: (r) => r.status === 200,
      retry: ({ n, id }) => resend(t, 'PUT', `/Groups/${id}`, body(n), [200]),
      verify: async ({ n, id }) => {
        await expectGroupExactly(t, id, newMembers());
        expect((await lookup(t, 'Groups', `displayName eq "Put ${n} renamed"`)).body.totalResults).toBe(1);
        expect((await lookup(t, 'Groups', `displayName eq "Put ${n}"`)).body.totalResults).toBe(0);
      },
      cleanup: ({ id }) => deleteGroup(t, id),
    });
  });

  test(`DELETE /Groups/{id} with ${2 * MOVED} members`, async () => {
    await expectEnumeration<{ n: number; id: string }>('DELETE /Groups', {
      tenant: () => t,
      setup: async () => {
        const n = next();
        return { n, id: await createGroup(t, `Delete ${n}`, oldMembers()) };
      },
      request: ({ id }) => t.call('DELETE', `/Groups/${id}`),
      succeeded: (r) => r.status === 204,
      retry: ({ id }) => resend(t, 'DELETE', `/Groups/${id}`, undefined, [204, 404]),
      verify: async ({ n, id }) => {
        expect((await t.call('GET', `/Groups/${id}`)).status).toBe(404);
        expect((await lookup(t, 'Groups', `displayName eq "Delete ${n}"`)).body.totalResults).toBe(0);
        // No edge of the deleted group may stay behind (read from the table: no lazy cleanup hides one).
        expect(await storedEdges(t, { groupId: id })).toBe(0);
        const reverse = await Promise.all(oldMembers().map((userId) => storedEdges(t, { userId })));
        expect(reverse.reduce((a, b) => a + b, 0)).toBe(0);
      },
    });
  });

  test('POST /Bulk: two users and a group of both', async () => {
    const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
    const userOf = (n: number, which: string) => ({
      schemas: [USER],
      userName: `bulk-${n}-${which}@example.com`,
    });
    const body = (n: number) => ({
      schemas: [BULK],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: userOf(n, 'a') },
        { method: 'POST', path: '/Users', bulkId: 'b', data: userOf(n, 'b') },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: {
            schemas: [GROUP],
            displayName: `Bulk ${n}`,
            members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }],
          },
        },
      ],
    });
    const statuses = (r: TestResponse) => (r.body?.Operations ?? []).map((o: { status: string }) => o.status);
    await expectEnumeration<{ n: number; ids?: string[]; groupId?: string }>('POST /Bulk', {
      tenant: () => t,
      setup: async () => ({ n: next() }),
      request: ({ n }) => t.call('POST', '/Bulk', body(n)),
      succeeded: (r) => r.status === 200 && statuses(r).join() === '201,201,201',
      failedAnswer: (r) => {
        if (r.status !== 200) return expectRetryable(r);
        const operations = r.body.Operations as {
          status: string;
          bulkId: string;
          response?: { detail?: string };
        }[];
        const failed = operations.filter((o) => !o.status.startsWith('2'));
        if (failed.length === 0) throw new Error(`no operation failed: ${r.text}`);
        // The operation that met the fault answers 503; a group naming a user whose POST failed cannot be made.
        expectRetryableOperation(failed[0]);
        for (const other of failed.slice(1)) {
          if (other.bulkId !== 'g') expectRetryableOperation(other);
        }
      },
      retry: async ({ n }) => {
        for (const which of ['a', 'b']) await lookupOrCreateUser(t, userOf(n, which));
        const ids = await Promise.all(
          ['a', 'b'].map((w) => expectOneUser(t, `userName eq "${userOf(n, w).userName}"`, {})),
        );
        const found = await lookup(t, 'Groups', `displayName eq "Bulk ${n}"`);
        if (found.body.totalResults > 0)
          await resend(
            t,
            'PATCH',
            `/Groups/${found.body.Resources[0].id}`,
            patch({ op: 'add', path: 'members', value: membersOf(ids) }),
            [200, 204],
          );
        else await createGroup(t, `Bulk ${n}`, ids);
      },
      verify: async (context) => {
        const ids = await Promise.all(
          ['a', 'b'].map((w) => expectOneUser(t, `userName eq "${userOf(context.n, w).userName}"`, {})),
        );
        const found = await lookup(t, 'Groups', `displayName eq "Bulk ${context.n}"`);
        expect(found.body.totalResults).toBe(1);
        context.ids = ids;
        context.groupId = found.body.Resources[0].id;
        await expectGroupExactly(t, context.groupId as string, ids);
      },
      cleanup: async ({ ids, groupId }) => {
        if (groupId) await deleteGroup(t, groupId);
        for (const id of ids ?? []) await resend(t, 'DELETE', `/Users/${id}`, undefined, [204]);
      },
    });
  });

  test('afterwards: the pool and the counters are exact', async () => {
    await expectConsistent(t.tenantId);
    expect((await t.call('GET', '/Users?count=0')).body.totalResults).toBe(POOL);
    expect((await t.call('GET', '/Groups?count=0')).body.totalResults).toBe(0);
  });
});

// ── the SDK's own strategy, TransactWriteItems and BatchWriteItem by name ─────────────────────

describe('with the SDK retry strategy as deployed', () => {
  test('a throttled TransactWriteItems and a 500 on BatchWriteItem are retried by the SDK: the client never sees them', async () => {
    retries.mode = 'sdk';
    const t = await newTenant(service, 'fw-sdk');
    proxy.inject({ kind: 'provisioned', operation: 'TransactWriteItems', nth: 1, attempts: 1 });
    const created = await t.call('POST', '/Users', { schemas: [USER], userName: 'sdk@example.com' });
    expect(proxy.injected().failedAttempts).toBe(1);
    expect(created.status).toBe(201);
    const groupId = await createGroup(t, 'Sdk', [created.body.id]);
    proxy.inject({ kind: 'internal', operation: 'BatchWriteItem', nth: 1, attempts: 2 });
    expect((await t.call('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect(proxy.injected().failedAttempts).toBe(2);
    proxy.clearFault();
    expect(await storedEdges(t, { groupId })).toBe(0);
    await expectConsistent(t.tenantId);
  });

  test('a throttle that outlasts the SDK retries (maxAttempts) answers 503 + Retry-After; one attempt fewer succeeds', async () => {
    retries.mode = 'sdk';
    const maxAttempts = await retries.maxAttempts();
    const t = await newTenant(service, 'fw-max');
    proxy.inject({ kind: 'throttling', operation: 'TransactWriteItems', nth: 1, attempts: maxAttempts });
    const refused = await t.call('POST', '/Users', { schemas: [USER], userName: 'max@example.com' });
    expect(proxy.injected().failedAttempts).toBe(maxAttempts);
    expectRetryable(refused);
    proxy.inject({ kind: 'throttling', operation: 'TransactWriteItems', nth: 1, attempts: maxAttempts - 1 });
    const created = await t.call('POST', '/Users', { schemas: [USER], userName: 'max@example.com' });
    expect(created.status).toBe(201);
    proxy.clearFault();
    await expectConsistent(t.tenantId);
    expect((await t.call('GET', '/Users?count=0')).body.totalResults).toBe(1);
  });
});

test('the enumeration covers every write (sanity of the proxy: a fault on a named call hits that call)', async () => {
  const t = await newTenant(service, 'fw-sanity');
  proxy.inject({ kind: 'throttling', operation: 'TransactWriteItems', nth: 1, attempts: 'all' });
  const response = await t.call('POST', '/Users', {
    schemas: [USER],
    userName: `sanity-${enc('x')}@example.com`,
  });
  expect(proxy.injected().hit?.operation).toBe('TransactWriteItems');
  expectRetryable(response);
});
