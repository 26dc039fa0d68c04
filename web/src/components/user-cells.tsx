import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { InviteView } from '../../../lambdas/contract/admin-api';
import { timeAgo } from '../format';

export function StatusCell({ active }: { active: boolean }) {
  return active ? (
    <StatusIndicator type="success">active</StatusIndicator>
  ) : (
    <StatusIndicator type="stopped">inactive</StatusIndicator>
  );
}

/** Why "Resend invitation" is not offered, or undefined when it is (the API refuses it with 409 too). */
export function resendRefusal(invite: InviteView | undefined): string | undefined {
  return invite?.state === 'complained'
    ? 'The recipient marked the invitation as spam; it is not sent again'
    : undefined;
}

const when = (at: string | null | undefined) => (at ? ` ${timeAgo(at)}` : '');
const why = (invite: InviteView) => (invite.lastError ? `: ${invite.lastError}` : '');

/**
 * The invitation's state: none, pending, sent (when; a transient bounce says why), failed (why), and
 * what SES reported of the mail: delivered (when), bounced (the diagnostic: the address takes no mail),
 * complained (marked as spam: not sent again). A state this console does not know is shown as it is.
 */
export function InviteCell({ invite }: { invite: InviteView | undefined }) {
  if (!invite || invite.state === 'none')
    return <StatusIndicator type="stopped">not invited</StatusIndicator>;
  const shown: Record<string, { type: StatusIndicatorProps.Type; text: string }> = {
    pending: { type: 'pending', text: 'pending' },
    sent: invite.lastError
      ? { type: 'warning', text: `sent${when(invite.sentAt)}, not delivered yet${why(invite)}` }
      : { type: 'success', text: `sent${when(invite.sentAt)}` },
    delivered: { type: 'success', text: `delivered${when(invite.mailEventAt ?? invite.sentAt)}` },
    bounced: { type: 'error', text: `bounced${why(invite)}` },
    complained: { type: 'warning', text: 'complained: the recipient marked it as spam' },
    failed: { type: 'error', text: `failed${why(invite)}` },
  };
  const { type, text } = shown[invite.state] ?? { type: 'info', text: invite.state };
  return <StatusIndicator type={type}>{text}</StatusIndicator>;
}
