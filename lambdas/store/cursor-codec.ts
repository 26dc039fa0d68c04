import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from '../domain/errors';

/**
 * Paging cursors handed to clients (the admin console's `cursor`, SCIM's `cursor` of RFC 9865) carry a
 * DynamoDB position, so they are authenticated: `base64url(JSON {p: position, t: issued at}) . MAC`,
 * where MAC = HMAC-SHA256(key, "v1" \n scope \n body). The scope names the tenant and the listing
 * (users or groups, console or SCIM, the direction), so a cursor of another tenant or listing fails
 * the MAC like an altered one; nothing of a cursor reaches DynamoDB before the MAC and the shape of
 * the position are checked. Pure: the key and the clock are the caller's.
 */

/** Why a cursor was refused: RFC 9865 §2.3 `invalidCursor` / `expiredCursor`. */
export type CursorProblem = 'invalidCursor' | 'expiredCursor';

export class CursorRejectedError extends Error {
  constructor(
    readonly problem: CursorProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CursorRejectedError';
  }
}

/** A cursor longer than this is refused before any work (a position is four short keys). */
export const MAX_CURSOR_LENGTH = 2048;

/** The shortest key accepted: 256 bits, the size of the MAC. */
export const MIN_CURSOR_KEY_BYTES = 32;

const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

export type CursorPosition = Record<string, string>;

function mac(key: Uint8Array, scope: string, body: string): Buffer {
  return createHmac('sha256', key).update(`v1\n${scope}\n${body}`).digest();
}

/** A cursor for `position` in `scope`, issued at `issuedAtSeconds` (epoch seconds). */
export function sealCursor(
  key: Uint8Array,
  scope: string,
  position: CursorPosition,
  issuedAtSeconds: number,
): string {
  const body = Buffer.from(JSON.stringify({ p: position, t: issuedAtSeconds })).toString('base64url');
  return `${body}.${mac(key, scope, body).toString('base64url')}`;
}

/**
 * The position a cursor names, after checking its MAC in `scope`, that its position has exactly the
 * attribute `names` (all strings) and, with `timeoutSeconds`, that it was issued no longer ago than
 * that at `nowSeconds`. Throws CursorRejectedError otherwise.
 */
export function openCursor(
  key: Uint8Array,
  scope: string,
  cursor: string,
  check: { names: readonly string[]; nowSeconds: number; timeoutSeconds?: number },
): CursorPosition {
  const invalid = (why: string) =>
    new CursorRejectedError('invalidCursor', `The cursor is not valid: ${why}`);
  if (cursor.length > MAX_CURSOR_LENGTH || !SHAPE.test(cursor)) throw invalid('malformed');
  const [body, tag] = cursor.split('.');
  // The tags are compared as text: base64 decoding ignores the low bits of the last character, so
  // comparing decoded bytes would accept altered spellings of the same tag.
  const expected = Buffer.from(mac(key, scope, body).toString('base64url'));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('it was altered or belongs to another listing or tenant');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  const { p, t } = (decoded ?? {}) as { p?: unknown; t?: unknown };
  if (typeof t !== 'number' || !Number.isInteger(t) || !isPosition(p, check.names)) {
    throw invalid('malformed');
  }
  if (check.timeoutSeconds !== undefined && check.nowSeconds - t > check.timeoutSeconds) {
    throw new CursorRejectedError(
      'expiredCursor',
      `The cursor has expired (cursors are valid for ${check.timeoutSeconds} seconds); start again`,
    );
  }
  return p;
}

function isPosition(value: unknown, names: readonly string[]): value is CursorPosition {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  return keys.length === names.length && names.every((n) => typeof record[n] === 'string');
}

/**
 * A cursor of one listing, opened for its Query: checked as `openCursor` does, and its position must
 * lie in that listing's `partition` (the MAC binds the tenant already; the partition is checked again
 * so that no foreign key is ever read). A refused cursor is the caller's bad input: in SCIM its
 * RFC 9865 `scimType`, on the admin API the `cursor` field.
 */
export function openListingCursor(
  key: Uint8Array,
  scope: string,
  cursor: string,
  check: { names: readonly string[]; nowSeconds: number; timeoutSeconds?: number },
  partition: { name: string; value: string },
  api: 'scim' | 'admin',
): CursorPosition {
  try {
    const position = openCursor(key, scope, cursor, check);
    if (position[partition.name] !== partition.value) {
      throw new CursorRejectedError('invalidCursor', 'The cursor is not a cursor of this listing');
    }
    return position;
  } catch (error) {
    if (!(error instanceof CursorRejectedError)) throw error;
    throw new InvalidInputError(
      error.message,
      api === 'scim'
        ? { scimType: error.problem, cause: error }
        : { cause: error, fields: [{ path: 'cursor', message: error.message }] },
    );
  }
}
