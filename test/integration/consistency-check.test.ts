import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { type CheckReport, checkTenant } from '../../lambdas/store/consistency-check';
import { keys, MEMBER_SHARDS, memberShardOf } from '../../lambdas/store/keys';
import { counterUpdate, readCounter } from '../../lambdas/store/shared-items';
import { transactWrite } from '../../lambdas/store/transact';
import { expectConsistent } from '../support/consistency';
import { startTestService, type TestService } from '../support/service';
import { GROUP, newTenant, PATCH_OP, type Tenant, USER } from './groups-helpers';

/**
 * The consistency checker (lambdas/store/consistency-check.ts): a tenant built through the SCIM API
 * is clean; each kind of corruption planted directly in the table is found, and only it; --repair
 * fixes the counts (and nothing else), and a read-only check writes nothing.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const db = () => getDocumentClient();

interface Built {
  t: Tenant;
  tenantId: string;
  users: { id: string; userName: string; emails: string[]; externalId: string }[];
  groups: { id: string; displayName: string; externalId: string }[];
}

/**
 * A small tenant through the SCIM API: 2 tokens, 4 users with two emails and an externalId each, 2
 * groups with members (one by POST, one by PATCH), a deleted user who was a member (tombstone), and a
 * remembered paging cursor (a full page of GET /Users).
 */
