import { ScimError } from '../../../lambdas/scim/errors';
import { parseListQuery } from '../../../lambdas/scim/list-request';

describe('parseListQuery (RFC 7644 §3.4.2.4)', () => {
  test('defaults: startIndex 1, count 100, ascending', () => {
    expect(parseListQuery({}, 'userName')).toEqual(
      expect.objectContaining({ startIndex: 1, count: 100, descending: false }),
    );
  });

  test('startIndex below 1 means 1; count is capped at 1000 and negative means 0', () => {
    expect(parseListQuery({ startIndex: '-5', count: '5000' }, 'userName')).toEqual(
      expect.objectContaining({ startIndex: 1, count: 1000 }),
    );
    expect(parseListQuery({ count: '-1' }, 'userName').count).toBe(0);
  });

  test('an empty or blank filter is a 400 invalidFilter, not the whole tenant', () => {
    for (const filter of ['', ' ', '\t ']) {
      try {
        parseListQuery({ filter }, 'userName');
        throw new Error(`filter ${JSON.stringify(filter)} was accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
        expect((error as ScimError).scimType).toBe('invalidFilter');
      }
    }
    expect(parseListQuery({}, 'userName').filter).toBeUndefined();
  });

  test('non-integers are a 400 invalidValue', () => {
    for (const raw of [{ startIndex: 'x' }, { count: '1.5' }]) {
      expect(() => parseListQuery(raw, 'userName')).toThrow(ScimError);
    }
  });

  test('sortBy is the indexed attribute (any case, core-URN qualified) and nothing else', () => {
    expect(parseListQuery({ sortBy: 'USERNAME', sortOrder: 'Descending' }, 'userName').descending).toBe(true);
    expect(
      parseListQuery({ sortBy: 'urn:ietf:params:scim:schemas:core:2.0:User:userName' }, 'userName')
        .descending,
    ).toBe(false);
    expect(() => parseListQuery({ sortBy: 'title' }, 'userName')).toThrow(/sortBy/);
    expect(() => parseListQuery({ sortOrder: 'sideways' }, 'userName')).toThrow(/sortOrder/);
  });

  test('a malformed filter is a 400 invalidFilter', () => {
    try {
      parseListQuery({ filter: 'userName eq' }, 'userName');
      throw new Error('no error');
    } catch (error) {
      expect((error as ScimError).scimType).toBe('invalidFilter');
    }
  });
});
