import {
  CursorRejectedError,
  MAX_CURSOR_LENGTH,
  openCursor,
  sealCursor,
} from '../../../lambdas/store/cursor-codec';

const KEY = new Uint8Array(Buffer.from('k'.repeat(40)));
const OTHER_KEY = new Uint8Array(Buffer.from('o'.repeat(40)));
const NAMES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const POSITION = { pk: 'T#a#U#1', sk: 'USER', gsi1pk: 'T#a#USERS', gsi1sk: 'ann#1' };
const SCOPE = 'a|users|scim|asc';
const NOW = 1_800_000_000;

const open = (
  cursor: string,
  overrides: { scope?: string; now?: number; timeout?: number; key?: Uint8Array } = {},
) =>
  openCursor(overrides.key ?? KEY, overrides.scope ?? SCOPE, cursor, {
    names: NAMES,
    nowSeconds: overrides.now ?? NOW,
    timeoutSeconds: 'timeout' in overrides ? overrides.timeout : 3600,
  });

const problemOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CursorRejectedError);
    return (error as CursorRejectedError).problem;
  }
};

describe('paging cursor codec (HMAC-SHA256)', () => {
  const cursor = sealCursor(KEY, SCOPE, POSITION, NOW);

  test('a sealed cursor opens to its position, in its scope', () => {
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(open(cursor)).toEqual(POSITION);
  });

  test('another scope (tenant, listing, direction) or another key is invalidCursor', () => {
    for (const scope of [
      'b|users|scim|asc',
      'a|groups|scim|asc',
      'a|users|console|asc',
      'a|users|scim|desc',
    ]) {
      expect(problemOf(() => open(cursor, { scope }))).toBe('invalidCursor');
    }
    expect(problemOf(() => open(cursor, { key: OTHER_KEY }))).toBe('invalidCursor');
  });

  test('every altered character, a truncation, an extension or garbage is invalidCursor', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < cursor.length; i++) {
      if (cursor[i] === '.') continue;
      const replacement = alphabet[(alphabet.indexOf(cursor[i]) + 1) % alphabet.length];
      const altered = cursor.slice(0, i) + replacement + cursor.slice(i + 1);
      expect(problemOf(() => open(altered))).toBe('invalidCursor');
    }
    for (const bad of [
      cursor.slice(0, -1),
      `${cursor}A`,
      cursor.replace('.', ''),
      '',
      '.',
      'garbage',
      'x'.repeat(MAX_CURSOR_LENGTH + 1),
    ]) {
      expect(problemOf(() => open(bad))).toBe('invalidCursor');
    }
  });

  test('a MAC-valid cursor whose position has the wrong shape is invalidCursor', () => {
    for (const position of [{ pk: 'a' }, { ...POSITION, extra: 'x' }, { ...POSITION, sk: 1 }]) {
      const sealed = sealCursor(KEY, SCOPE, position as unknown as Record<string, string>, NOW);
      expect(problemOf(() => open(sealed))).toBe('invalidCursor');
    }
  });

  test('past the timeout it is expiredCursor; without a timeout it never expires', () => {
    expect(open(cursor, { now: NOW + 3600 })).toEqual(POSITION);
    expect(problemOf(() => open(cursor, { now: NOW + 3601 }))).toBe('expiredCursor');
    expect(open(cursor, { now: NOW + 10 ** 9, timeout: undefined })).toEqual(POSITION);
  });

  test('the issue time is under the MAC: an old cursor cannot be made young', () => {
    const [body, tag] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString());
    const younger = Buffer.from(JSON.stringify({ ...decoded, t: NOW + 7200 })).toString('base64url');
    expect(problemOf(() => open(`${younger}.${tag}`, { now: NOW + 7200 }))).toBe('invalidCursor');
  });
});