async function buildTenant(label: string): Promise<Built> {
  const t = await newTenant(service, label);
  await service.createToken(t.tenantId, 'entra');
  const users: Built['users'] = [];
  for (let i = 0; i < 5; i++) {
    const userName = `User.${i}@example.com`;
    const emails = [`User.${i}@example.com`, `u${i}@home.example`];
    const externalId = `ext-${i}-${randomUUID().slice(0, 6)}`;
    const response = await t.call('POST', '/Users', {
      schemas: [USER],
      userName,
      externalId,
      emails: [
        { value: emails[0], type: 'work', primary: true },
        { value: emails[1], type: 'home' },
      ],
    });
    expect(response.status).toBe(201);
    users.push({ id: response.body.id, userName, emails, externalId });
  }
  const groups: Built['groups'] = [];
  for (const [i, members] of [
    [0, 1, 4],
    [1, 2],
  ].entries()) {
    const displayName = `Group ${i}`;
    const externalId = `gext-${i}`;
    const response = await t.call('POST', '/Groups', {
      schemas: [GROUP],
      displayName,
      externalId,
      ...(i === 0 ? { members: members.map((m) => ({ value: users[m].id })) } : {}),
    });
    expect(response.status).toBe(201);
    groups.push({ id: response.body.id, displayName, externalId });
    if (i === 1) {
      const patch = await t.call('PATCH', `/Groups/${response.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: members.map((m) => ({ value: users[m].id })) }],
      });
      expect(patch.status).toBe(204);
    }
  }
  // The fifth user leaves: a tombstone, its memberships gone with it.
  expect((await t.call('DELETE', `/Users/${users[4].id}`)).status).toBe(204);
  users.pop();
  const page = await t.call('GET', '/Users?startIndex=1&count=2');
  expect(page.body.totalResults).toBe(4);
  return { t, tenantId: t.tenantId, users, groups };
}

const kinds = (report: CheckReport) => report.findings.map((f) => f.kind).sort();

async function tenantItems(tenantId: string): Promise<Record<string, unknown>[]> {
  // Every item of the table but the request log, which the service writes in the background.
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await db().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey }));
    items.push(...(result.Items ?? []));
    ExclusiveStartKey = result.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items
    .filter((i) => !/#REQ(LOG|STATS)$/.test(String(i.pk)) && JSON.stringify(i).includes(tenantId))
    .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

type Key = { pk: string; sk: string };
const rawPut = (Item: Record<string, unknown>) => db().send(new PutCommand({ TableName: tableName(), Item }));
const rawDel = (Key: Key) => db().send(new DeleteCommand({ TableName: tableName(), Key }));
const get = async (Key: Key) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }))).Item;

/** What the plants changed: each key's item before its first change (absent: it did not exist). */
const journal = new Map<string, { key: Key; before?: Record<string, unknown> }>();
async function remember(key: Key): Promise<void> {
  const id = `${key.pk}|${key.sk}`;
  if (!journal.has(id)) journal.set(id, { key, before: await get(key) });
}
async function undoJournal(): Promise<void> {
  for (const { key, before } of journal.values()) await (before ? rawPut(before) : rawDel(key));
  journal.clear();
}
const put = async (Item: Record<string, unknown>) => {
  await remember({ pk: String(Item.pk), sk: String(Item.sk) });
  return rawPut(Item);
};
const del = async (Key: Key) => {
  await remember(Key);
  return rawDel(Key);
};
const update = async (Key: Key, UpdateExpression: string, values?: Record<string, unknown>) => {
  await remember(Key);
  return db().send(
    new UpdateCommand({ TableName: tableName(), Key, UpdateExpression, ExpressionAttributeValues: values }),
  );
};
/** A counter moved through the store (whichever counter item it writes); the undo moves it back. */
const bump = async (tenantId: string, counter: 'users' | 'groups', delta: number) => {
  await transactWrite([counterUpdate(tenantId, counter, delta)]);
  return () => transactWrite([counterUpdate(tenantId, counter, -delta)]);
};

test('a tenant built through the SCIM API is consistent, walked in pages of any size', async () => {
  const b = await buildTenant('check-clean');
  await expectConsistent(b.tenantId);
  const progress: string[] = [];
  const report = await checkTenant(b.tenantId, { pageSize: 7, progress: (line) => progress.push(line) });
  expect(report.findings).toEqual([]);
  expect(report.repaired).toEqual([]);
  expect(report.stats).toMatchObject({
    users: 4,
    groups: 2,
    tokens: 2,
    memberEdges: 4,
    memberOfEdges: 4,
    emailEdges: 8,
    externalIdEdges: 6,
  });
  expect(report.stats.cursors).toBeGreaterThanOrEqual(1);
  // Pages of 7 items scanned (Limit counts the items read, the tenant's and others').
  expect(report.stats.pages).toBe(Math.floor(report.stats.scannedItems / 7) + 1);
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.at(-1)).toMatch(/pages, \d+ items scanned/);
});

describe('each planted corruption is found, and only it', () => {
  const cases: [string, (b: Built) => Promise<unknown>, string[]][] = [
    [
      'a deleted userName guard',
      (b) => del(keys.userNameGuard(b.tenantId, b.users[0].userName)),
      ['userWithoutGuard'],
    ],
    [
      'an orphan userName guard',
      (b) => put({ ...keys.userNameGuard(b.tenantId, 'ghost'), type: 'userNameGuard', userId: randomUUID() }),
      ['orphanUserNameGuard'],
    ],
    [
      "a guard naming another user (and that user's name is another)",
      (b) =>
        put({
          ...keys.userNameGuard(b.tenantId, b.users[0].userName),
          type: 'userNameGuard',
          userId: b.users[1].id,
        }),
      ['userGuardPointsElsewhere', 'userNameGuardMismatch'],
    ],
    [
      'user GSI1 keys that are not the listing keys',
      (b) => update(keys.user(b.tenantId, b.users[2].id), 'SET gsi1sk = :s', { ':s': 'zzz#wrong' }),
      ['userIndexKeys'],
    ],
    [
      'a deleted email edge',
      (b) => del(keys.emailEdge(b.tenantId, b.users[1].emails[1], b.users[1].id)),
      ['userWithoutEmailEdge'],
    ],
    [
      'an orphan email edge',
      (b) => put({ ...keys.emailEdge(b.tenantId, 'nobody@example.com', randomUUID()), type: 'emailEdge' }),
      ['orphanEmailEdge'],
    ],
    [
      'an email edge of a user who has no such email',
      (b) =>
        put({
          ...keys.emailEdge(b.tenantId, 'old@example.com', b.users[0].id),
          type: 'emailEdge',
          userId: b.users[0].id,
        }),
      ['orphanEmailEdge'],
    ],
    [
      'a deleted user externalId edge',
      (b) => del(keys.externalIdEdge(b.tenantId, 'U', b.users[3].externalId, b.users[3].id)),
      ['userWithoutExternalIdEdge'],
    ],
    [
      'an orphan group externalId edge',
      (b) => put({ ...keys.externalIdEdge(b.tenantId, 'G', 'gone', randomUUID()), type: 'externalIdEdge' }),
      ['orphanGroupExternalIdEdge'],
    ],
    [
      'a deleted displayName guard',
      (b) => del(keys.displayNameGuard(b.tenantId, b.groups[1].displayName)),
      ['groupWithoutGuard'],
    ],
    [
      'an orphan displayName guard',
      (b) =>
        put({
          ...keys.displayNameGuard(b.tenantId, 'Ghosts'),
          type: 'displayNameGuard',
          groupId: randomUUID(),
        }),
      ['orphanDisplayNameGuard'],
    ],
    [
      'a deleted group externalId edge',
      (b) => del(keys.externalIdEdge(b.tenantId, 'G', b.groups[0].externalId, b.groups[0].id)),
      ['groupWithoutExternalIdEdge'],
    ],
    [
      'a member edge whose MEMBEROF# twin is deleted',
      (b) => del(keys.memberOfEdge(b.tenantId, b.users[0].id, b.groups[0].id)),
      ['memberEdgeWithoutTwin'],
    ],
    [
      'a MEMBEROF# edge whose member edge is deleted (the count now disagrees too)',
      (b) => del(keys.memberEdge(b.tenantId, b.groups[1].id, b.users[2].id)),
      ['memberCountMismatch', 'memberOfEdgeWithoutTwin'],
    ],
    [
      'both edges of a missing user (counted by no delta)',
      async (b) => {
        const ghost = randomUUID();
        await put({ ...keys.memberEdge(b.tenantId, b.groups[0].id, ghost), type: 'member', userId: ghost });
        await put({
          ...keys.memberOfEdge(b.tenantId, ghost, b.groups[0].id),
          type: 'memberOf',
          groupId: b.groups[0].id,
        });
      },
      ['memberCountMismatch', 'membershipUserMissing', 'membershipUserMissing'],
    ],
    [
      'a MEMBEROF# edge of a missing group',
      async (b) => {
        const gone = randomUUID();
        await put({ ...keys.memberOfEdge(b.tenantId, b.users[3].id, gone), type: 'memberOf', groupId: gone });
      },
      ['memberOfEdgeWithoutTwin', 'membershipGroupMissing'],
    ],
    [
      'a member edge in the wrong shard',
      async (b) => {
        const edge = keys.memberEdge(b.tenantId, b.groups[0].id, b.users[0].id);
        const item = await get(edge);
        await del(edge);
        const wrong = (memberShardOf(b.users[0].id) + 1) % MEMBER_SHARDS;
        await put({ ...item, pk: keys.memberPartitions(b.tenantId, b.groups[0].id)[wrong] });
      },
      // The store looks the edge up in the shard the user id picks: from the MEMBEROF# side it is missing.
      ['memberEdgeWrongShard', 'memberOfEdgeWithoutTwin'],
    ],
    [
      'a bumped group memberCount',
      (b) => update(keys.group(b.tenantId, b.groups[0].id), 'ADD memberCount :two', { ':two': 2 }),
      ['memberCountMismatch'],
    ],
    [
      'a count delta of a missing group',
      (b) => {
        const gone = randomUUID();
        return put({
          ...keys.countDelta(b.tenantId, gone, 'AAAAAAAAAAAAAAAA'),
          type: 'countDelta',
          delta: 1,
        });
      },
      ['orphanCountDelta'],
    ],
    ['a bumped users counter', (b) => bump(b.tenantId, 'users', 3), ['tenantCounterMismatch']],
    ['a lowered groups counter', (b) => bump(b.tenantId, 'groups', -1), ['tenantCounterMismatch']],
    [
      'a bumped tokens counter',
      (b) => update(keys.counters(b.tenantId), 'ADD tokens :one', { ':one': 1 }),
      ['tenantCounterMismatch'],
    ],
    [
      'a token without its hash',
      async (b) => {
        const [token] = (await tokenItems(b.tenantId)) as { sk: string }[];
        await update({ pk: `T#${b.tenantId}`, sk: token.sk }, 'REMOVE secretHash');
      },
      ['tokenWithoutHash'],
    ],
    [
      'a token holding a plaintext secret',
      async (b) => {
        const [token] = (await tokenItems(b.tenantId)) as { sk: string }[];
        await update({ pk: `T#${b.tenantId}`, sk: token.sk }, 'SET secret = :s', { ':s': 'scim_plaintext' });
      },
      ['tokenPlaintextSecret'],
    ],
    [
      'a token whose hash item is deleted',
      async (b) => {
        const [token] = (await tokenItems(b.tenantId)) as { secretHash: string }[];
        await del(keys.tokenByHash(token.secretHash));
      },
      ['tokenHashMissing'],
    ],
    [
      'a hash item whose token is gone',
      (b) =>
        put({
          ...keys.tokenByHash('a'.repeat(64)),
          type: 'tokenHash',
          tenantId: b.tenantId,
          tokenId: randomUUID(),
          status: 'active',
          secretHash: 'a'.repeat(64),
        }),
      ['orphanTokenHash'],
    ],
    [
      'a paging cursor without a TTL',
      (b) =>
        put({ ...keys.pagingCursor(b.tenantId, 'planted', 3), type: 'cursor', cursor: listingPosition(b) }),
      ['staleCursor'],
    ],
    [
      "a paging cursor into another tenant's listing",
      (b) =>
        put({
          ...keys.pagingCursor(b.tenantId, 'planted', 3),
          type: 'cursor',
          cursor: { ...listingPosition(b), gsi1pk: keys.usersIndexPk('another-tenant') },
          expiresAt: Math.floor(Date.now() / 1000) + 600,
        }),
      ['staleCursor'],
    ],
    [
      'a tombstone without its TTL',
      (b) => put({ ...keys.deletion(b.tenantId, 'U', randomUUID()), type: 'deletion', tenantId: b.tenantId }),
      ['missingTtl'],
    ],
    [
      'an audit entry naming a secret hash',
      (b) =>
        put({
          ...keys.audit(b.tenantId, new Date().toISOString(), 'req-1', 0),
          type: 'audit',
          changes: { secretHash: { before: 'x', after: 'y' } },
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        }),
      ['secretInAudit'],
    ],
  ];

  // One tenant for every case: each plants its corruption, is checked, and is undone (the items it
  // changed put back as they were, the ones it added deleted, a counter moved back).
  let b: Built;
  beforeAll(async () => {
    b = await buildTenant('check-plant');
  });

  test.each(cases)('%s', async (_name, plant, expected) => {
    journal.clear();
    const undo = await plant(b);
    try {
      const report = await checkTenant(b.tenantId);
      expect(kinds(report)).toEqual(expected);
      for (const finding of report.findings) expect(finding.keys.length).toBeGreaterThan(0);
    } finally {
      await undoJournal();
      if (typeof undo === 'function') await undo();
    }
  });

  test('expectConsistent fails listing every finding', async () => {
    journal.clear();
    await del(keys.userNameGuard(b.tenantId, b.users[0].userName));
    await put({ ...keys.userNameGuard(b.tenantId, 'ghost'), type: 'userNameGuard', userId: 'gone' });
    try {
      const failure = expectConsistent(b.tenantId);
      await expect(failure).rejects.toThrow(`tenant ${b.tenantId} is inconsistent (2 findings)`);
      await expect(failure).rejects.toThrow(
        `orphanUserNameGuard: userName guard ghost names missing user gone [T#${b.tenantId}#UN#ghost / GUARD]`,
      );
      await expect(failure).rejects.toThrow(
        /userWithoutGuard: user .* \(User\.0@example\.com\) has no userName guard/,
      );
    } finally {
      await undoJournal();
    }
  });

  test('with every plant undone, the tenant is clean again', async () => {
    await expectConsistent(b.tenantId);
  });
});

