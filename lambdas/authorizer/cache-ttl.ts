/**
 * How long API Gateway keeps a SCIM authorizer decision, per Authorization header (lib/api-stack.ts
 * `resultsCacheTtl`). The local adapter caches an allow for the same time (local/adapter.ts), except
 * that there a token change in this process drops it at once (lambdas/store/token-writes.ts).
 * Dependency-free: lib/ and local/ import it without loading the handler.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 5;
