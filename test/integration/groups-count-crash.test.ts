import { AsyncLocalStorage } from 'node:async_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { FoldContendedError } from '../../lambdas/store/count-deltas';
import { keys } from '../../lambdas/store/keys';
import { DynamoMembershipRepository } from '../../lambdas/store/membership-repository';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { startTestService, type TestService } from '../support/service';
import {
  createGroup,
  createUsers,
  filterQuery,
  ids,
  memberIdsOf,
  newTenant,
  PATCH_OP,
  storedMemberCount,
  type Tenant,
} from './groups-helpers';

/**
 * Defect 9: a member PATCH whose function dies between its chunks and their fold. The handlers and
 * the stream consumer run in this process, so the death is injected there: while `dead`, the fold
 * of a request (a call inside `apply`) throws, as a Lambda that timed out right after its chunks
 * would leave the table (edges and count deltas written, memberCount and version not folded, a 5xx),
 * and the stream consumer's folds wait until the test revives them. Reads must be exact at once; the
 * consumer then settles the group item for the listings, with nobody writing the group again.
 */
let service: TestService;
let ses: SesLocal;
let dead = false;
/** While set, a request's fold loses every race (a burst of renames amid member changes). */
let contended = false;
let revive: () => void = () => undefined;
let revived = Promise.resolve();
const inRequest = new AsyncLocalStorage<true>();
const { apply, foldCounts: fold } = DynamoMembershipRepository.prototype;

function die(): void {
  dead = true;
  revived = new Promise((resolve) => {
    revive = () => {
      dead = false;
      resolve();
    };
  });
}

beforeAll(async () => {
  jest.spyOn(DynamoMembershipRepository.prototype, 'apply').mockImplementation(function (
    this: DynamoMembershipRepository,
    ...args: Parameters<typeof apply>
  ) {
    return inRequest.run(true, () => apply.apply(this, args));
  });
  jest.spyOn(DynamoMembershipRepository.prototype, 'foldCounts').mockImplementation(async function (
    this: DynamoMembershipRepository,
    ...args: Parameters<typeof fold>
  ) {
    if (dead && inRequest.getStore()) throw new Error('killed between the chunks and their fold');
    if (contended && inRequest.getStore()) throw new FoldContendedError(args[1]);
    if (dead) await revived;
    return fold.apply(this, args);
  });
  ses = await startSesLocal();
  service = await startTestService({ sesEndpoint: ses.endpoint, streams: true });
});
afterAll(async () => {
  revive();
  await service.stop();
  await ses.stop();
  jest.restoreAllMocks();
});
afterEach(() => {
  revive();
  contended = false;
});

async function pendingDeltas(t: Tenant, groupId: string): Promise<number> {
  const result = await getDocumentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
      ExpressionAttributeValues: {
        ':pk': keys.groupPartition(t.tenantId, groupId),
        ':d': keys.countDeltaPrefix,
      },
      ConsistentRead: true,
    }),
  );
  return result.Count ?? 0;
}

/** The admin console's group listing entry of this group. */
async function listed(t: Tenant, groupId: string): Promise<{ memberCount: number; lastModified: string }> {
  const response = await service.admin('GET', `/${t.tenantId}/groups`);
  expect(response.status).toBe(200);
  return response.body.groups.find((g: { id: string }) => g.id === groupId);
}

