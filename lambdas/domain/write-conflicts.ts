import { ScimError } from '../scim/errors';

/**
 * What the store reports when a concurrent writer got there first; the domain decides what the client
 * sees (retry from a fresh read, 412, 404).
 */

/** The resource changed between read and write (its version moved, or it is gone). */
export class ConcurrentModificationError extends Error {
  constructor() {
    super('The resource was modified concurrently');
    this.name = 'ConcurrentModificationError';
  }
}

/** The group was deleted while its members were being changed. */
export class GroupVanishedError extends Error {
  constructor() {
    super('The group was deleted concurrently');
    this.name = 'GroupVanishedError';
  }
}

/** A later replace of the member set started: this replace's remaining changes were not applied. */
export class ReplaceSupersededError extends Error {
  constructor() {
    super('A later replace of the member set superseded this one');
    this.name = 'ReplaceSupersededError';
  }
}

/** Attempts of a write without If-Match before its client is told 412. */
const MAX_WRITE_ATTEMPTS = 10;

/**
 * Optimistic concurrency for one resource: `attempt` reads it fresh and writes conditioned on the
 * version it read. A write that loses the race is retried with jittered backoff, so a burst of writers
 * on one resource spreads out instead of answering 412 to a client that set no precondition; with
 * If-Match (RFC 7644 §3.14), or once the attempts are spent, the loser gets 412.
 */
export async function retryOnConflict<T>(
  what: 'user' | 'group',
  ifMatch: string | undefined,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      if (ifMatch || attemptNumber >= MAX_WRITE_ATTEMPTS) {
        throw ScimError.preconditionFailed(`The ${what} was modified concurrently; read it again and retry`);
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attemptNumber, 6)),
      );
    }
  }
}
