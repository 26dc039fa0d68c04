import { ScimError } from '../../../lambdas/scim/errors';
import {
  listQueryFromQueryString,
  listQueryFromSearchRequest,
  MAX_CURSOR_LENGTH,
  parseListQuery,
} from '../../../lambdas/scim/list-request';
import { listPageOf, listResponsePieces } from '../../../lambdas/scim/list-response';

const scimTypeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    return (error as ScimError).scimType;
  }
};

describe('cursor of RFC 9865 in a list request', () => {
  test('absent: index paging, no cursor in the query', () => {
    expect(parseListQuery({}, 'userName')).not.toHaveProperty('cursor');
    expect(listQueryFromQueryString({ startIndex: '3' }, 'userName')).not.toHaveProperty('cursor');
  });

  test('an empty value starts a cursor walk; a value is kept as sent (trimmed)', () => {
    expect(listQueryFromQueryString({ cursor: '', count: '40' }, 'userName')).toEqual(
      expect.objectContaining({ cursor: '', count: 40, startIndex: 1 }),
    );
    expect(listQueryFromQueryString({ cursor: ' abc.def ' }, 'userName').cursor).toBe('abc.def');
    expect(listQueryFromSearchRequest({ cursor: 'abc', count: 5 }, 'displayName')).toEqual(
      expect.objectContaining({ cursor: 'abc', count: 5 }),
    );
  });

  test('count is bounded as for index paging (maxPageSize 1000)', () => {
    expect(parseListQuery({ cursor: '', count: '5000' }, 'userName').count).toBe(1000);
  });

  test('with startIndex it is a 400 invalidValue', () => {
    expect(scimTypeOf(() => listQueryFromQueryString({ cursor: '', startIndex: '1' }, 'userName'))).toBe(
      'invalidValue',
    );
    expect(scimTypeOf(() => listQueryFromSearchRequest({ cursor: 'x', startIndex: 2 }, 'userName'))).toBe(
      'invalidValue',
    );
  });

  test('with a filter it is a 400 invalidValue (filtered lists page by index)', () => {
    expect(
      scimTypeOf(() => listQueryFromQueryString({ cursor: '', filter: 'userName eq "a"' }, 'userName')),
    ).toBe('invalidValue');
  });

  test('a non-string, over-long or non-printable cursor is invalidCursor', () => {
    expect(scimTypeOf(() => listQueryFromSearchRequest({ cursor: 42 }, 'userName'))).toBe('invalidCursor');
    expect(scimTypeOf(() => listQueryFromSearchRequest({ cursor: ['a'] }, 'userName'))).toBe('invalidCursor');
    expect(
      scimTypeOf(() => listQueryFromQueryString({ cursor: 'a'.repeat(MAX_CURSOR_LENGTH + 1) }, 'userName')),
    ).toBe('invalidCursor');
    expect(scimTypeOf(() => listQueryFromQueryString({ cursor: 'a b' }, 'userName'))).toBe('invalidCursor');
    expect(scimTypeOf(() => listQueryFromQueryString({ cursor: 'a\u0000' }, 'userName'))).toBe(
      'invalidCursor',
    );
  });
});

describe('the ListResponse of a cursor page', () => {
  const text = async (pieces: AsyncIterable<string>) => {
    let body = '';
    for await (const piece of pieces) body += piece;
    return JSON.parse(body);
  };

  test('index paging keeps its head exactly', async () => {
    const head = listPageOf({ startIndex: 3 }, { totalResults: 9, itemsPerPage: 1 });
    expect(await text(listResponsePieces(head, ['{"id":"a"}']))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 9,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });

  test('cursor paging has no startIndex and carries nextCursor, absent on the last page', async () => {
    const middle = listPageOf(
      { startIndex: 1, cursor: '' },
      { totalResults: 9, itemsPerPage: 1, nextCursor: 'n' },
    );
    expect(await text(listResponsePieces(middle, ['{"id":"a"}']))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 9,
      itemsPerPage: 1,
      nextCursor: 'n',
      Resources: [{ id: 'a' }],
    });
    const last = listPageOf({ startIndex: 1, cursor: 'n' }, { totalResults: 9, itemsPerPage: 0 });
    const body = await text(listResponsePieces(last, []));
    expect(body).not.toHaveProperty('nextCursor');
    expect(body).not.toHaveProperty('startIndex');
    expect(body).not.toHaveProperty('previousCursor');
  });
});
