import { InvalidInputError } from './errors';

/**
 * DynamoDB refuses keys over 1,024 bytes (sort keys, GSI1's `lower(name)#id`) or 2,048 bytes
 * (partition keys: guards, email and externalId edges), and items over 400 KB; a refused write would
 * be a 500. Values beyond these bounds are an InvalidInputError (400 invalidValue) here (they sit well inside DynamoDB's limits with the
 * tenant prefix), and lookups of longer values find nothing.
 */
export const STORAGE_LIMITS = {
  /** userName and group displayName: guard partition key and GSI1 sort key. */
  nameBytes: 512,
  /** An email value (lower-cased), an externalId or an id: keys of lookup edges and items. */
  lookupValueBytes: 1024,
  /** Emails per user that get a lookup edge; keeps a user's transaction far below DynamoDB's 100 items. */
  indexedEmails: 20,
  /** A resource's attributes as JSON; the rest of the 400 KB item is keys and metadata. */
  attributesBytes: 300 * 1024,
} as const;

export const byteLength = (value: string) => Buffer.byteLength(value, 'utf8');

export const fitsKey = (value: string, maxBytes: number) => byteLength(value) <= maxBytes;

/** A 400 invalidValue when `value` is longer than `maxBytes` of UTF-8. */
export function checkBytes(what: string, value: string | undefined, maxBytes: number): void {
  if (value !== undefined && byteLength(value) > maxBytes) {
    throw new InvalidInputError(`${what} must be at most ${maxBytes} bytes (UTF-8)`);
  }
}
