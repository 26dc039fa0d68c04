import type { InviteView } from '../contract/admin-api';
import type { InviteRecord } from '../domain/ports';

/** A user's invitation as the admin API shows it (a Users row, the user detail, the re-send answer). */
export const inviteView = (invite: InviteRecord | undefined): InviteView =>
  invite
    ? {
        state: invite.state,
        attempts: invite.attempts,
        email: invite.email,
        sentAt: invite.sentAt ?? null,
        lastError: invite.lastError ?? null,
        mailEventAt: invite.mailEventAt ?? null,
        updatedAt: invite.updatedAt,
      }
    : { state: 'none', sentAt: null, lastError: null };
