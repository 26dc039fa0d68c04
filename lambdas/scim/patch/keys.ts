/**
 * JSON objects with case-insensitive attribute keys (RFC 7643 §2.1: attribute names are
 * case-insensitive): lookup preferring the exact spelling, and writes under the canonical name.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The key of `object` equal to `name` ignoring case (RFC 7643 §2.1), preferring the exact spelling. */
export function keyOf(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export function readKey(object: JsonObject, name: string): unknown {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** Reads a value; null counts as unassigned (RFC 7643 §2.5). */
export function readPresent(object: JsonObject, name: string): unknown {
  const value = readKey(object, name);
  return value === null ? undefined : value;
}

/** Writes under the canonical name, dropping spellings that differ only in case. */
export function writeKey(object: JsonObject, name: string, value: unknown): void {
  deleteKey(object, name);
  object[name] = value;
}

export function deleteKey(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) delete object[key];
}
