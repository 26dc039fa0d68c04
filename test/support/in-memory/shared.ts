/** What every in-memory fake shares: copies in and out, tenant-scoped keys, pages, failure hooks. */

/** A copy, so a use case never holds a reference into the "table". */
export const copy = <T>(value: T): T => structuredClone(value);

export const keyOf = (tenantId: string, id: string) => `${tenantId}/${id}`;

export async function* pagesOf<T>(items: T[], size: number): AsyncGenerator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Failure injection: each hook is consumed by the fake's next write (create, replace, delete, ...). */
export class WriteHooks {
  private readonly hooks: (() => unknown)[] = [];

  /** The next write throws `error` instead of writing. */
  failNextWrite(error: Error): void {
    this.hooks.push(() => {
      throw error;
    });
  }

  /** Runs `action` just before the next write: a concurrent request that got there first. */
  beforeNextWrite(action: () => unknown): void {
    this.hooks.push(action);
  }

  protected async write(): Promise<void> {
    await this.hooks.shift()?.();
  }
}
