import fc from 'fast-check';
import {
  excerpt,
  excerptList,
  MAX_EXCERPT_LENGTH,
  withoutControlCharacters,
} from '../../../lambdas/scim/excerpt';
import { hasControlCharacters } from '../../support/control-characters';

describe('excerpt: what an error message may repeat of client input', () => {
  test('short, clean text is kept as it is', () => {
    expect(excerpt('userName')).toBe('userName');
    expect(excerpt('josé 日本')).toBe('josé 日本');
    expect(excerpt('a'.repeat(MAX_EXCERPT_LENGTH))).toBe('a'.repeat(MAX_EXCERPT_LENGTH));
  });

  test('long text is cut to 64 characters, ending with an ellipsis', () => {
    const cut = excerpt('x'.repeat(10_000));
    expect(cut).toHaveLength(MAX_EXCERPT_LENGTH);
    expect(cut).toBe(`${'x'.repeat(MAX_EXCERPT_LENGTH - 1)}…`);
  });

  test.each([
    ['CR/LF', 'a\r\nSet-Cookie: b'],
    ['NUL', 'a\u0000b'],
    ['an ANSI escape', 'a\u001b[31mb'],
    ['DEL and C1', 'a\u007f\u0085b'],
    ['line and paragraph separators', 'a\u2028\u2029b'],
    ['bidi overrides and zero-width characters', 'a\u202e\u200bb\u2066'],
  ])('%s become U+FFFD', (_what, text) => {
    const clean = excerpt(text);
    expect(hasControlCharacters(clean)).toBe(false);
    expect(clean).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(clean.startsWith('a')).toBe(true);
    expect(clean).toContain('\ufffd');
  });

  test('a surrogate pair is never split', () => {
    const cut = excerpt('😀'.repeat(100));
    expect(cut.length).toBeLessThanOrEqual(MAX_EXCERPT_LENGTH);
    expect(cut).toBe(`${'😀'.repeat(31)}…`);
  });

  test('values that are not strings are shown as JSON', () => {
    expect(excerpt(42)).toBe('42');
    expect(excerpt({ op: 'x' })).toBe('{"op":"x"}');
    expect(excerpt(null)).toBe('null');
    expect(excerpt(undefined)).toBe('undefined');
    expect(excerpt('x'.repeat(100).split(''))).toHaveLength(MAX_EXCERPT_LENGTH);
  });

  test('any input gives at most 64 code units and no control character', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.anything()), (value) => {
        const text = excerpt(value);
        expect(text.length).toBeLessThanOrEqual(MAX_EXCERPT_LENGTH);
        expect(hasControlCharacters(text)).toBe(false);
      }),
    );
  });

  test('withoutControlCharacters keeps the length and everything else', () => {
    expect(withoutControlCharacters('ok\ttab')).toBe('ok\ufffdtab');
    expect(withoutControlCharacters('x'.repeat(200))).toBe('x'.repeat(200));
  });
});

describe('excerptList', () => {
  test('quotes each name and says how many more there were', () => {
    expect(excerptList(['a', 'b'])).toBe("'a', 'b'");
    expect(excerptList(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe("'a', 'b', 'c', 'd', 'e' and 2 more");
    expect(excerptList(['x'.repeat(500)])).toHaveLength(MAX_EXCERPT_LENGTH + 2);
  });
});
