import { ScimError } from './errors';

/**
 * Identifiers people and clients compare by eye: `userName`, `externalId`, group `displayName`, and
 * the email values an invitation is sent to. Two rules (docs/decisions.md, "Identifiers"):
 * - no control characters (Unicode Cc: C0 U+0000–U+001F, DEL, C1 U+0080–U+009F) nor the line and
 *   paragraph separators U+2028/U+2029 — a NUL or a CR/LF in a sign-in name or a mail header is an
 *   attack or a bug, never a name;
 * - `userName` also refuses invisible formatting characters (zero-width U+200B–U+200F, bidi embedding
 *   and override U+202A–U+202E, bidi isolates U+2066–U+2069): two names that look the same must be
 *   the same name.
 * Uniqueness and lookups compare `foldIdentifier` forms (NFC, then lower case), so NFC `josé` and NFD
 * `jose\u0301` are one name; the value itself is stored as sent.
 */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const INVISIBLE_FORMATTING = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The form uniqueness guards, index sort keys and case-insensitive comparisons use. */
export function foldIdentifier(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/** True when the value holds a control character or U+2028/U+2029. */
export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/**
 * A 400 invalidValue when `value` (the attribute at `where`) holds a character the identifier rules
 * refuse; `invisible` adds the formatting characters (userName).
 */
export function checkIdentifier(where: string, value: unknown, invisible = false): void {
  if (typeof value !== 'string') return;
  if (CONTROL.test(value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `Attribute '${where}' must not contain control characters or line separators`,
    );
  }
  if (invisible && INVISIBLE_FORMATTING.test(value)) {
    throw ScimError.badRequest(
      'invalidValue',
      `Attribute '${where}' must not contain zero-width or bidirectional formatting characters`,
    );
  }
}
