import { DeliveryFailedError, InvalidInputError, NotFoundError } from '../../../lambdas/domain/errors';
import { sourceOf } from '../../../lambdas/domain/idp';
import { InvitationService } from '../../../lambdas/domain/invitations';
import { InviteService } from '../../../lambdas/domain/invites';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const LINK_KEYS = [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }];
const CONFIG = {
  fromAddress: 'no-reply@example.com',
  urlTemplate: 'https://console.example.com/invite?tenant={tenantId}&user={userId}&token={token}',
  linkKeys: async () => LINK_KEYS,
  linkTtlHours: 168,
};

function setup() {
  const ports = inMemoryPorts();
  const schemas = new TenantSchemas(ports.settings);
  const invites = new InviteService(ports.settings, ports.invites, ports.mailer, CONFIG, schemas);
  const users = new UserService(ports.users, ports.groups, ports.memberships, schemas);
  const invitations = new InvitationService(ports.users, ports.settings, invites, schemas);
  /** A user as Okta pushes it; `emails: []` for one without an address. */
  const createUser = async (userName: string, overrides: Record<string, unknown> = {}) => {
    const body = {
      schemas: [USER_SCHEMA_URN],
      userName,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      displayName: 'Ada Lovelace',
      active: true,
      ...overrides,
    };
    return (await users.create(TENANT, body, sourceOf('okta', 'Okta SCIM Client 1.0.0'))).user;
  };
  return { ports, invitations, createUser };
}

describe('InvitationService.resolve', () => {
  test("resolves a template with the user's values and reports known variables without one", async () => {
    const { invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');

    const resolved = await invitations.resolve(TENANT, ada.id, 'Hi ${givenName} (${email}), ${title}');

    expect(resolved).toEqual({ result: 'Hi Ada (ada@example.com), ', missing: ['title'] });
  });

  test('an unknown variable is an InvalidInputError', async () => {
    const { invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');

    await expect(invitations.resolve(TENANT, ada.id, 'Hi ${nickname}')).rejects.toThrow(InvalidInputError);
  });

  test('an unknown user is a NotFoundError', async () => {
    const { invitations } = setup();

    await expect(invitations.resolve(TENANT, 'no-such-user', 'Hi')).rejects.toThrow(NotFoundError);
  });
});

describe('InvitationService.resendInvite', () => {
  test('a user without an email is an InvalidInputError and nothing is sent', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada', { emails: [] });

    await expect(invitations.resendInvite(TENANT, ada.id)).rejects.toThrow(InvalidInputError);
    expect(ports.mailer.sent).toEqual([]);
  });

  test('sends one invitation to the primary email through the mailer', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');

    await invitations.resendInvite(TENANT, ada.id);

    expect(ports.mailer.sent).toEqual([
      expect.objectContaining({
        from: 'no-reply@example.com',
        to: 'ada@example.com',
        subject: 'You are invited to acme',
        text: expect.stringMatching(
          new RegExp(
            `https://console\\.example\\.com/invite\\?tenant=acme&user=${ada.id}&token=[\\w-]+\\.[\\w-]+`,
          ),
        ),
      }),
    ]);
  });

  test('answers the invite record, which says sent', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');

    const invite = await invitations.resendInvite(TENANT, ada.id);

    expect(invite).toEqual(
      expect.objectContaining({
        state: 'sent',
        attempts: 1,
        email: 'ada@example.com',
        sentAt: expect.any(String),
      }),
    );
    expect(await ports.invites.get(TENANT, ada.id)).toEqual(invite);
  });

  test('sends again an invitation that was already sent', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');
    await invitations.resendInvite(TENANT, ada.id);

    const invite = await invitations.resendInvite(TENANT, ada.id);

    expect(ports.mailer.sent).toHaveLength(2);
    expect(invite).toEqual(expect.objectContaining({ state: 'sent', attempts: 2 }));
  });

  test('a refusal of the mailer (SES) is a DeliveryFailedError', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');
    ports.mailer.failNext(new DeliveryFailedError('MessageRejected: Email address is not verified'));

    await expect(invitations.resendInvite(TENANT, ada.id)).rejects.toThrow(DeliveryFailedError);
  });

  test('after a refusal the invite reads failed with the error (nothing would retry a pending one), and a re-send goes out', async () => {
    const { ports, invitations, createUser } = setup();
    const ada = await createUser('ada@example.com');
    ports.mailer.failNext(new DeliveryFailedError('MessageRejected: Email address is not verified'));

    await invitations.resendInvite(TENANT, ada.id).catch(() => undefined);

    expect(await ports.invites.get(TENANT, ada.id)).toEqual(
      expect.objectContaining({
        state: 'failed',
        attempts: 1,
        leaseUntil: 0,
        lastError: 'MessageRejected: Email address is not verified',
      }),
    );
    await invitations.resendInvite(TENANT, ada.id);
    expect(await ports.invites.get(TENANT, ada.id)).toEqual(
      expect.objectContaining({ state: 'sent', attempts: 2 }),
    );
  });

  test('an unknown user is a NotFoundError', async () => {
    const { invitations } = setup();

    await expect(invitations.resendInvite(TENANT, 'no-such-user')).rejects.toThrow(NotFoundError);
  });

  test('a tenant id that is not 1-63 of a-z, 0-9 and - is an InvalidInputError', async () => {
    const { invitations } = setup();

    await expect(invitations.resendInvite('ACME', 'any')).rejects.toThrow(InvalidInputError);
  });
});
