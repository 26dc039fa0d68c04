import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useCallback, useEffect, useState } from 'react';
import type { UserRow } from '../../../lambdas/contract/admin-api';
import { errorMessage } from '../api';
import type { PageProps } from '../app';
import { ConsoleLink, CursorPagination } from '../components/navigation-parts';
import { InviteCell, resendRefusal, StatusCell } from '../components/user-cells';
import { useCursorPages } from '../paging';
import { HREF } from '../routing';

const PAGE_SIZE = 25;
/** Wait this long after the last keystroke before searching. */
const SEARCH_DEBOUNCE_MS = 300;

/** Users: the tenant's users, searched by userName or email prefix, paged by cursor. */
export default function Users({ api, navigate }: PageProps) {
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState('');
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string }>();
  const [resending, setResending] = useState<string | null>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(filter.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [filter]);

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const page = await api.listUsers({ search: search || undefined, cursor, limit: PAGE_SIZE });
      return { items: page.users, nextCursor: page.nextCursor };
    },
    [api, search],
  );
  const pages = useCursorPages<UserRow>(fetchPage);

  const resend = async (user: UserRow) => {
    setResending(user.id);
    setNotice(undefined);
    try {
      const result = await api.resendInvite(user.id);
      setNotice({ type: 'success', text: `Invitation to ${user.userName}: ${result.invite.state}.` });
      pages.reload();
    } catch (e) {
      setNotice({ type: 'error', text: errorMessage(e) });
    } finally {
      setResending(null);
    }
  };

  return (
    <Table
      // Cells keep their words whole (wrapped lines broke "active" and "Resend invitation" mid-word);
      // a narrow window scrolls the table sideways instead.
      wrapLines={false}
      variant="full-page"
      header={
        <Header
          variant="awsui-h1-sticky"
          description="Users provisioned by your IdP (and their invitations)."
        >
          Users
        </Header>
      }
      ariaLabels={{ tableLabel: 'Users' }}
      items={pages.items}
      trackBy="id"
      loading={pages.loading}
      loadingText="Loading users"
      empty={
        <Box textAlign="center">
          {search ? `No user matches "${search}".` : 'No user yet: your IdP creates them.'}
        </Box>
      }
      filter={
        <>
          <TextFilter
            filteringText={filter}
            filteringPlaceholder="Search by userName or email prefix"
            filteringAriaLabel="Search users by userName or email prefix"
            onChange={({ detail }) => setFilter(detail.filteringText)}
          />
          {pages.error && (
            <Box margin={{ top: 's' }}>
              <Alert type="error">{pages.error}</Alert>
            </Box>
          )}
          {notice && (
            <Box margin={{ top: 's' }}>
              <Alert type={notice.type} dismissible onDismiss={() => setNotice(undefined)}>
                {notice.text}
              </Alert>
            </Box>
          )}
        </>
      }
      pagination={<CursorPagination pages={pages} />}
      columnDefinitions={[
        {
          id: 'name',
          header: 'Name',
          cell: (u) => (
            <ConsoleLink href={HREF.user(u.id)} navigate={navigate}>
              {u.displayName || u.userName}
            </ConsoleLink>
          ),
        },
        { id: 'userName', header: 'userName', cell: (u) => u.userName },
        { id: 'email', header: 'Email', cell: (u) => u.email ?? '—' },
        { id: 'status', header: 'Status', cell: (u) => <StatusCell active={u.active} /> },
        { id: 'source', header: 'Source', cell: (u) => u.source },
        { id: 'invite', header: 'Invitation', cell: (u) => <InviteCell invite={u.invite} /> },
        {
          id: 'groups',
          header: 'Groups',
          cell: (u) =>
            (u.groups ?? []).length === 0
              ? '—'
              : `${u.groups.map((g) => g.displayName).join(', ')}${u.moreGroups ? ', …' : ''}`,
        },
        {
          id: 'actions',
          header: 'Actions',
          cell: (u) => (
            <Button
              variant="inline-link"
              loading={resending === u.id}
              disabled={resendRefusal(u.invite) !== undefined}
              disabledReason={resendRefusal(u.invite)}
              ariaLabel={`Resend invitation to ${u.userName}`}
              onClick={() => void resend(u)}
            >
              Resend invitation
            </Button>
          ),
        },
      ]}
    />
  );
}
