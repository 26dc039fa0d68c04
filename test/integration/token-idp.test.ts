import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateSecret, hashSecret } from '../../lambdas/domain/tokens';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { keys } from '../../lambdas/store/keys';
import { startTestService, type TestService } from '../support/service';

/**
 * The IdP belongs to the token (the console's "Choose Identity Provider (IdP)"): chosen at creation,
 * kept by renew, shown in every token answer, and the Source of every user and group the token creates
 * — whatever User-Agent the client sends.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.stop());

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const OKTA_UA = { 'User-Agent': 'Okta SCIM Client 1.0.0' };
const ENTRA_UA = { 'User-Agent': 'Microsoft-Azure-Provisioning/1.0' };

const tenant = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const LABELS = {
  okta: 'SCIM Okta',
  entra: 'SCIM Microsoft Entra ID',
  onelogin: 'SCIM OneLogin',
  jumpcloud: 'SCIM JumpCloud',
  pingone: 'SCIM PingOne',
  generic: 'SCIM 2.0',
} as const;

/**
 * Both token items as they were written before tokens had an IdP (lambdas/store/token-repository.ts
 * of that time), with the counter a create would have moved.
 */
async function plantOldToken(tenantId: string): Promise<{ id: string; token: string }> {
  const db = getDocumentClient();
  const id = randomUUID();
  const secret = generateSecret();
  const secretHash = hashSecret(secret);
  await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.counters(tenantId),
      UpdateExpression: 'SET tokens = if_not_exists(tokens, :zero) + :one',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.token(tenantId, id),
        type: 'token',
        id,
        tenantId,
        status: 'active',
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        hint: secret.slice(-4),
        secretHash,
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.tokenByHash(secretHash),
        type: 'tokenHash',
        tenantId,
        tokenId: id,
        status: 'active',
        secretHash,
      },
    }),
  );
  return { id, token: secret };
}

