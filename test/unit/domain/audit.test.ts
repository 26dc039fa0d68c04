import { AUDIT_PAGE, auditEntries, changedFields } from '../../../lambdas/domain/audit';
import { AuditTrailService } from '../../../lambdas/domain/audit-trail';
import { InvalidInputError, WriteConflictError } from '../../../lambdas/domain/errors';
import { SettingsService } from '../../../lambdas/domain/settings-service';
import { TokenService } from '../../../lambdas/domain/token-service';
import { hashSecret } from '../../../lambdas/domain/tokens';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const ACTOR = { subject: 'cognito-sub-1', requestId: 'req-1' };

function setup() {
  const ports = inMemoryPorts();
  return {
    ...ports,
    tokens: new TokenService(ports.tokens),
    settings: new SettingsService(ports.settings),
    trail: new AuditTrailService(ports.audit),
  };
}

describe('the token use cases record what they change', () => {
  test('create: the admin, the request, the token and its status, IdP and hint', async () => {
    const { tokens, audit } = setup();

    const { token } = await tokens.create(ACTOR, TENANT, 'entra');

    expect(audit.of(TENANT)).toEqual([
      {
        tenantId: TENANT,
        at: token.createdAt,
        actor: 'cognito-sub-1',
        action: 'token.created',
        target: { type: 'token', id: token.id },
        changes: {
          status: { before: null, after: 'active' },
          idp: { before: null, after: 'entra' },
          hint: { before: null, after: token.hint },
        },
        requestId: 'req-1',
      },
    ]);
  });

  test('status change: before and after of the status only', async () => {
    const { tokens, audit } = setup();
    const { token } = await tokens.create(ACTOR, TENANT);

    await tokens.setStatus({ subject: 'other-admin', requestId: 'req-2' }, TENANT, token.id, 'inactive');

    expect(audit.of(TENANT)[1]).toEqual(
      expect.objectContaining({
        actor: 'other-admin',
        action: 'token.status_changed',
        target: { type: 'token', id: token.id },
        changes: { status: { before: 'active', after: 'inactive' } },
        requestId: 'req-2',
      }),
    );
  });

  test('setting the status a token already has writes and records nothing', async () => {
    const { tokens, audit } = setup();
    const { token } = await tokens.create(ACTOR, TENANT);

    await tokens.setStatus(ACTOR, TENANT, token.id, 'active');

    expect(audit.of(TENANT).map((e) => e.action)).toEqual(['token.created']);
  });

  test('renew: the hint before and after, never the secret or its hash', async () => {
    const { tokens, audit } = setup();
    const first = await tokens.create(ACTOR, TENANT);

    const renewed = await tokens.renew(ACTOR, TENANT, first.token.id);

    const entry = audit.of(TENANT)[1];
    expect(entry).toEqual(
      expect.objectContaining({
        action: 'token.renewed',
        changes: { hint: { before: first.token.hint, after: renewed.secret.slice(-4) } },
      }),
    );
    const json = JSON.stringify(audit.of(TENANT));
    for (const secret of [first.secret, renewed.secret]) {
      expect(json).not.toContain(secret);
      expect(json).not.toContain(hashSecret(secret));
    }
  });

  test('remove: what the token was', async () => {
    const { tokens, audit } = setup();
    const { token } = await tokens.create(ACTOR, TENANT);

    await tokens.remove(ACTOR, TENANT, token.id);

    expect(audit.of(TENANT)[1]).toEqual(
      expect.objectContaining({
        action: 'token.removed',
        target: { type: 'token', id: token.id },
        changes: {
          status: { before: 'active', after: null },
          idp: { before: 'okta', after: null },
          hint: { before: token.hint, after: null },
        },
      }),
    );
  });

  test('a change that fails records nothing', async () => {
    const { tokens, audit } = setup();
    await tokens.create(ACTOR, TENANT);
    await tokens.create(ACTOR, TENANT);

    await expect(tokens.create(ACTOR, TENANT)).rejects.toThrow();

    expect(audit.of(TENANT)).toHaveLength(2);
  });
});