/** Polls (bounded) until `done` holds; the stream consumer runs on its own schedule. */
async function eventually(done: () => Promise<boolean>, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const groupIdsMatching = async (t: Tenant, filter: string): Promise<string[]> => {
  const response = await t.call('GET', `/Groups?${filterQuery(filter)}&excludedAttributes=members`);
  expect(response.status).toBe(200);
  return (response.body.Resources ?? []).map((g: { id: string }) => g.id);
};

/** A PATCH that dies after its chunks landed: 5xx, nothing folded. */
async function patchThatDies(t: Tenant, groupId: string, operation: unknown): Promise<void> {
  die();
  const response = await t.call('PATCH', `/Groups/${groupId}`, {
    schemas: [PATCH_OP],
    Operations: [operation],
  });
  // The injected failure arrives as a storage failure: 503 with Retry-After, so the IdP retries.
  expect(response.status).toBe(503);
}

test('members added by a PATCH that died before its fold count at once, and the listings catch up', async () => {
  const t = await newTenant(service, 'crash-add');
  const users = await createUsers(t, 40);
  const group = await createGroup(t, 'Crashed adds');
  const before = await t.call('GET', `/Groups/${group.id}`);

  // 40 adds are two chunks (32 adds fit in one transaction): two deltas, neither folded.
  await patchThatDies(t, group.id, {
    op: 'add',
    path: 'members',
    value: ids(users).map((value) => ({ value })),
  });
  expect(await pendingDeltas(t, group.id)).toBe(2);
  expect(await storedMemberCount(t, group.id)).toBe(0);

  // GET is exact at once: the members, a new ETag (one step per chunk), no 304 for the old one.
  const after = await t.call('GET', `/Groups/${group.id}`);
  expect(after.status).toBe(200);
  expect(after.body.members).toHaveLength(40);
  expect(after.headers.get('etag')).toBe(versionPlus(before.headers.get('etag'), 2));
  expect(after.body.meta.version).toBe(after.headers.get('etag'));
  const revalidated = await t.call('GET', `/Groups/${group.id}`, undefined, {
    'If-None-Match': before.headers.get('etag') as string,
  });
  expect(revalidated.status).toBe(200);
  // A filter answered from the group item itself counts the deltas too.
  expect(await groupIdsMatching(t, 'displayName eq "Crashed adds" and members pr')).toEqual([group.id]);
  // An If-Match with the exact ETag is honoured by a write (the rename is conditioned on the item).
  const renamed = await t.call(
    'PATCH',
    `/Groups/${group.id}`,
    { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Crashed adds 2' }] },
    { 'If-Match': after.headers.get('etag') as string },
  );
  expect(renamed.status).toBe(204);
  expect(renamed.headers.get('etag')).toBe(versionPlus(after.headers.get('etag'), 1));
  // Listings read the index copy of the group item: still the unfolded count while no fold runs.
  expect((await listed(t, group.id)).memberCount).toBe(0);
  expect(await pendingDeltas(t, group.id)).toBe(2);

  // The function is gone; the stream consumer folds the deltas (nobody writes the group again).
  revive();
  expect(await eventually(async () => (await listed(t, group.id)).memberCount === 40)).toBe(true);
  expect(await eventually(async () => (await groupIdsMatching(t, 'members pr')).includes(group.id))).toBe(
    true,
  );
  // A fold updates the count first, then deletes the deltas it counted: they go soon after.
  expect(await eventually(async () => (await pendingDeltas(t, group.id)) === 0)).toBe(true);
  expect(await storedMemberCount(t, group.id)).toBe(40);
  // Folding changed nothing a reader sees: the same ETag, so a revalidation is a 304.
  const settled = await t.call('GET', `/Groups/${group.id}`, undefined, {
    'If-None-Match': renamed.headers.get('etag') as string,
  });
  expect(settled.status).toBe(304);
  expect(service.failedStreamRecords).toEqual([]);
});

test('members removed by a PATCH that died before its fold are gone from the count at once', async () => {
  const t = await newTenant(service, 'crash-remove');
  const users = await createUsers(t, 3);
  const group = await createGroup(t, 'Crashed removes', ids(users));
  const before = await t.call('GET', `/Groups/${group.id}`);
  expect((await listed(t, group.id)).memberCount).toBe(3);

  await patchThatDies(t, group.id, {
    op: 'remove',
    path: 'members',
    value: ids(users).map((value) => ({ value })),
  });
  expect(await pendingDeltas(t, group.id)).toBe(1);
  expect(await storedMemberCount(t, group.id)).toBe(3);

  const after = await t.call('GET', `/Groups/${group.id}`);
  expect(after.body.members ?? []).toEqual([]);
  expect(after.headers.get('etag')).toBe(versionPlus(before.headers.get('etag'), 1));
  expect(await groupIdsMatching(t, 'displayName eq "Crashed removes" and members pr')).toEqual([]);
  expect(await groupIdsMatching(t, 'displayName eq "Crashed removes" and not (members pr)')).toEqual([
    group.id,
  ]);

  revive();
  expect(await eventually(async () => (await listed(t, group.id)).memberCount === 0)).toBe(true);
  expect(await eventually(async () => !(await groupIdsMatching(t, 'members pr')).includes(group.id))).toBe(
    true,
  );
  // A fold updates the count first, then deletes the deltas it counted: they go soon after.
  expect(await eventually(async () => (await pendingDeltas(t, group.id)) === 0)).toBe(true);
  expect(await memberIdsOf(t, group.id)).toEqual([]);
  expect((await t.call('GET', `/Groups/${group.id}`)).headers.get('etag')).toBe(after.headers.get('etag'));
  expect(service.failedStreamRecords).toEqual([]);
});

/** W/"n" -> W/"n+k". */
function versionPlus(etag: string | null, k: number): string {
  const match = /^W\/"(\d+)"$/.exec(etag ?? '');
  if (!match) throw new Error(`unexpected ETag ${etag}`);
  return `W/"${Number(match[1]) + k}"`;
}

test('a PATCH whose fold keeps losing its race still succeeds: its members count at once, the consumer folds', async () => {
  const t = await newTenant(service, 'contended');
  const users = await createUsers(t, 5);
  const group = await createGroup(t, 'Contended');

  contended = true;
  const response = await t.call('PATCH', `/Groups/${group.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'members', value: ids(users).map((value) => ({ value })) }],
  });
  contended = false;

  // The change landed, so it is no failure: Okta would otherwise retry a write that already happened.
  expect(response.status).toBe(204);
  const after = await t.call('GET', `/Groups/${group.id}`);
  expect(after.body.members).toHaveLength(5);
  // The stream consumer settles the group item for the listings.
  expect(await eventually(async () => (await listed(t, group.id)).memberCount === 5)).toBe(true);
  // A fold updates the count first, then deletes the deltas it counted: they go soon after.
  expect(await eventually(async () => (await pendingDeltas(t, group.id)) === 0)).toBe(true);
});