describe('the IdP of a token', () => {
  test('no body and {} give an okta token', async () => {
    const tenantId = tenant('idp-default');
    const none = await service.admin('POST', `/${tenantId}/tokens`);
    const empty = await service.admin('POST', `/${tenantId}/tokens`, {});
    expect([none.status, empty.status]).toEqual([201, 201]);
    expect([none.body.idp, empty.body.idp]).toEqual(['okta', 'okta']);
  });

  test.each(Object.keys(LABELS))('%s is stored and returned by create, list, get and patch', async (idp) => {
    const tenantId = tenant(`idp-${idp}`);
    const created = await service.admin('POST', `/${tenantId}/tokens`, { idp });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(expect.objectContaining({ idp, token: expect.stringMatching(/^scimaws_/) }));

    const listed = await service.admin('GET', `/${tenantId}/tokens`);
    expect(listed.body.tokens).toEqual([expect.objectContaining({ id: created.body.id, idp })]);
    const read = await service.admin('GET', `/${tenantId}/tokens/${created.body.id}`);
    expect(read.body).toEqual(expect.objectContaining({ id: created.body.id, idp }));
    const patched = await service.admin('PATCH', `/${tenantId}/tokens/${created.body.id}`, {
      status: 'inactive',
    });
    expect(patched.body).toEqual(expect.objectContaining({ status: 'inactive', idp }));
  });

  test.each([
    ['an unknown idp', { idp: 'auth0' }],
    ['an idp in another case', { idp: 'Entra' }],
    ['a null idp', { idp: null }],
    ['another field', { name: 'x' }],
    ['idp with another field', { idp: 'entra', label: 'mine' }],
  ])('%s is a 400 naming idp, and no token is made', async (_name, body) => {
    const tenantId = tenant('idp-bad');
    const response = await service.admin('POST', `/${tenantId}/tokens`, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: 'bad_request',
      message: expect.any(String),
      fields: [{ path: 'idp', message: expect.stringContaining('"entra"') }],
    });
    expect((await service.admin('GET', `/${tenantId}/tokens`)).body.tokens).toEqual([]);
  });

  test('renew keeps the idp; the new secret creates with it', async () => {
    const tenantId = tenant('idp-renew');
    const created = await service.createToken(tenantId, 'onelogin');
    const renewed = await service.admin('POST', `/${tenantId}/tokens/${created.id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual(expect.objectContaining({ id: created.id, idp: 'onelogin' }));
    expect((await service.admin('GET', `/${tenantId}/tokens`)).body.tokens[0].idp).toBe('onelogin');

    const user = await service.scim(
      'POST',
      `${created.scimBaseUrl}/Users`,
      renewed.body.token,
      { schemas: [USER], userName: 'renewed@example.com' },
      OKTA_UA,
    );
    expect(user.status).toBe(201);
    const detail = await service.admin('GET', `/${tenantId}/users/${user.body.id}`);
    expect(detail.body.source).toBe('SCIM OneLogin');
  });

  test('a token written before tokens had an IdP reads as okta, works, and renews as okta', async () => {
    const tenantId = tenant('idp-old');
    const old = await plantOldToken(tenantId);

    const listed = await service.admin('GET', `/${tenantId}/tokens`);
    expect(listed.body.tokens).toEqual([expect.objectContaining({ id: old.id, idp: 'okta' })]);
    expect((await service.admin('GET', `/${tenantId}/tokens/${old.id}`)).body.idp).toBe('okta');

    const user = await service.scim(
      'POST',
      `/scim/v2/${tenantId}/Users`,
      old.token,
      { schemas: [USER], userName: 'old-token@example.com' },
      ENTRA_UA,
    );
    expect(user.status).toBe(201);
    expect((await service.admin('GET', `/${tenantId}/users/${user.body.id}`)).body.source).toBe('SCIM Okta');

    const renewed = await service.admin('POST', `/${tenantId}/tokens/${old.id}/renew`);
    expect(renewed.body.idp).toBe('okta');
    const again = await service.scim('GET', `/scim/v2/${tenantId}/Users`, renewed.body.token);
    expect(again.status).toBe(200);
  });
});

describe('the Source of users and groups', () => {
  test('users and groups created through an Entra token are "SCIM Microsoft Entra ID" whatever the User-Agent', async () => {
    const tenantId = tenant('src-entra');
    const { token, scimBaseUrl } = await service.createToken(tenantId, 'entra');
    const agents = [OKTA_UA, ENTRA_UA, { 'User-Agent': 'curl/8.5.0' }, {}];
    const userIds: string[] = [];
    for (const [i, agent] of agents.entries()) {
      const user = await service.scim(
        'POST',
        `${scimBaseUrl}/Users`,
        token,
        { schemas: [USER], userName: `user${i}@example.com` },
        agent,
      );
      expect(user.status).toBe(201);
      userIds.push(user.body.id);
      const group = await service.scim(
        'POST',
        `${scimBaseUrl}/Groups`,
        token,
        { schemas: [GROUP], displayName: `Group ${i}`, members: [{ value: user.body.id }] },
        agent,
      );
      expect(group.status).toBe(201);
    }

    const users = await service.admin('GET', `/${tenantId}/users`);
    expect(users.body.users).toHaveLength(agents.length);
    for (const user of users.body.users) expect(user.source).toBe('SCIM Microsoft Entra ID');
    for (const id of userIds) {
      const detail = await service.admin('GET', `/${tenantId}/users/${id}`);
      expect(detail.body.source).toBe('SCIM Microsoft Entra ID');
    }
    const groups = await service.admin('GET', `/${tenantId}/groups`);
    expect(groups.body.groups).toHaveLength(agents.length);
    for (const group of groups.body.groups) expect(group.source).toBe('SCIM Microsoft Entra ID');
  });

  test.each(Object.entries(LABELS))(
    'a user and a group created through a %s token show %s',
    async (idp, label) => {
      const tenantId = tenant(`src-${idp}`);
      const { token, scimBaseUrl } = await service.createToken(tenantId, idp);
      const user = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
        schemas: [USER],
        userName: 'someone@example.com',
      });
      await service.scim('POST', `${scimBaseUrl}/Groups`, token, { schemas: [GROUP], displayName: 'Team' });
      expect((await service.admin('GET', `/${tenantId}/users/${user.body.id}`)).body.source).toBe(label);
      expect((await service.admin('GET', `/${tenantId}/groups`)).body.groups[0].source).toBe(label);
    },
  );

  test("the Source stays the creating token's when another token's client changes the resource", async () => {
    const tenantId = tenant('src-keep');
    const okta = await service.createToken(tenantId, 'okta');
    const entra = await service.createToken(tenantId, 'entra');
    const user = await service.scim('POST', `${okta.scimBaseUrl}/Users`, okta.token, {
      schemas: [USER],
      userName: 'kept@example.com',
    });
    const group = await service.scim('POST', `${okta.scimBaseUrl}/Groups`, okta.token, {
      schemas: [GROUP],
      displayName: 'Kept',
    });
    await service.scim(
      'PUT',
      `${entra.scimBaseUrl}/Users/${user.body.id}`,
      entra.token,
      { schemas: [USER], userName: 'kept@example.com', displayName: 'Kept' },
      ENTRA_UA,
    );
    await service.scim(
      'PATCH',
      `${entra.scimBaseUrl}/Groups/${group.body.id}`,
      entra.token,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: user.body.id }] }],
      },
      ENTRA_UA,
    );
    expect((await service.admin('GET', `/${tenantId}/users/${user.body.id}`)).body.source).toBe('SCIM Okta');
    const groups = await service.admin('GET', `/${tenantId}/groups`);
    expect(groups.body.groups).toEqual([
      expect.objectContaining({ id: group.body.id, source: 'SCIM Okta', memberCount: 1 }),
    ]);
  });

  test('a group written before groups had a source is listed as "SCIM Okta"', async () => {
    const tenantId = tenant('src-old-group');
    const { token, scimBaseUrl } = await service.createToken(tenantId, 'jumpcloud');
    const group = await service.scim('POST', `${scimBaseUrl}/Groups`, token, {
      schemas: [GROUP],
      displayName: 'Before',
    });
    await getDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.group(tenantId, group.body.id),
        UpdateExpression: 'REMOVE #source',
        ExpressionAttributeNames: { '#source': 'source' },
      }),
    );
    const groups = await service.admin('GET', `/${tenantId}/groups`);
    expect(groups.body.groups).toEqual([expect.objectContaining({ id: group.body.id, source: 'SCIM Okta' })]);
  });

  test('a user written with a source guessed from the User-Agent keeps the label it had', async () => {
    const tenantId = tenant('src-old-user');
    const { token, scimBaseUrl } = await service.createToken(tenantId, 'entra');
    const user = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
      schemas: [USER],
      userName: 'before@example.com',
    });
    await getDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(tenantId, user.body.id),
        UpdateExpression: 'SET #source = :old',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':old': { client: 'other', label: 'SCIM', userAgent: 'curl/8.5.0' } },
      }),
    );
    expect((await service.admin('GET', `/${tenantId}/users/${user.body.id}`)).body.source).toBe('SCIM');
    const listed = await service.admin('GET', `/${tenantId}/users`);
    expect(listed.body.users).toEqual([expect.objectContaining({ id: user.body.id, source: 'SCIM' })]);
  });
});
