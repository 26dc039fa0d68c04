import fc from 'fast-check';
import { sourceOf } from '../../../lambdas/domain/idp';
import {
  InviteComplainedError,
  InviteService,
  type MailEvent,
  PREVIEW_LINK_TOKEN,
} from '../../../lambdas/domain/invites';
import { TenantSchemas } from '../../../lambdas/domain/tenant-schemas';
import { UserService } from '../../../lambdas/domain/users';
import { USER_SCHEMA_URN } from '../../../lambdas/scim/schemas';
import { inMemoryPorts } from '../../support/in-memory-ports';

const TENANT = 'acme';
const CONFIG = {
  fromAddress: 'no-reply@example.com',
  urlTemplate: 'https://invite.example.com/accept?token={token}',
  linkKeys: async () => [{ id: 'k1', secret: 'unit-test-link-key-not-a-secret-0123456789' }],
  linkTtlHours: 168,
};

async function setup() {
  const ports = inMemoryPorts();
  const schemas = new TenantSchemas(ports.settings);
  const invites = new InviteService(ports.settings, ports.invites, ports.mailer, CONFIG, schemas);
  const users = new UserService(ports.users, ports.groups, ports.memberships, schemas);
  const { user } = await users.create(
    TENANT,
    {
      schemas: [USER_SCHEMA_URN],
      userName: 'ada',
      emails: [{ value: 'ada@example.test', primary: true }],
      active: true,
    },
    sourceOf('okta', 'Okta SCIM Client 1.0.0'),
  );
  const send = async () => {
    await invites.resend(user);
    const record = await ports.invites.get(TENANT, user.id);
    return record?.messageId as string;
  };
  const state = async () => ports.invites.get(TENANT, user.id);
  return { ports, invites, user, send, state };
}

const at = '2026-12-01T10:00:00.000Z';
const delivery = (messageId: string): MailEvent => ({ kind: 'delivery', messageId, at });
const complaint = (messageId: string): MailEvent => ({
  kind: 'complaint',
  messageId,
  at,
  feedbackType: 'abuse',
});
const bounce = (messageId: string, bounceType = 'Permanent', diagnostic?: string): MailEvent => ({
  kind: 'bounce',
  messageId,
  at,
  bounceType,
  bounceSubType: 'General',
  diagnostic,
});

describe('invite mail states', () => {
  test('a send records the message id and the link nonce; the mail carries a signed link', async () => {
    const { ports, send, state } = await setup();
    const messageId = await send();
    expect(messageId).toBe('message-1');
    expect(await state()).toEqual(
      expect.objectContaining({ state: 'sent', messageId, linkNonce: expect.any(String) }),
    );
    expect(ports.mailer.sent[0].text).toMatch(/https:\/\/invite\.example\.com\/accept\?token=[\w-]+\.[\w-]+/);
    expect(ports.invites.messages.get(messageId)).toEqual({ tenantId: TENANT, userId: expect.any(String) });
  });

  test('delivery -> delivered; then a complaint -> complained, which a re-send refuses', async () => {
    const { invites, send, state, user, ports } = await setup();
    const messageId = await send();
    expect(await invites.onMailEvent(delivery(messageId))).toBe('delivered');
    expect((await state())?.state).toBe('delivered');
    expect(await invites.onMailEvent(complaint(messageId))).toBe('complained');
    expect(await state()).toEqual(
      expect.objectContaining({
        state: 'complained',
        lastError: expect.stringContaining('spam'),
        mailEventAt: at,
      }),
    );
    await expect(invites.resend(user)).rejects.toBeInstanceOf(InviteComplainedError);
    expect(ports.mailer.sent).toHaveLength(1);
  });

  test('a permanent bounce -> bounced with the diagnostic, clipped; never delivered again', async () => {
    const { invites, send, state } = await setup();
    const messageId = await send();
    const diagnostic = `smtp; 550 5.1.1 user unknown\n${'x'.repeat(1000)}`;
    expect(await invites.onMailEvent(bounce(messageId, 'Permanent', diagnostic))).toBe('bounced');
    const record = await state();
    expect(record?.state).toBe('bounced');
    expect(record?.lastError).toMatch(/^Permanent bounce \(General\): smtp; 550 5\.1\.1 user unknown x/);
    expect(record?.lastError?.length).toBeLessThanOrEqual(360);
    expect(record?.lastError).not.toContain('\n');
    expect(await invites.onMailEvent(delivery(messageId))).toBe('stale');
    expect((await state())?.state).toBe('bounced');
  });

  test('a transient bounce keeps sent and says why in lastError; a later delivery clears it', async () => {
    const { invites, send, state } = await setup();
    const messageId = await send();
    expect(await invites.onMailEvent(bounce(messageId, 'Transient', 'mailbox full'))).toBe('transient');
    expect(await state()).toEqual(
      expect.objectContaining({ state: 'sent', lastError: 'Transient bounce (General): mailbox full' }),
    );
    expect(await invites.onMailEvent(delivery(messageId))).toBe('delivered');
    expect((await state())?.lastError).toBeUndefined();
  });

  test('events of an older send (stale) and of unknown messages change nothing', async () => {
    const { invites, send, state } = await setup();
    const first = await send();
    const second = await send();
    expect(await invites.onMailEvent(bounce(first))).toBe('stale');
    expect(await invites.onMailEvent(delivery('never-sent'))).toBe('unknown-message');
    expect(await state()).toEqual(expect.objectContaining({ state: 'sent', messageId: second }));
  });

  test('a bounced invitation may be re-sent: a new message, a new nonce, sent again', async () => {
    const { invites, send, state } = await setup();
    const first = await send();
    const nonce = (await state())?.linkNonce;
    await invites.onMailEvent(bounce(first));
    const second = await send();
    expect(second).not.toBe(first);
    expect(await state()).toEqual(expect.objectContaining({ state: 'sent', messageId: second }));
    expect((await state())?.linkNonce).not.toBe(nonce);
    expect((await state())?.lastError).toBeUndefined();
  });

  test('the ${inviteLink} preview never carries a usable token', async () => {
    const { invites, user } = await setup();
    expect(invites.inviteValues(user).inviteLink).toBe(
      `https://invite.example.com/accept?token=${PREVIEW_LINK_TOKEN}`,
    );
  });

  const RANK = { delivery: 1, bounce: 2, complaint: 3 } as const;
  const STATE_OF_RANK = ['sent', 'delivered', 'bounced', 'complained'];

  test('property: any order and any duplicates of the events settle on the strongest one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('delivery', 'bounce', 'complaint', 'stale') as fc.Arbitrary<string>, {
          maxLength: 8,
        }),
        async (kinds) => {
          const { invites, send, state } = await setup();
          const old = await send();
          const messageId = await send();
          for (const kind of kinds) {
            if (kind === 'stale') await invites.onMailEvent(complaint(old));
            else if (kind === 'delivery') await invites.onMailEvent(delivery(messageId));
            else if (kind === 'bounce') await invites.onMailEvent(bounce(messageId));
            else await invites.onMailEvent(complaint(messageId));
          }
          const strongest = Math.max(0, ...kinds.map((k) => RANK[k as keyof typeof RANK] ?? 0));
          expect((await state())?.state).toBe(STATE_OF_RANK[strongest]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
