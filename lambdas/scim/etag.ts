/**
 * Versions and ETags (RFC 7644 §3.14). Every resource carries an integer version that moves on every
 * write; its ETag is the weak `W/"<version>"`. Both preconditions compare weakly (RFC 7232 §2.3.2):
 * `"3"` and `W/"3"` name the same version, and `*` matches any existing resource.
 */
export const etagOf = (version: number): string => `W/"${version}"`;

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//i, '');

function namesVersion(header: string, version: number): boolean {
  const current = opaqueTag(etagOf(version));
  return header.split(',').some((tag) => tag.trim() === '*' || opaqueTag(tag) === current);
}

/** `If-Match` of a write holds: absent, `*`, or naming the current version. Else 412. */
export function ifMatchHolds(header: string | undefined, version: number): boolean {
  return !header || namesVersion(header, version);
}

/** `If-None-Match` of a GET names the current version: answer 304 Not Modified with no body. */
export function ifNoneMatchHolds(header: string | undefined, version: number): boolean {
  return !!header && namesVersion(header, version);
}
