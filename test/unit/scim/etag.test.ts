import { etagOf, ifMatchHolds, ifNoneMatchHolds } from '../../../lambdas/scim/etag';

describe('ETags and preconditions (weak comparison, RFC 7232 §2.3.2)', () => {
  test('the ETag of a version is weak', () => {
    expect(etagOf(3)).toBe('W/"3"');
  });

  test.each([
    [undefined, true],
    ['', true],
    ['*', true],
    ['W/"3"', true],
    ['"3"', true],
    ['w/"3"', true],
    [' W/"3" ', true],
    ['W/"2", W/"3"', true],
    ['W/"2"', false],
    ['"2"', false],
    ['3', false],
    ['W/"33"', false],
  ])('If-Match %p on version 3 holds: %p', (header, holds) => {
    expect(ifMatchHolds(header, 3)).toBe(holds);
  });

  test.each([
    [undefined, false],
    ['*', true],
    ['W/"3"', true],
    ['"3"', true],
    ['w/"3"', true],
    ['W/"2"', false],
  ])('If-None-Match %p on version 3 names it: %p', (header, names) => {
    expect(ifNoneMatchHolds(header, 3)).toBe(names);
  });
});
