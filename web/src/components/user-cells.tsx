import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { InviteView } from '../../../lambdas/contract/admin-api';
import { timeAgo } from '../format';

export function StatusCell({ active }: { active: boolean }) {
  return active ? (
    <StatusIndicator type="success">active</StatusIndicator>
  ) : (
    <StatusIndicator type="stopped">inactive</StatusIndicator>
  );
}

/** The invitation's state: none, pending, sent (when), failed (why). */
export function InviteCell({ invite }: { invite: InviteView | undefined }) {
  if (!invite || invite.state === 'none')
    return <StatusIndicator type="stopped">not invited</StatusIndicator>;
  if (invite.state === 'pending') return <StatusIndicator type="pending">pending</StatusIndicator>;
  if (invite.state === 'sent') {
    return (
      <StatusIndicator type="success">
        {`sent ${invite.sentAt ? timeAgo(invite.sentAt) : ''}`.trim()}
      </StatusIndicator>
    );
  }
  return (
    <StatusIndicator type="error">{`failed${invite.lastError ? `: ${invite.lastError}` : ''}`}</StatusIndicator>
  );
}
