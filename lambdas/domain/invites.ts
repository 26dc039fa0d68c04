import { randomUUID } from 'node:crypto';
import { DeliveryFailedError, InvalidInputError, WriteConflictError } from './errors';
import type { InviteRecord, InviteRepository, Mailer, MailMessage, SettingsRepository } from './ports';
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
  /** e.g. https://console.example.com/invite?tenant={tenantId}&user={userId} */
  urlTemplate: string;
}

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
    const settings = await this.settings.get(user.tenantId);
    const outcome = await this.send(user, email, settings, true);
    if (outcome === 'already-handled')
      throw new WriteConflictError('An invitation is being sent right now; retry shortly');
    return this.invites.get(user.tenantId, user.id);
  }

  state(tenantId: string, userId: string): Promise<InviteRecord | undefined> {
    return this.invites.get(tenantId, userId);
  }

  /** The variables only an invitation has (`${inviteLink}`, `${tenantId}`), as this user's would hold them. */
  inviteValues(user: UserRecord): { inviteLink: string; tenantId: string } {
    const inviteLink = this.config.urlTemplate
      .replaceAll('{tenantId}', encodeURIComponent(user.tenantId))
      .replaceAll('{userId}', encodeURIComponent(user.id));
    return { inviteLink, tenantId: user.tenantId };
  }

  async compose(user: UserRecord, email: string, settings: TenantSettings): Promise<MailMessage> {
    const schema = await this.schemas.userSchema(user.tenantId);
    const values = { ...userVariables(user, settings.customAttributes, schema), ...this.inviteValues(user) };
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
    const leaseId = randomUUID();
    if (!(await this.acquire(user, email, leaseId, resend))) return 'already-handled';
    const message = await this.compose(user, email, settings);
    try {
      await this.mailer(message);
    } catch (error) {
      const record = await this.invites.get(user.tenantId, user.id);
      const giveUp = (record?.attempts ?? 0) + 1 >= MAX_SEND_ATTEMPTS;
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
    await this.invites.markSent(user.tenantId, user.id, leaseId);
    return 'sent';
  }
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
