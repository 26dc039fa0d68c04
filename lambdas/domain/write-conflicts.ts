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
