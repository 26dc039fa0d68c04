import type { CursorPage, ListableRepository } from '../domain/ports';
import type { IndexListing } from './index-listing';
import { readCounter, type TenantCounter } from './shared-items';

type Item = Record<string, unknown>;

/**
 * What the user and group repositories share: the tenant's counter for totalResults and the GSI1
 * listing (offset pages, console and SCIM cursor pages, walks), each item turned into its record.
 */
export abstract class ListedRepository<T> implements ListableRepository<T> {
  constructor(
    private readonly counter: TenantCounter,
    private readonly listing: IndexListing,
    private readonly toRecord: (item: Item) => T,
  ) {}

  count(tenantId: string): Promise<number> {
    return readCounter(tenantId, this.counter);
  }

  /** A page of the tenant's records in index order (see IndexListing). */
  async page(tenantId: string, startIndex: number, count: number, descending: boolean): Promise<T[]> {
    return (await this.listing.page(tenantId, startIndex, count, descending)).map(this.toRecord);
  }

  /** A page for the admin console, continued by an opaque cursor. */
  async pageByCursor(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<T>> {
    const { items, nextCursor } = await this.listing.pageByCursor(tenantId, limit, cursor);
    return { records: items.map(this.toRecord), nextCursor };
  }

  /** A page of SCIM cursor paging (RFC 9865); the cursor expires after the configured timeout. */
  async pageByScimCursor(
    tenantId: string,
    count: number,
    cursor: string | undefined,
    descending: boolean,
  ): Promise<CursorPage<T>> {
    const { items, nextCursor } = await this.listing.pageByCursor(tenantId, count, cursor, {
      listing: 'scim',
      descending,
    });
    return { records: items.map(this.toRecord), nextCursor };
  }

  /** Walks the tenant's records in index order, a page at a time (non-indexed filters). */
  async *walk(tenantId: string, descending: boolean): AsyncGenerator<T[]> {
    for await (const items of this.listing.walk(tenantId, descending)) yield items.map(this.toRecord);
  }
}
