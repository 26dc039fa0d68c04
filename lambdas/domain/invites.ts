import { randomUUID } from 'node:crypto';
import { DeliveryFailedError, InvalidInputError, WriteConflictError } from './errors';
import { type LinkKeySource, newLinkNonce, signInviteLink } from './invite-links';
import type {
  InviteRecord,
  InviteRepository,
  InviteState,
  MailEventChange,
  Mailer,
  MailMessage,
  MailOutcome,
  SettingsRepository,
} from './ports';
import type { TenantSettings } from './settings';
import { escapeHtml, resolveTemplate } from './templates';
import type { TenantSchemas } from './tenant-schemas';
import type { UserRecord } from './user-record';
import { userVariables } from './user-variables';

/** Attempts before an invite is marked failed (the admin can re-send it). */
export const MAX_SEND_ATTEMPTS = 5;
/** How long a sender holds an invite; a crash between guard and send is recovered after it. */
export const SEND_LEASE_MS = 10_000;

export interface InviteConfig {
  fromAddress: string;
  /** e.g. https://console.example.com/invite?token={token} ({tenantId} and {userId} are filled in too) */
  urlTemplate: string;
  /** The keys that sign (the first) and verify (all) the links' tokens. */
  linkKeys: LinkKeySource;
  /** How long a link stays valid after it was sent. */
  linkTtlHours: number;
}

/**
 * What `{token}` reads in the `${inviteLink}` preview (Edit Settings, POST /users/{id}/resolve): a
 * preview never mints a usable link, and GET /invite/preview-only answers invalid_token.
 */
export const PREVIEW_LINK_TOKEN = 'preview-only';

/** The recipient marked the invitation as spam: it is not sent again (409 invite_complained). */
export class InviteComplainedError extends WriteConflictError {}

/** One SES event of a message (lambdas/mail-events/ parses SES's event record into this). */
export type MailEvent =
  | { kind: 'delivery'; messageId: string; at: string }
  | { kind: 'complaint'; messageId: string; at: string; feedbackType?: string }
  | {
      kind: 'bounce';
      messageId: string;
      at: string;
      /** SES's bounceType: Permanent, Transient or Undetermined. */
      bounceType: string;
      bounceSubType: string;
      diagnostic?: string;
    };

export type MailEventOutcome = MailOutcome | 'transient' | 'unknown-message' | 'stale';

/**
 * The states each mail outcome may be reached from: a state only ever moves up
 * sent < delivered < bounced < complained, so duplicates and out-of-order events settle on the
 * strongest signal (a late bounce after a delivery is a bounce; a bounce never reads delivered again).
 */
export const MAIL_TRANSITIONS: Record<MailOutcome | 'transient', readonly InviteState[]> = {
  delivered: ['sent'],
  bounced: ['sent', 'delivered'],
  complained: ['sent', 'delivered', 'bounced'],
  // A transient (or undetermined) bounce: SES gave up for now; the invite stays sent, lastError says why.
  transient: ['sent'],
};

/** The longest diagnostic kept in lastError. */
export const MAX_DIAGNOSTIC_LENGTH = 300;

/** An attempt failed and should be retried by redelivering the stream record. */
export class RetryableInviteError extends DeliveryFailedError {}

export type InviteOutcome = 'sent' | 'not-eligible' | 'setting-off' | 'already-handled' | 'undeliverable';

/**
 * Exactly one invitation per user: sent when a user is created active with an email, or first
 * becomes active, while the tenant's autoInviteUsers is on. The invite record is the guard.
 */
