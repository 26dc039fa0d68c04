/**
 * What an error message may repeat of the client's input: a short excerpt without control
 * characters. A `detail` (SCIM) or `message` (admin API) that echoed input verbatim would let a
 * client put CR/LF, terminal escapes or megabytes into answers and into the logs that record them.
 * Pure, so both APIs (the SCIM core, the domain, the handlers) use the same rule.
 */
export const MAX_EXCERPT_LENGTH = 64;

/**
 * C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the zero-width and
 * bidi formatting characters (which can make an excerpt read differently from what was sent).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const REPLACEMENT = '\ufffd';
const ELLIPSIS = '…';

/** Replaces every unsafe character (see above) with U+FFFD. */
export function withoutControlCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, REPLACEMENT);
}

/**
 * An excerpt of client input for an error message: strings as they are, anything else as JSON;
 * unsafe characters replaced by U+FFFD; at most `max` UTF-16 code units (never splitting a surrogate
 * pair), ending with "…" when cut.
 */
export function excerpt(value: unknown, max = MAX_EXCERPT_LENGTH): string {
  const text = typeof value === 'string' ? value : (safeJson(value) ?? String(value));
  const clean = withoutControlCharacters(text);
  if (clean.length <= max) return clean;
  let cut = '';
  for (const character of clean) {
    if (cut.length + character.length > max - ELLIPSIS.length) break;
    cut += character;
  }
  return cut + ELLIPSIS;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * A list of client-supplied names for an error message: the first `maxItems` excerpts, quoted,
 * then how many more there were ("'a', 'b' and 3 more").
 */
export function excerptList(values: readonly unknown[], maxItems = 5): string {
  const shown = values.slice(0, maxItems).map((value) => `'${excerpt(value)}'`);
  const more = values.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
