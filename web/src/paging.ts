import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursor paging for Cloudscape's open-ended Pagination: page n is fetched with the cursor page n-1
 * answered; no totals are ever asked for. A new `fetchPage` (a new search or filter: memoise it on
 * them) starts over at the first page.
 */
export function useCursorPages<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [index, setIndex] = useState(0);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const request = useRef(0);

  const load = useCallback(
    async (at: number, from: (string | null)[]) => {
      const id = ++request.current;
      setLoading(true);
      try {
        const result = await fetchPage(from[at] ?? null);
        if (id !== request.current) return;
        setPage(result);
        setIndex(at);
        setError(undefined);
        const next = from.slice(0, at + 1);
        if (result.nextCursor) next.push(result.nextCursor);
        setCursors(next);
      } catch (e) {
        if (id === request.current) setError(errorMessage(e));
      } finally {
        if (id === request.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void load(0, [null]);
  }, [load]);

  return {
    items: page?.items ?? [],
    loading,
    error,
    /** 1-based, for Pagination. */
    currentPageIndex: index + 1,
    /** Pages known so far (the next one exists when openEnd). */
    pagesCount: index + 1,
    openEnd: page?.nextCursor != null,
    goTo: (pageIndex: number) => void load(pageIndex - 1, cursors),
    reload: () => void load(index, cursors),
  };
}