async function tokenItems(tenantId: string): Promise<Record<string, unknown>[]> {
  const prefix = keys.tokenPrefix(tenantId);
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.skPrefix },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

function listingPosition(b: Built) {
  const user = b.users[0];
  return { ...keys.user(b.tenantId, user.id), ...keys.usersIndex(b.tenantId, user.userName, user.id) };
}

test('a read-only check writes nothing; --repair fixes the counts only, and a second check is clean', async () => {
  const b = await buildTenant('check-repair');
  await transactWrite([counterUpdate(b.tenantId, 'users', 3)]);
  await transactWrite([counterUpdate(b.tenantId, 'groups', -2)]);
  await update(keys.counters(b.tenantId), 'ADD tokens :one', { ':one': 1 });
  await update(keys.group(b.tenantId, b.groups[1].id), 'ADD memberCount :n', { ':n': 5 });
  // Not a count: reported, never repaired.
  await del(keys.userNameGuard(b.tenantId, b.users[0].userName));

  const before = await tenantItems(b.tenantId);
  const readOnly = await checkTenant(b.tenantId);
  expect(await tenantItems(b.tenantId)).toEqual(before);
  expect(kinds(readOnly)).toEqual([
    'memberCountMismatch',
    'tenantCounterMismatch',
    'tenantCounterMismatch',
    'tenantCounterMismatch',
    'userWithoutGuard',
  ]);
  expect(readOnly.repaired).toEqual([]);

  const repaired = await checkTenant(b.tenantId, { repair: true });
  expect(kinds(repaired)).toEqual(kinds(readOnly));
  expect(repaired.repaired.map((f) => f.kind).sort()).toEqual([
    'memberCountMismatch',
    'tenantCounterMismatch',
    'tenantCounterMismatch',
    'tenantCounterMismatch',
  ]);
  expect(await readCounter(b.tenantId, 'users')).toBe(4);
  expect(await readCounter(b.tenantId, 'groups')).toBe(2);
  const group = await b.t.call('GET', `/Groups/${b.groups[1].id}`);
  expect(group.body.members).toHaveLength(2);

  const after = await checkTenant(b.tenantId);
  expect(kinds(after)).toEqual(['userWithoutGuard']);
  // Putting the guard back (report-only findings are the operator's) leaves the tenant clean.
  await put({
    ...keys.userNameGuard(b.tenantId, b.users[0].userName),
    type: 'userNameGuard',
    userId: b.users[0].id,
  });
  await expectConsistent(b.tenantId);
});

test('the check is confined to its tenant: a corrupt neighbour with a longer id is not reported', async () => {
  const b = await buildTenant('check-mine');
  const neighbour = `${b.tenantId}x`;
  await put({ ...keys.userNameGuard(neighbour, 'ghost'), type: 'userNameGuard', userId: randomUUID() });
  await put({ ...keys.tokenByHash('b'.repeat(64)), type: 'tokenHash', tenantId: neighbour, tokenId: 'x' });
  await expectConsistent(b.tenantId);
  expect(kinds(await checkTenant(neighbour))).toEqual(['orphanTokenHash', 'orphanUserNameGuard']);
});
