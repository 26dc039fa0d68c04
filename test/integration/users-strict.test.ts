import { randomUUID } from 'node:crypto';
import { type SesLocal, startSesLocal } from '../../local/ses-local';
import { startTestService, type TestResponse, type TestService } from '../support/service';

/**
 * Issue 9, "strict values", through HTTP against DynamoDB Local (with the stream consumer and local
 * SES): an unassigned `active`, wrong types refused on POST/PUT/PATCH, identifiers with control or
 * invisible characters, Unicode-normalised uniqueness, email values that cannot be recipients, and
 * `schemas` inside an extension's PATCH value.
 */
let ses: SesLocal;
let service: TestService;
beforeAll(async () => {
  ses = await startSesLocal();
  service = await startTestService({ sesEndpoint: ses.endpoint, streams: true });
});
afterAll(async () => {
  await service.stop();
  await ses.stop();
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Tenant {
  tenantId: string;
  scim: (method: string, path: string, body?: unknown) => Promise<TestResponse>;
  createUser: (body: Record<string, unknown>) => Promise<TestResponse>;
  patch: (path: string, ...operations: unknown[]) => Promise<TestResponse>;
}

async function tenant(label: string, settings?: unknown): Promise<Tenant> {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  if (settings) expect((await service.admin('PUT', `/${tenantId}/settings`, settings)).status).toBe(200);
  const scim = (method: string, path: string, body?: unknown) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body);
  return {
    tenantId,
    scim,
    createUser: (body) => scim('POST', '/Users', { schemas: [USER], ...body }),
    patch: (path, ...Operations) => scim('PATCH', path, { schemas: [PATCH_OP], Operations }),
  };
}

function expectInvalidValue(response: TestResponse, mentions?: string) {
  expect(response.status).toBe(400);
  expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(response.body.scimType).toBe('invalidValue');
  if (mentions) expect(response.body.detail).toContain(mentions);
}

interface Mail {
  to: string[];
}
async function mailTo(address: string): Promise<Mail[]> {
  const response = await service.request('GET', '/local/outbox');
  return (response.body.messages as Mail[]).filter((m) => m.to.some((to) => to.includes(address)));
}

/** Waits (bounded) until the user's invite is in a state `settled` accepts (the stream consumer handled it). */
async function inviteOf(tenantId: string, userId: string, settled: (state: string) => boolean) {
  for (let i = 0; i < 75; i++) {
    const detail = await service.admin('GET', `/${tenantId}/users/${userId}`);
    if (settled(detail.body.invite.state)) return detail.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await service.admin('GET', `/${tenantId}/users/${userId}`)).body;
}

/** Lets the stream poller (every 200 ms) see whatever was written. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

const inviteOn = {
  autoInviteUsers: true,
  inviteEmail: { subject: 'Welcome', body: 'Join at ${inviteLink}' },
};

describe('an unassigned active is not active (defect 1)', () => {
  test('PATCH remove active on an inactive user leaves it unassigned, inactive, and sends no invitation', async () => {
    const t = await tenant('active-remove', inviteOn);
    const email = `rm-${randomUUID().slice(0, 6)}@example.com`;
    const created = await t.createUser({ userName: email, emails: [{ value: email }], active: false });
    expect(created.status).toBe(201);
    const path = `/Users/${created.body.id}`;

    const removed = await t.patch(path, { op: 'remove', path: 'active' });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('active');
    expect((await t.scim('GET', path)).body).not.toHaveProperty('active');

    const detail = await service.admin('GET', `/${t.tenantId}/users/${created.body.id}`);
    expect(detail.body.active).toBe(false);
    const listing = await service.admin('GET', `/${t.tenantId}/users`);
    expect(listing.body.users).toEqual([expect.objectContaining({ id: created.body.id, active: false })]);
    await settle();
    expect(await mailTo(email)).toHaveLength(0);
    expect(detail.body.invite).toEqual({ state: 'none', sentAt: null, lastError: null });
  });

  test('replace active null and a PUT without active unassign it too; a create without active is active', async () => {
    const t = await tenant('active-null', inviteOn);
    const email = `nul-${randomUUID().slice(0, 6)}@example.com`;
    const created = await t.createUser({ userName: email, active: false });
    const path = `/Users/${created.body.id}`;
    const nulled = await t.patch(path, { op: 'replace', path: 'active', value: null });
    expect(nulled.status).toBe(200);
    expect(nulled.body).not.toHaveProperty('active');

    const other = await t.createUser({ userName: `put-${email}` });
    expect(other.status).toBe(201);
    expect(other.body.active).toBe(true);
    const put = await t.scim('PUT', `/Users/${other.body.id}`, { schemas: [USER], userName: `put-${email}` });
    expect(put.status).toBe(200);
    expect(put.body).not.toHaveProperty('active');
    expect((await service.admin('GET', `/${t.tenantId}/users/${other.body.id}`)).body.active).toBe(false);
    const withNull = await t.createUser({ userName: `null-${email}`, active: null });
    expect(withNull.body.active).toBe(true);
  });

  test('after active is removed, assigning true again is a first activation: one invitation', async () => {
    const t = await tenant('active-again', inviteOn);
    const email = `ag-${randomUUID().slice(0, 6)}@example.com`;
    const created = await t.createUser({ userName: email, emails: [{ value: email }], active: false });
    const path = `/Users/${created.body.id}`;
    await t.patch(path, { op: 'remove', path: 'active' });
    await settle();
    expect(await mailTo(email)).toHaveLength(0);
    // Unassigned counts as inactive: assigning true is the first activation, invited once.
    expect((await t.patch(path, { op: 'replace', value: { active: true } })).status).toBe(200);
    // Sent, or already delivered: the fake SES events of the local service report deliveries.
    const detail = await inviteOf(
      t.tenantId,
      created.body.id,
      (state) => state === 'sent' || state === 'delivered',
    );
    expect(detail.invite.state).toMatch(/^(sent|delivered)$/);
    expect(await mailTo(email)).toHaveLength(1);
  });
});

describe('wrong types are refused, not coerced (defect 2)', () => {
  test('POST: a number for userName, a string for emails, a number for a string, a scalar for a complex', async () => {
    const t = await tenant('types-post');
    expectInvalidValue(await t.createUser({ userName: 4242 }), 'userName');
    expectInvalidValue(await t.createUser({ userName: 'a@example.com', emails: 'x' }), 'emails');
    expectInvalidValue(await t.createUser({ userName: 'a@example.com', title: true }), 'title');
    expectInvalidValue(
      await t.createUser({ userName: 'a@example.com', [ENTERPRISE]: { employeeNumber: 7 } }),
      'employeeNumber',
    );
    expectInvalidValue(await t.createUser({ userName: 'a@example.com', name: 'Ann' }), 'name');
    expectInvalidValue(await t.createUser({ userName: 'a@example.com', active: 1 }), 'active');
    expectInvalidValue(
      await t.createUser({ userName: 'a@example.com', emails: [{ value: 'a@example.com', primary: 'yes' }] }),
      'primary',
    );
    expectInvalidValue(
      await t.createUser({ userName: 'a@example.com', emails: ['a@example.com'] }),
      'emails',
    );
    // Nothing was written by any of them.
    expect((await t.scim('GET', '/Users')).body.totalResults).toBe(0);
  });

  test('the documented quirks still pass: "True"/"False", a bare-string manager, null as absent', async () => {
    const t = await tenant('types-quirks');
    const created = await t.createUser({
      userName: 'q@example.com',
      active: 'False',
      displayName: null,
      emails: [{ value: 'q@example.com', primary: 'True' }],
      [ENTERPRISE]: { manager: 'm-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(false);
    expect(created.body.emails).toEqual([{ value: 'q@example.com', primary: true }]);
    expect(created.body[ENTERPRISE]).toEqual({ manager: { value: 'm-1' } });
    expect(created.body).not.toHaveProperty('displayName');
  });

  test('PUT refuses what POST refuses, and leaves the user as it was', async () => {
    const t = await tenant('types-put');
    const created = await t.createUser({ userName: 'p@example.com', title: 'Engineer' });
    const path = `/Users/${created.body.id}`;
    expectInvalidValue(await t.scim('PUT', path, { schemas: [USER], userName: 4242 }), 'userName');
    expectInvalidValue(
      await t.scim('PUT', path, { schemas: [USER], userName: 'p@example.com', phoneNumbers: '555' }),
      'phoneNumbers',
    );
    const read = await t.scim('GET', path);
    expect(read.body).toEqual(expect.objectContaining({ userName: 'p@example.com', title: 'Engineer' }));
    expect(read.body.meta.version).toBe(created.body.meta.version);
  });

  test('PATCH refuses wrong types with or without a path, and never unwraps a one-element array', async () => {
    const t = await tenant('types-patch');
    const created = await t.createUser({ userName: 'pa@example.com', title: 'Engineer' });
    const path = `/Users/${created.body.id}`;
    expectInvalidValue(await t.patch(path, { op: 'replace', path: 'userName', value: 4242 }), 'userName');
    expectInvalidValue(await t.patch(path, { op: 'replace', value: { userName: 4242 } }), 'userName');
    expectInvalidValue(await t.patch(path, { op: 'add', path: 'emails', value: 'x' }), 'emails');
    expectInvalidValue(await t.patch(path, { op: 'add', value: { emails: { value: 'x@y' } } }), 'emails');
    expectInvalidValue(await t.patch(path, { op: 'replace', path: 'title', value: ['Boss'] }), 'title');
    expectInvalidValue(await t.patch(path, { op: 'replace', path: 'title', value: 7 }), 'title');
    expectInvalidValue(
      await t.patch(path, {
        op: 'add',
        path: `${ENTERPRISE}:manager`,
        value: [{ value: 'm-1' }, { value: 'm-2' }],
      }),
      'manager',
    );
    expectInvalidValue(
      await t.patch(path, { op: 'add', path: `${ENTERPRISE}:manager`, value: ['m-1'] }),
      'manager',
    );
    expectInvalidValue(
      await t.patch(path, { op: 'replace', path: 'name.givenName', value: false }),
      'givenName',
    );
    expectInvalidValue(await t.patch(path, { op: 'replace', path: 'active', value: 'yes' }), 'active');
    const read = await t.scim('GET', path);
    expect(read.body.title).toBe('Engineer');
    expect(read.body.meta.version).toBe(created.body.meta.version);
    // Entra's "True"/"False" and bare-string manager by path stay accepted.
    const quirks = await t.patch(
      path,
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'm-2' },
    );
    expect(quirks.status).toBe(200);
    expect(quirks.body.active).toBe(false);
    expect(quirks.body[ENTERPRISE]).toEqual({ manager: { value: 'm-2' } });
  });
});

describe('identifiers refuse control and invisible characters; uniqueness is normalised (defect 3)', () => {
  test.each([
    ['NUL', 'ann\u0000@example.com'],
    ['CR/LF', 'ann\r\n@example.com'],
    ['DEL', 'ann\u007f@example.com'],
    ['LINE SEPARATOR', 'ann\u2028@example.com'],
    ['ZERO WIDTH SPACE', 'ann\u200b@example.com'],
    ['RIGHT-TO-LEFT OVERRIDE', 'ann\u202e@example.com'],
    ['FIRST STRONG ISOLATE', 'ann\u2068@example.com'],
  ])('userName with %s is a 400 on POST, PUT and PATCH', async (_, userName) => {
    const t = await tenant('ids-user');
    expectInvalidValue(await t.createUser({ userName }), 'userName');
    const created = await t.createUser({ userName: 'ok@example.com' });
    const path = `/Users/${created.body.id}`;
    expectInvalidValue(await t.scim('PUT', path, { schemas: [USER], userName }), 'userName');
    expectInvalidValue(await t.patch(path, { op: 'replace', path: 'userName', value: userName }), 'userName');
    expect((await t.scim('GET', path)).body.userName).toBe('ok@example.com');
  });

  test('externalId refuses control characters but not zero-width ones', async () => {
    const t = await tenant('ids-external');
    expectInvalidValue(await t.createUser({ userName: 'e1@example.com', externalId: 'x\ny' }), 'externalId');
    expectInvalidValue(
      await t.createUser({ userName: 'e1@example.com', externalId: 'x\u0000' }),
      'externalId',
    );
    const created = await t.createUser({ userName: 'e1@example.com', externalId: 'x\u200by' });
    expect(created.status).toBe(201);
    expectInvalidValue(
      await t.patch(`/Users/${created.body.id}`, { op: 'replace', path: 'externalId', value: 'a\u2029b' }),
      'externalId',
    );
  });

  test('NFC josé and NFD jose\u0301 are the same userName (409), stored as sent and found by either', async () => {
    const t = await tenant('ids-nfc');
    const nfd = 'jose\u0301@example.com';
    const nfc = 'jos\u00e9@example.com';
    const created = await t.createUser({ userName: nfd });
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe(nfd);
    const duplicate = await t.createUser({ userName: nfc });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
    expect((await t.createUser({ userName: 'JOS\u00c9@example.com' })).status).toBe(409);
    for (const name of [nfc, nfd, 'JOSE\u0301@EXAMPLE.COM']) {
      const found = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
      expect(found.body.totalResults).toBe(1);
      expect(found.body.Resources[0].id).toBe(created.body.id);
      const both = await t.scim(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName eq "${name}" and active eq true`)}`,
      );
      expect(both.body.totalResults).toBe(1);
    }
    // A rename of the user to its other normalisation keeps its own guard.
    const renamed = await t.patch(`/Users/${created.body.id}`, {
      op: 'replace',
      path: 'userName',
      value: nfc,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.userName).toBe(nfc);
    const other = await t.createUser({ userName: 'other@example.com' });
    expect(
      (await t.patch(`/Users/${other.body.id}`, { op: 'replace', path: 'userName', value: nfd })).status,
    ).toBe(409);
  });
});

describe('groups: displayName refuses control characters and is unique when normalised (defect 3)', () => {
  test('control characters in displayName or externalId are a 400 on POST, PUT and PATCH', async () => {
    const t = await tenant('ids-group');
    for (const displayName of ['Eng\u0000', 'Eng\r\nineers', 'Eng\u007f', 'Eng\u2028']) {
      expectInvalidValue(await t.scim('POST', '/Groups', { schemas: [GROUP], displayName }), 'displayName');
    }
    expectInvalidValue(
      await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Eng', externalId: 'a\tb' }),
      'externalId',
    );
    const created = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Eng' });
    expect(created.status).toBe(201);
    const path = `/Groups/${created.body.id}`;
    expectInvalidValue(await t.scim('PUT', path, { schemas: [GROUP], displayName: 'Eng\n' }), 'displayName');
    expectInvalidValue(
      await t.patch(path, { op: 'replace', value: { displayName: 'E\u0000' } }),
      'displayName',
    );
    expect((await t.scim('GET', path)).body.displayName).toBe('Eng');
    expectInvalidValue(
      await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 4242 }),
      'displayName',
    );
  });

  test('member values must be arrays of member objects on POST, PUT and PATCH (defect 2)', async () => {
    const t = await tenant('types-group');
    const user = await t.createUser({ userName: 'member@example.com' });
    const id = user.body.id;
    expectInvalidValue(
      await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'G', members: id }),
      'members',
    );
    expectInvalidValue(
      await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'G', members: { value: id } }),
      'members',
    );
    const created = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'G', members: [] });
    const path = `/Groups/${created.body.id}`;
    expectInvalidValue(
      await t.scim('PUT', path, { schemas: [GROUP], displayName: 'G', members: [id] }),
      'members',
    );
    expectInvalidValue(await t.patch(path, { op: 'add', path: 'members', value: id }), 'members');
    expectInvalidValue(await t.patch(path, { op: 'add', path: 'members', value: { value: id } }), 'members');
    expectInvalidValue(
      await t.patch(path, { op: 'add', path: 'members', value: [{ value: id, display: 7 }] }),
      'members[0].display',
    );
    const read = await t.scim('GET', path);
    expect(read.body.members ?? []).toEqual([]);
    // Okta's and Entra's shapes stay accepted.
    expect(
      (await t.patch(path, { op: 'Add', path: 'members', value: [{ value: id, display: 'M', $ref: null }] }))
        .status,
    ).toBe(204);
  });

  test('NFC and NFD displayNames collide (409); the name is stored as sent', async () => {
    const t = await tenant('ids-group-nfc');
    const created = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Caf\u00e9' });
    expect(created.status).toBe(201);
    const duplicate = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'CAFE\u0301' });
    expect(duplicate.status).toBe(409);
    const found = await t.scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "cafe\u0301"')}&excludedAttributes=members`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].displayName).toBe('Caf\u00e9');
  });
});

describe('email values (defect 4)', () => {
  test('an email value with CR/LF or another control character is a 400', async () => {
    const t = await tenant('mail-control');
    for (const value of ['a@example.com\r\nBcc: x@evil.test', 'a@exa\u0000mple.com', 'a\t@example.com']) {
      expectInvalidValue(await t.createUser({ userName: 'm@example.com', emails: [{ value }] }), 'emails');
    }
    const created = await t.createUser({ userName: 'm@example.com' });
    expectInvalidValue(
      await t.patch(`/Users/${created.body.id}`, {
        op: 'add',
        path: 'emails',
        value: [{ value: 'b@example.com\nx' }],
      }),
      'emails',
    );
  });

  test.each([
    ['a comma-separated list', (id: string) => `${id}-a@example.com,${id}-b@example.com`],
    ['no @', (id: string) => `${id}-nobody.example.com`],
  ])(
    'an email that is %s is stored, never sent to: the invite is failed with the reason',
    async (_, make) => {
      const t = await tenant('mail-bad', inviteOn);
      const id = randomUUID().slice(0, 8);
      const value = make(id);
      const created = await t.createUser({
        userName: `${id}@example.com`,
        emails: [{ value }],
        active: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.emails).toEqual([{ value }]);
      const detail = await inviteOf(
        t.tenantId,
        created.body.id,
        (state) => state === 'failed' || state === 'sent' || state === 'delivered',
      );
      expect(detail.invite).toEqual(
        expect.objectContaining({
          state: 'failed',
          email: value,
          lastError: expect.stringMatching(/address/),
        }),
      );
      await settle();
      expect(await mailTo(id)).toHaveLength(0);
      const resend = await service.admin('POST', `/${t.tenantId}/users/${created.body.id}/invite`);
      expect(resend.status).toBe(400);
      expect(await mailTo(id)).toHaveLength(0);
    },
  );
});

describe('PATCH ignores schemas inside an extension value (defect 8, PATCH half)', () => {
  test('in a path-less value keyed by the extension URN and in a value addressed to the extension', async () => {
    const t = await tenant('ext-schemas');
    const created = await t.createUser({ userName: 's@example.com' });
    const path = `/Users/${created.body.id}`;
    const noPath = await t.patch(path, {
      op: 'add',
      value: { [ENTERPRISE]: { schemas: [ENTERPRISE], department: 'R&D' } },
    });
    expect(noPath.status).toBe(200);
    expect(noPath.body[ENTERPRISE]).toEqual({ department: 'R&D' });
    expect(noPath.body.schemas).toEqual([USER, ENTERPRISE]);
    const byPath = await t.patch(path, {
      op: 'replace',
      path: ENTERPRISE,
      value: { schemas: [ENTERPRISE], costCenter: 'CC-1' },
    });
    expect(byPath.status).toBe(200);
    expect(byPath.body[ENTERPRISE]).toEqual({ department: 'R&D', costCenter: 'CC-1' });
  });
});