export class InviteService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly invites: InviteRepository,
    private readonly mailer: Mailer,
    private readonly config: InviteConfig,
    private readonly schemas: TenantSchemas,
  ) {}

  /** Handles one stream record of a user item (old and new image). */
  async onUserChange(
    previous: UserRecord | undefined,
    current: UserRecord | undefined,
  ): Promise<InviteOutcome> {
    if (!current || !isEligible(previous, current)) return 'not-eligible';
    const settings = await this.settings.get(current.tenantId);
    if (!settings.autoInviteUsers) return 'setting-off';
    const email = inviteEmailOf(current);
    if (!email) return 'not-eligible';
    const problem = recipientProblem(email);
    if (problem) return this.markUndeliverable(current, email, problem);
    return this.send(current, email, settings, false);
  }

  /** Admin re-send: sends again whatever the record says (unless a send is in flight). */
  async resend(user: UserRecord): Promise<InviteRecord | undefined> {
    const email = inviteEmailOf(user);
    if (!email) throw new InvalidInputError('The user has no email address to invite');
    const problem = recipientProblem(email);
    if (problem) throw new InvalidInputError(`The invitation cannot be sent: ${problem}`);
    const current = await this.invites.get(user.tenantId, user.id);
    if (current?.state === 'complained') {
      throw new InviteComplainedError(
        'The recipient marked the invitation as spam (an SES complaint); it is not sent again. Ask the person to contact you another way',
      );
    }
    const settings = await this.settings.get(user.tenantId);
    const outcome = await this.send(user, email, settings, true);
    if (outcome === 'already-handled')
      throw new WriteConflictError('An invitation is being sent right now; retry shortly');
    return this.invites.get(user.tenantId, user.id);
  }

  state(tenantId: string, userId: string): Promise<InviteRecord | undefined> {
    return this.invites.get(tenantId, userId);
  }

  /**
   * The variables only an invitation has (`${inviteLink}`, `${tenantId}`), as this user's would hold
   * them. Without a token (the preview) the link carries PREVIEW_LINK_TOKEN: never a usable link.
   */
  inviteValues(
    user: UserRecord,
    token: string = PREVIEW_LINK_TOKEN,
  ): { inviteLink: string; tenantId: string } {
    const inviteLink = this.config.urlTemplate
      .replaceAll('{tenantId}', encodeURIComponent(user.tenantId))
      .replaceAll('{userId}', encodeURIComponent(user.id))
      .replaceAll('{token}', encodeURIComponent(token));
    return { inviteLink, tenantId: user.tenantId };
  }

  /** Applies one SES event (see MailEvents). */
  onMailEvent(event: MailEvent): Promise<MailEventOutcome> {
    return new MailEvents(this.invites).onMailEvent(event);
  }

  async compose(
    user: UserRecord,
    email: string,
    settings: TenantSettings,
    token: string = PREVIEW_LINK_TOKEN,
  ): Promise<MailMessage> {
    const schema = await this.schemas.userSchema(user.tenantId);
    const values = {
      ...userVariables(user, settings.customAttributes, schema),
      ...this.inviteValues(user, token),
    };
    const subject = resolveTemplate(settings.inviteEmail.subject, values).result.replace(/[\r\n]+/g, ' ');
    const text = resolveTemplate(settings.inviteEmail.body, values).result;
    const escaped = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, v === undefined ? v : escapeHtml(v)]),
    );
    const html = `<html><body><p>${resolveTemplate(escapeHtml(settings.inviteEmail.body), escaped).result.replace(/\n/g, '<br>')}</p></body></html>`;
    return { from: this.config.fromAddress, to: email, subject, text, html };
  }

  /**
   * Takes the invite's lease. A redelivered stream record that finds a live lease most likely follows
   * a crash between guard and send (one consumer handles a user's records at a time): it waits the
   * lease out and takes over, so the invitation is still sent exactly once. Sent or failed invites
   * are left alone (the admin re-sends those).
   */
  private async acquire(user: UserRecord, email: string, leaseId: string, resend: boolean): Promise<boolean> {
    const take = () => this.invites.acquire(user.tenantId, user.id, email, leaseId, SEND_LEASE_MS, resend);
    if (await take()) return true;
    if (resend) return false;
    const record = await this.invites.get(user.tenantId, user.id);
    if (record?.state !== 'pending') return false;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, record.leaseUntil - Date.now()) + 50));
    if (await take()) return true;
    throw new RetryableInviteError('Another sender holds this invitation; retrying later');
  }

  /**
   * The address is stored (the schema allows any string) but is not one recipient: nothing goes to
   * SES, and the invite is recorded `failed` with the reason, once (the lease is the guard).
   */
  private async markUndeliverable(user: UserRecord, email: string, problem: string): Promise<InviteOutcome> {
    const leaseId = randomUUID();
    if (!(await this.acquire(user, email, leaseId, false))) return 'already-handled';
    await this.invites.markAttemptFailed(user.tenantId, user.id, leaseId, problem, true);
    return 'undeliverable';
  }

  private async send(
    user: UserRecord,
    email: string,
    settings: TenantSettings,
    resend: boolean,
  ): Promise<InviteOutcome> {
    // The keys first: a key source that fails (Secrets Manager) leaves the invite untouched for a retry.
    const keys = await this.config.linkKeys();
    const leaseId = randomUUID();
    if (!(await this.acquire(user, email, leaseId, resend))) return 'already-handled';
    // A new nonce per send: the link of an earlier invitation of this user reads superseded.
    const linkNonce = newLinkNonce();
    const token = signInviteLink(
      {
        tenantId: user.tenantId,
        userId: user.id,
        nonce: linkNonce,
        expiresAt: Math.floor(Date.now() / 1000) + Math.round(this.config.linkTtlHours * 3600),
      },
      keys,
    );
    const message = await this.compose(user, email, settings, token);
    let messageId: string;
    try {
      ({ messageId } = await this.mailer(message));
    } catch (error) {
      const record = await this.invites.get(user.tenantId, user.id);
      // An admin's re-send is not redelivered by the stream: left `pending` it would read as a
      // send in progress for good, so its failure is recorded `failed` (the admin may re-send again).
      const giveUp = resend || (record?.attempts ?? 0) + 1 >= MAX_SEND_ATTEMPTS;
      await this.invites.markAttemptFailed(
        user.tenantId,
        user.id,
        leaseId,
        (error as Error).message ?? 'send failed',
        giveUp,
      );
      if (giveUp && !resend) return 'already-handled';
      throw new RetryableInviteError(`Sending the invitation failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await this.invites.markSent(user.tenantId, user.id, leaseId, { messageId, linkNonce });
    return 'sent';
  }
}

/**
 * The mail-events use case alone (lambdas/mail-events/ needs no mailer, template or link keys):
 * applies one SES event to the invitation whose message it is (the pointer item). Events of a message
 * that is not the invite's latest are stale, and a move the state does not allow is a duplicate or
 * out of order; both change nothing.
 */
export class MailEvents {
  constructor(private readonly invites: InviteRepository) {}

  async onMailEvent(event: MailEvent): Promise<MailEventOutcome> {
    const owner = await this.invites.messageOwner(event.messageId);
    if (!owner) return 'unknown-message';
    const { outcome, change } = mailChangeOf(event);
    const applied = await this.invites.recordMailEvent(
      owner.tenantId,
      owner.userId,
      event.messageId,
      MAIL_TRANSITIONS[outcome],
      change,
    );
    return applied ? outcome : 'stale';
  }
}

/** The outcome of an SES event and what it writes on the invite. */
function mailChangeOf(event: MailEvent): { outcome: MailOutcome | 'transient'; change: MailEventChange } {
  if (event.kind === 'delivery')
    return { outcome: 'delivered', change: { state: 'delivered', at: event.at } };
  if (event.kind === 'complaint') {
    const feedback = event.feedbackType ? ` (${clip(event.feedbackType, 40)})` : '';
    return {
      outcome: 'complained',
      change: {
        state: 'complained',
        at: event.at,
        error: `Complaint${feedback}: the recipient marked the invitation as spam`,
      },
    };
  }
  const permanent = event.bounceType === 'Permanent';
  const what = `${permanent ? 'Permanent' : clip(event.bounceType, 20) || 'Undetermined'} bounce (${clip(event.bounceSubType, 40) || 'General'})`;
  const error = event.diagnostic ? `${what}: ${clip(event.diagnostic, MAX_DIAGNOSTIC_LENGTH)}` : what;
  return permanent
    ? { outcome: 'bounced', change: { state: 'bounced', at: event.at, error } }
    : { outcome: 'transient', change: { state: undefined, at: event.at, error } };
}

/** One line of at most `max` characters, without control characters. */
function clip(text: string | undefined, max: number): string {
  const line = (text ?? '').replace(/\p{Cc}+/gu, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Created active, or first becoming active (inactive -> active); other updates never invite. */
function isEligible(previous: UserRecord | undefined, current: UserRecord): boolean {
  if (!current.active) return false;
  if (!previous) return true;
  return !previous.active;
}

/** The email an invitation goes to: the primary one, else the work one, else the first. */
function inviteEmailOf(user: UserRecord): string | undefined {
  const emails = user.attributes.emails;
  if (!Array.isArray(emails) || emails.length === 0) return undefined;
  const chosen =
    emails.find((e) => e?.primary === true) ?? emails.find((e) => e?.type === 'work') ?? emails[0];
  const value = chosen?.value;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** One mailbox: `local@domain`, no list separators, spaces, quotes, brackets or controls. */
const SINGLE_ADDRESS = /^[^\s@,;:<>()[\]"\\\p{Cc}]+@[^\s@,;:<>()[\]"\\\p{Cc}]+$/u;

/**
 * Why an email value cannot be an invitation's recipient (a list, no `@`, not one address), or
 * undefined when it can. SES would send to every address of a comma-separated list.
 */
export function recipientProblem(email: string): string | undefined {
  if (/[,;]/.test(email)) return 'the email address is a list of addresses, not one address';
  if (!email.includes('@')) return "the email address has no '@'";
  if (email.length > 254 || !SINGLE_ADDRESS.test(email))
    return 'the email address is not a single valid address';
  return undefined;
}
