import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import { useCallback } from 'react';
import type { GroupRow } from '../../../lambdas/contract/admin-api';
import type { PageProps } from '../app';
import { ConsoleLink, CursorPagination } from '../components/navigation-parts';
import { dateTime } from '../format';
import { rememberGroupName } from '../group-names';
import { useCursorPages } from '../paging';
import { HREF } from '../routing';

const PAGE_SIZE = 25;

/** User groups: name, the number of members, source; each opens its members. */
export default function Groups({ api, navigate }: PageProps) {
  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const page = await api.listGroups({ cursor, limit: PAGE_SIZE });
      for (const g of page.groups) rememberGroupName(g.id, g.displayName);
      return { items: page.groups, nextCursor: page.nextCursor };
    },
    [api],
  );
  const pages = useCursorPages<GroupRow>(fetchPage);
  return (
    <Table
      wrapLines
      variant="full-page"
      header={
        <Header variant="awsui-h1-sticky" description="Groups pushed by your IdP.">
          User groups
        </Header>
      }
      ariaLabels={{ tableLabel: 'User groups' }}
      items={pages.items}
      trackBy="id"
      loading={pages.loading}
      loadingText="Loading groups"
      empty={<Box textAlign="center">No group yet: your IdP pushes them.</Box>}
      filter={pages.error ? <Alert type="error">{pages.error}</Alert> : undefined}
      pagination={<CursorPagination pages={pages} />}
      columnDefinitions={[
        {
          id: 'name',
          header: 'Name',
          cell: (g) => (
            <ConsoleLink href={HREF.group(g.id)} navigate={navigate}>
              {g.displayName}
            </ConsoleLink>
          ),
        },
        { id: 'members', header: 'Members', cell: (g) => g.memberCount },
        { id: 'source', header: 'Source', cell: (g) => g.source },
        { id: 'externalId', header: 'External id', cell: (g) => g.externalId ?? '—' },
        { id: 'modified', header: 'Last modified', cell: (g) => dateTime(g.lastModified) },
      ]}
    />
  );
}
