import type { HandlerName } from '../lambdas/http/routes';

/** Every function of the API stack: the route handlers and the four that no route serves. */
export type FunctionKey = HandlerName | 'authorizer' | 'stream' | 'requestLog' | 'mailEvents';

export interface FunctionCapacity {
  /** Memory in MB (more memory is more CPU: cold starts and gzip are faster). */
  memoryMb: number;
  /**
   * Reserved concurrency: at most this many instances at once, and this many kept out of the
   * account's shared pool. Context `reservedConcurrency` overrides any entry ({"users": 40}) or turns
   * them all off (`off`).
   */
  reservedConcurrency: number;
}

/**
 * Memory and concurrency of each function: THE place to change them (docs/operations-deploy.md,
 * "Capacity"). Memory is sized from the cold-start bench (bench/cold-start.ts, docs/benchmarks.md):
 * every function holds 60-64 MB after init and the largest request measured (a 100k-member group
 * read) adds ~17 MB, so memory is never the limit at 256 MB; it buys CPU (Lambda's share grows with
 * memory). 1024 MB for the SCIM data functions (10k-member replaces, 100k-member reads, Bulk's 100
 * operations within API Gateway's 29 s), 512 MB for the authorizer (on the path of every SCIM call)
 * and the stream consumer, 256 MB for the admin functions, the link verify and the log/mail consumers.
 *
 * Concurrency is sized from the stage ceiling (throttleRateLimit 50 requests/s) times the time a
 * request takes: the SCIM data functions answer in 50-300 ms, so 50 requests/s need about 15
 * instances; 30 leaves room for slow filtered walks and Bulk. The authorizer caches its decisions
 * for 5 s per token, so it is called far less than the API. The sum (205) stays far below the 900
 * a default account (1000 concurrent executions) may reserve while keeping the 100 unreserved
 * that Lambda requires; an account with a lower limit deploys with `-c reservedConcurrency=off`.
 */
export const FUNCTION_CAPACITY: Record<FunctionKey, FunctionCapacity> = {
  users: { memoryMb: 1024, reservedConcurrency: 30 },
  groups: { memoryMb: 1024, reservedConcurrency: 30 },
  // Up to 100 operations in one call, one call at a time per IdP app.
  bulk: { memoryMb: 1024, reservedConcurrency: 10 },
  discovery: { memoryMb: 256, reservedConcurrency: 10 },
  authorizer: { memoryMb: 512, reservedConcurrency: 30 },
  // The admin API: people using the console.
  tokens: { memoryMb: 256, reservedConcurrency: 10 },
  settings: { memoryMb: 256, reservedConcurrency: 10 },
  directory: { memoryMb: 256, reservedConcurrency: 15 },
  // The invitation preview and re-send: one click at a time per admin.
  invitations: { memoryMb: 256, reservedConcurrency: 5 },
  audit: { memoryMb: 256, reservedConcurrency: 10 },
  activity: { memoryMb: 256, reservedConcurrency: 10 },
  // The public invitation link: one verify per invited user.
  invites: { memoryMb: 256, reservedConcurrency: 10 },
  // One instance per stream shard (parallelization factor 1): a table has a handful of shards.
  stream: { memoryMb: 512, reservedConcurrency: 10 },
  // CloudWatch Logs batches the request-log lines of every SCIM function.
  requestLog: { memoryMb: 256, reservedConcurrency: 10 },
  // SES events through SQS; the event source's maximum concurrency equals this (at least 2).
  mailEvents: { memoryMb: 256, reservedConcurrency: 5 },
};

/** Lambda's floor of unreserved concurrency per account. */
export const UNRESERVED_MINIMUM = 100;
/** A default account's concurrency limit. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/** The reserved concurrency of `key` after the context overrides; undefined when turned off. */
export function reservedConcurrencyOf(
  key: FunctionKey,
  overrides: Record<string, number> | false,
): number | undefined {
  if (overrides === false) return undefined;
  return overrides[key] ?? FUNCTION_CAPACITY[key].reservedConcurrency;
}

/** Rejects override names that are no function (a typo would otherwise be ignored silently). */
export function checkConcurrencyOverrides(overrides: Record<string, number> | false): void {
  if (overrides === false) return;
  const unknown = Object.keys(overrides).filter((name) => !(name in FUNCTION_CAPACITY));
  if (unknown.length > 0) {
    throw new Error(
      `Context reservedConcurrency names no such function: ${unknown.join(', ')} ` +
        `(known: ${Object.keys(FUNCTION_CAPACITY).join(', ')})`,
    );
  }
}
