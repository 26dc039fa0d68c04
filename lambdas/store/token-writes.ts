/**
 * A counter of token writes (create, status change, renew, delete) made by this process's token
 * repository. The local adapter's authorizer cache (local/adapter.ts) keeps an allow decision only
 * while this is unchanged, so locally a revoked, renewed or removed token is refused on the very next
 * request. Dependency-free, so the adapter imports it without loading the store.
 */
let version = 0;

export function tokenWriteVersion(): number {
  return version;
}

export function bumpTokenWriteVersion(): void {
  version++;
}
