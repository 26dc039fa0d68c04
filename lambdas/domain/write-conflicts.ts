import { etagOf, ifMatchHolds } from '../scim/etag';
import { PreconditionFailedError, WriteConflictError } from './errors';

/**
 * A write without If-Match that keeps losing races is told 412 only once it has made at least
 * MIN_WRITE_ATTEMPTS attempts and WRITE_RETRY_BUDGET_MS have passed: a count alone runs out on a
 * loaded host where twenty writers on one group each take longer, a time alone lets a slow store
 * burn the budget in two tries. Both stay far below the 28 s function timeout.
 */
const MIN_WRITE_ATTEMPTS = 10;
const WRITE_RETRY_BUDGET_MS = 5_000;

/**
 * Optimistic concurrency for one resource: `attempt` reads it fresh and writes conditioned on the
 * version it read. A write that loses the race (WriteConflictError from the store) is retried with
 * jittered backoff, so a burst of writers on one resource spreads out instead of answering 412 to a
 * client that set no precondition; with If-Match (RFC 7644 §3.14), or once the attempts are spent,
 * the loser gets 412.
 */
export async function retryOnConflict<T>(
  what: 'user' | 'group',
  ifMatch: string | undefined,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof WriteConflictError)) throw error;
      const spent = attemptNumber >= MIN_WRITE_ATTEMPTS && Date.now() - started >= WRITE_RETRY_BUDGET_MS;
      if (ifMatch || spent) {
        throw new PreconditionFailedError(`The ${what} was modified concurrently; read it again and retry`, {
          cause: error,
        });
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attemptNumber, 6)),
      );
    }
  }
}

/** RFC 7644 §3.14: If-Match with a stale version -> 412 Precondition Failed. */
export function checkIfMatch(resource: { version: number }, ifMatch: string | undefined): void {
  if (ifMatchHolds(ifMatch, resource.version)) return;
  throw new PreconditionFailedError(
    `ETag does not match; the current version is ${etagOf(resource.version)}`,
  );
}
