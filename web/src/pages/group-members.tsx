import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import { useCallback } from 'react';
import type { MemberRow } from '../../../lambdas/contract/admin-api';
import type { PageProps } from '../app';
import { ConsoleLink, CursorPagination } from '../components/navigation-parts';
import { groupName } from '../group-names';
import { useCursorPages } from '../paging';
import { HREF } from '../routing';

const PAGE_SIZE = 50;

/** A group's members, paged by cursor. */
export default function GroupMembers({ api, navigate, id }: PageProps & { id: string }) {
  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const page = await api.listMembers(id, { cursor, limit: PAGE_SIZE });
      return { items: page.members, nextCursor: page.nextCursor };
    },
    [api, id],
  );
  const pages = useCursorPages<MemberRow>(fetchPage);
  const name = groupName(id) ?? id;
  return (
    <Table
      wrapLines
      variant="full-page"
      header={
        <Header variant="awsui-h1-sticky" description="Members of this group.">
          {`Members of ${name}`}
        </Header>
      }
      ariaLabels={{ tableLabel: `Members of ${name}` }}
      items={pages.items}
      trackBy="id"
      loading={pages.loading}
      loadingText="Loading members"
      empty={<Box textAlign="center">This group has no member.</Box>}
      filter={pages.error ? <Alert type="error">{pages.error}</Alert> : undefined}
      pagination={<CursorPagination pages={pages} />}
      columnDefinitions={[
        {
          id: 'name',
          header: 'Name',
          cell: (m) => (
            <ConsoleLink href={HREF.user(m.id)} navigate={navigate}>
              {m.displayName || m.userName}
            </ConsoleLink>
          ),
        },
        { id: 'userName', header: 'userName', cell: (m) => m.userName },
      ]}
    />
  );
}
