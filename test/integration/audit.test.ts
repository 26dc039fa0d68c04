import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { auditEntries } from '../../lambdas/domain/audit';
import { WriteConflictError } from '../../lambdas/domain/errors';
import { hashSecret } from '../../lambdas/domain/tokens';
import { keys } from '../../lambdas/store/keys';
import { DynamoSettingsRepository } from '../../lambdas/store/settings-repository';
import { DynamoTokenRepository } from '../../lambdas/store/token-repository';
import { startTestService, type TestService } from '../support/service';

/** The admin audit trail through HTTP: token and settings changes, as the console makes them. */
let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

interface Entry {
  at: string;
  actor: string;
  action: string;
  target: { type: string; id?: string };
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId: string;
}

const trail = async (
  tenant: string,
  query = '',
): Promise<{ entries: Entry[]; nextCursor: string | null }> => {
  const response = await service.admin('GET', `/${tenant}/audit${query}`);
  expect(response.status).toBe(200);
  return response.body;
};

/** Every change the console can make to a tenant's tokens and settings, in order. */
async function everyAction(tenant: string) {
  const created = await service.admin('POST', `/${tenant}/tokens`, { idp: 'entra' });
  expect(created.status).toBe(201);
  const { id, token } = created.body as { id: string; token: string };
  const renewed = await service.admin('POST', `/${tenant}/tokens/${id}/renew`);
  expect(renewed.status).toBe(200);
  expect((await service.admin('PATCH', `/${tenant}/tokens/${id}`, { status: 'inactive' })).status).toBe(200);
  expect((await service.admin('PUT', `/${tenant}/settings`, { autoInviteUsers: true })).status).toBe(200);
  expect((await service.admin('DELETE', `/${tenant}/tokens/${id}`)).status).toBe(204);
  return { id, secrets: [token as string, renewed.body.token as string] };
}

test('each token and settings change appears, newest first, with the admin, target, changes and request id', async () => {
  const { id, secrets } = await everyAction('audit-all');

  const { entries, nextCursor } = await trail('audit-all');

  expect(entries.map((e) => e.action)).toEqual([
    'token.removed',
    'settings.updated',
    'token.status_changed',
    'token.renewed',
    'token.created',
  ]);
  expect(nextCursor).toBeNull();
  for (const entry of entries) {
    expect(entry.actor).toBe('local-admin');
    expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
    expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'at', 'changes', 'requestId', 'target']);
  }
  expect(new Set(entries.map((e) => e.requestId)).size).toBe(entries.length);
  const [removed, settings, status, renewed, created] = entries;
  expect(created).toMatchObject({
    target: { type: 'token', id },
    changes: {
      status: { before: null, after: 'active' },
      idp: { before: null, after: 'entra' },
      hint: { before: null, after: secrets[0].slice(-4) },
    },
  });
  expect(renewed.changes).toEqual({ hint: { before: secrets[0].slice(-4), after: secrets[1].slice(-4) } });
  expect(status.changes).toEqual({ status: { before: 'active', after: 'inactive' } });
  expect(settings).toMatchObject({
    target: { type: 'settings' },
    changes: { autoInviteUsers: { before: false, after: true } },
  });
  expect(removed).toMatchObject({
    target: { type: 'token', id },
    changes: { status: { before: 'inactive', after: null }, idp: { before: 'entra', after: null } },
  });
  const sorted = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  expect(entries.map((e) => e.at)).toEqual(sorted.map((e) => e.at));
});

test('no entry holds a token, a secret hash, or anything of them in the table', async () => {
  const { secrets } = await everyAction('audit-secrets');

  const listed = JSON.stringify(await trail('audit-secrets'));
  const items = await auditItems('audit-secrets');
  const stored = JSON.stringify(items);

  expect(items).toHaveLength(5);
  for (const secret of secrets) {
    for (const text of [listed, stored]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashSecret(secret));
    }
  }
});

test('each entry carries its TTL: the entry time plus the default 365 days', async () => {
  await service.createToken('audit-ttl');

  const [item] = await auditItems('audit-ttl');

  expect(item.type).toBe('audit');
  expect(item.expiresAt).toBe(Math.floor(Date.parse(item.at as string) / 1000) + 365 * 86_400);
});

test('paging: limit entries a page, the cursor continues, every entry once', async () => {
  for (let i = 0; i < 7; i++) {
    const body = { customAttributes: [{ name: `attr${i}` }] };
    expect((await service.admin('PUT', '/audit-pages/settings', body)).status).toBe(200);
  }

  const seen: Entry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await trail('audit-pages', query);
    expect(page.entries.length).toBeLessThanOrEqual(3);
    seen.push(...page.entries);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 10);

  expect(pages).toBe(3);
  const names = seen.map((e) => (e.changes.customAttributes.after as { name: string }[])[0].name);
  expect(names).toEqual(['attr6', 'attr5', 'attr4', 'attr3', 'attr2', 'attr1', 'attr0']);
});