describe('the settings use case records the fields it changes', () => {
  test('a save records only the changed fields, before and after', async () => {
    const { settings, audit } = setup();

    await settings.save(ACTOR, TENANT, { autoInviteUsers: true });

    expect(audit.of(TENANT)).toEqual([
      expect.objectContaining({
        actor: 'cognito-sub-1',
        action: 'settings.updated',
        target: { type: 'settings' },
        changes: { autoInviteUsers: { before: false, after: true } },
        requestId: 'req-1',
      }),
    ]);
  });

  test('a save that changes nothing records nothing', async () => {
    const { settings, audit } = setup();
    await settings.save(ACTOR, TENANT, { autoInviteUsers: true });

    await settings.save(ACTOR, TENANT, { autoInviteUsers: true });

    expect(audit.of(TENANT)).toHaveLength(1);
  });

  test('invalid settings save and record nothing', async () => {
    const { settings, audit } = setup();

    await expect(settings.save(ACTOR, TENANT, { customAttributes: [{ name: 'email' }] })).rejects.toThrow(
      InvalidInputError,
    );

    expect(audit.of(TENANT)).toEqual([]);
  });

  test('a save racing another save is a conflict, not an entry with a wrong before', async () => {
    const ports = inMemoryPorts();
    const service = new SettingsService(ports.settings);
    const read = ports.settings.getForUpdate.bind(ports.settings);
    // Another save lands between this save's read and its write (once).
    let raced = false;
    ports.settings.getForUpdate = async (tenantId) => {
      const result = await read(tenantId);
      if (!raced) {
        raced = true;
        await ports.settings.put(
          tenantId,
          { ...result.settings, autoInviteUsers: true },
          {
            revision: result.revision,
            audit: {
              ...auditEntries.settingsUpdated(ACTOR, tenantId, result.settings, {
                ...result.settings,
                autoInviteUsers: true,
              }),
            },
          },
        );
      }
      return result;
    };

    await expect(service.save(ACTOR, TENANT, { customAttributes: [{ name: 'badge' }] })).rejects.toThrow(
      WriteConflictError,
    );
    expect(ports.audit.of(TENANT).map((e) => Object.keys(e.changes))).toEqual([['autoInviteUsers']]);
  });
});

describe('changedFields', () => {
  test('objects with the same content in another key order are unchanged', () => {
    expect(
      changedFields(
        ['inviteEmail'],
        { inviteEmail: { subject: 's', body: 'b' } },
        { inviteEmail: { body: 'b', subject: 's' } },
      ),
    ).toEqual({});
  });
});

describe('the audit trail listing', () => {
  test('newest first, a page at a time, only the tenant’s own entries', async () => {
    const { tokens, settings, trail } = setup();
    const { token } = await tokens.create(ACTOR, TENANT);
    await tokens.setStatus(ACTOR, TENANT, token.id, 'inactive');
    await settings.save(ACTOR, TENANT, { autoInviteUsers: true });
    await tokens.create(ACTOR, 'globex');

    const first = await trail.list(TENANT, 2, undefined);
    const second = await trail.list(TENANT, 2, first.nextCursor ?? undefined);

    expect(first.records.map((e) => e.action)).toEqual(['settings.updated', 'token.status_changed']);
    expect(second.records.map((e) => e.action)).toEqual(['token.created']);
    expect(second.nextCursor).toBeNull();
  });

  test.each([0, AUDIT_PAGE.max + 1, 1.5])('limit %p is refused, naming the field', async (limit) => {
    const { trail } = setup();
    await expect(trail.list(TENANT, limit, undefined)).rejects.toMatchObject({
      fields: [{ path: 'limit', message: expect.any(String) }],
    });
  });

  test('a malformed tenant id is refused', async () => {
    const { trail } = setup();
    await expect(trail.list('Not A Tenant', 10, undefined)).rejects.toThrow(InvalidInputError);
  });
});
