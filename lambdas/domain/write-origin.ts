import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who caused a write: the SCIM request (its id), the IdP of its token and the token's id. The SCIM
 * http handler runs each request inside `runWithOrigin`, and the store stamps the origin on every
 * user, group, count-delta and deletion item it writes, so the stream consumer can say in each change
 * event which request and IdP made the change (docs/events.md) without the domain passing it around.
 */
export interface WriteOrigin {
  requestId: string;
  idp: string;
  tokenId: string | null;
}

const storage = new AsyncLocalStorage<WriteOrigin>();

/** Runs `fn` (and everything it awaits) with `origin` as the current write origin. */
export function runWithOrigin<T>(origin: WriteOrigin, fn: () => T): T {
  return storage.run(origin, fn);
}

/** The origin of the request being served, or undefined outside one (stream consumer, scripts). */
export function currentOrigin(): WriteOrigin | undefined {
  return storage.getStore();
}

/** An origin as stored on an item (or read back from a stream image); anything else is undefined. */
export function originOf(value: unknown): WriteOrigin | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const stored = value as Record<string, unknown>;
  if (typeof stored.requestId !== 'string' || typeof stored.idp !== 'string') return undefined;
  return {
    requestId: stored.requestId,
    idp: stored.idp,
    tokenId: typeof stored.tokenId === 'string' ? stored.tokenId : null,
  };
}