test("another tenant's entries never show, nor does its cursor work here", async () => {
  for (let i = 0; i < 3; i++)
    await service.admin('PUT', '/audit-other/settings', { autoInviteUsers: i % 2 === 0 });
  await service.createToken('audit-mine');

  const mine = await trail('audit-mine');
  const other = await trail('audit-other', '?limit=1');

  expect(mine.entries.map((e) => e.action)).toEqual(['token.created']);
  expect(other.entries.map((e) => e.action)).toEqual(['settings.updated']);
  const foreign = await service.admin(
    'GET',
    `/audit-mine/audit?cursor=${encodeURIComponent(other.nextCursor as string)}`,
  );
  expect(foreign.status).toBe(400);
  expect(foreign.body).toMatchObject({
    error: 'bad_request',
    fields: [{ path: 'cursor', message: expect.any(String) }],
  });
});

test.each([
  ['limit=0', 'limit'],
  ['limit=101', 'limit'],
  ['limit=abc', 'limit'],
  ['limit=2.5', 'limit'],
  ['limit=', 'limit'],
  ['cursor=not-a-cursor', 'cursor'],
  [`cursor=${'a'.repeat(30)}.${'b'.repeat(43)}`, 'cursor'],
])('%s is a 400 naming the field', async (query, field) => {
  const response = await service.admin('GET', `/audit-bad/audit?${query}`);
  expect(response.status).toBe(400);
  expect(response.body).toEqual({
    error: 'bad_request',
    message: expect.any(String),
    fields: [{ path: field, message: expect.any(String) }],
  });
});

test('a change that is refused records nothing', async () => {
  await service.createToken('audit-refused');
  await service.createToken('audit-refused');

  const third = await service.admin('POST', '/audit-refused/tokens');
  const invalid = await service.admin('PUT', '/audit-refused/settings', { autoInviteUsers: 'yes' });

  expect([third.status, invalid.status]).toEqual([409, 400]);
  expect((await trail('audit-refused')).entries.map((e) => e.action)).toEqual([
    'token.created',
    'token.created',
  ]);
});

test('only the admin of the tenant reads its trail', async () => {
  const response = await service.request('GET', '/admin/v1/tenants/audit-all/audit');
  expect(response.status).toBe(401);
});

async function auditItems(tenant: string): Promise<Record<string, unknown>[]> {
  const db = new DynamoDBClient({});
  try {
    const result = await db.send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: keys.auditPartition(tenant) } },
      }),
    );
    return (result.Items ?? []).map((item) => unmarshall(item));
  } finally {
    db.destroy();
  }
}

describe('a change that lost a race records nothing (the store, against DynamoDB Local)', () => {
  const actor = { subject: 'racer', requestId: 'race-1' };

  test('settings saved over a revision that moved: 409, and only the winner is recorded', async () => {
    const settings = new DynamoSettingsRepository();
    const { settings: read, revision } = await settings.getForUpdate('audit-race');
    expect((await service.admin('PUT', '/audit-race/settings', { autoInviteUsers: true })).status).toBe(200);

    const changed = { ...read, customAttributes: [{ name: 'badge', scimPath: 'title' }] };
    await expect(
      settings.put('audit-race', changed, {
        revision,
        audit: auditEntries.settingsUpdated(actor, 'audit-race', read, changed),
      }),
    ).rejects.toThrow(WriteConflictError);

    expect((await auditItems('audit-race')).map((i) => i.actor)).toEqual(['local-admin']);
    expect((await service.admin('GET', '/audit-race/settings')).body.customAttributes).toEqual([]);
  });

  test('a token status change over a status that moved: 409, and only the winner is recorded', async () => {
    const { id } = await service.createToken('audit-race-token');
    const tokens = new DynamoTokenRepository();
    const stale = (await tokens.get('audit-race-token', id))!;
    expect(
      (await service.admin('PATCH', `/audit-race-token/tokens/${id}`, { status: 'inactive' })).status,
    ).toBe(200);

    const audit = auditEntries.tokenStatusChanged(actor, stale, { ...stale, status: 'inactive' });
    await expect(tokens.setStatus(stale, 'inactive', audit)).rejects.toThrow(WriteConflictError);

    const actions = (await auditItems('audit-race-token')).map((i) => `${i.action}/${i.actor}`);
    expect(actions.sort()).toEqual(['token.created/local-admin', 'token.status_changed/local-admin']);
  });
});
