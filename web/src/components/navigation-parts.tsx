import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import type { ReactNode } from 'react';
import type { useCursorPages } from '../paging';

/** The open-ended Pagination of a cursor-paged table (no totals: the next page exists when openEnd). */
export function CursorPagination({ pages }: { pages: ReturnType<typeof useCursorPages<unknown>> }) {
  return (
    <Pagination
      currentPageIndex={pages.currentPageIndex}
      pagesCount={pages.pagesCount}
      openEnd={pages.openEnd}
      onChange={({ detail }) => pages.goTo(detail.currentPageIndex)}
    />
  );
}

/** A link to another page of the console: a real href (open in a new tab works), followed in place. */
export function ConsoleLink({
  href,
  navigate,
  children,
}: {
  href: string;
  navigate: (href: string) => void;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      onFollow={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </Link>
  );
}
