import {
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
  type BulkOperation,
  bulkResponse,
  parseBulkRequest,
  planBulkOrder,
  resolveOperation,
} from '../../../lambdas/scim/bulk';
import { ScimError, toScimErrorBody } from '../../../lambdas/scim/errors';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const request = (Operations: unknown, extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST_SCHEMA],
  ...extra,
  Operations,
});
const postUser = (bulkId: string) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER], userName: `${bulkId}@example.com` },
});
const postGroup = (bulkId: string, ...members: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { schemas: [GROUP], displayName: bulkId, members: members.map((value) => ({ value })) },
});

/** The ScimError a parse throws: status and scimType. */
function refusal(
  body: unknown,
  maxOperations?: number,
): { status: number; scimType?: string; detail: string } {
  try {
    parseBulkRequest(body, maxOperations);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return { status: error.status, scimType: error.scimType, detail: error.detail };
  }
  throw new Error('the request was accepted');
}

describe('parseBulkRequest (RFC 7644 §3.7)', () => {
  test('reads every operation with its method, bulkId, version, path, target and references', () => {
    const parsed = parseBulkRequest(
      request(
        [
          postUser('alice'),
          {
            method: 'PATCH',
            path: '/Groups/bulkId:team',
            version: 'W/"3"',
            data: {
              schemas: ['x'],
              Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:alice' }] }],
            },
          },
          { method: 'DELETE', path: '/Users/42', data: 'ignored' },
        ],
        { failOnErrors: 2 },
      ),
    );
    expect(parsed.failOnErrors).toBe(2);
    expect(parsed.operations).toEqual([
      {
        index: 0,
        method: 'POST',
        bulkId: 'alice',
        path: '/Users',
        resourceType: 'Users',
        data: postUser('alice').data,
        references: [],
      },
      expect.objectContaining({
        index: 1,
        method: 'PATCH',
        version: 'W/"3"',
        resourceType: 'Groups',
        id: 'bulkId:team',
        references: ['team', 'alice'],
      }),
      { index: 2, method: 'DELETE', path: '/Users/42', resourceType: 'Users', id: '42', references: [] },
    ]);
  });

  test('attribute names are case-insensitive (RFC 7643 §2.1); failOnErrors is optional', () => {
    const parsed = parseBulkRequest({
      SCHEMAS: [BULK_REQUEST_SCHEMA],
      operations: [{ Method: 'DELETE', PATH: '/Groups/g1' }],
    });
    expect(parsed).toEqual({ operations: [expect.objectContaining({ method: 'DELETE', id: 'g1' })] });
    expect(parseBulkRequest(request([])).operations).toEqual([]);
  });

  test('more operations than maxOperations is a 413 naming the limit, checked before the operations', () => {
    const operations = Array.from({ length: 4 }, () => ({ method: 'NOPE' }));
    expect(refusal(request(operations), 3)).toEqual({
      status: 413,
      scimType: undefined,
      detail: 'The bulk request has 4 operations, more than maxOperations (3)',
    });
    expect(refusal(request(operations.slice(0, 3)), 3).status).toBe(400);
  });

  test('more member values across group operations than maxMemberValues is a 413', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    const within = request([postGroup('a', ...members(600)), postGroup('b', ...members(400))]);
    expect(parseBulkRequest(within).operations).toHaveLength(2);
    const patch = {
      method: 'PATCH',
      path: '/Groups/g',
      data: { Operations: [{ op: 'add', path: 'members', value: members(1).map((value) => ({ value })) }] },
    };
    // The PatchOp's operation has a `value` too: 2 more, 1002 in all.
    expect(
      refusal(request([postGroup('a', ...members(600)), postGroup('b', ...members(400)), patch])),
    ).toEqual({
      status: 413,
      scimType: undefined,
      detail: expect.stringContaining('1002 member values, more than 1000'),
    });
    // Users' multi-valued attributes do not count.
    const emails = Array.from({ length: 1001 }, (_, i) => ({ value: `e${i}@example.com` }));
    expect(() => parseBulkRequest(request([{ ...postUser('u'), data: { emails } }]))).not.toThrow();
  });

  test.each([
    ['not an object', [], 'invalidSyntax'],
    ['no schemas', { Operations: [] }, 'invalidSyntax'],
    [
      'another message',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [] },
      'invalidSyntax',
    ],
    ['Operations not an array', request({}), 'invalidSyntax'],
    ['failOnErrors not an integer', request([], { failOnErrors: 1.5 }), 'invalidValue'],
    ['failOnErrors a string', request([], { failOnErrors: '1' }), 'invalidValue'],
    ['an operation not an object', request(['DELETE /Users/1']), 'invalidSyntax'],
    ['a lower-case method', request([{ method: 'delete', path: '/Users/1' }]), 'invalidSyntax'],
    ['GET', request([{ method: 'GET', path: '/Users/1' }]), 'invalidSyntax'],
    ['no path', request([{ method: 'DELETE' }]), 'invalidSyntax'],
    ['an absolute URL path', request([{ method: 'DELETE', path: 'https://x/Users/1' }]), 'invalidPath'],
    ['another resource type', request([{ method: 'DELETE', path: '/Bulk/1' }]), 'invalidPath'],
    ['a nested path', request([{ method: 'DELETE', path: '/Users/1/x' }]), 'invalidPath'],
    ['.search', request([{ method: 'DELETE', path: '/Users/.search' }]), 'invalidPath'],
    ['POST to an id', request([{ ...postUser('a'), path: '/Users/1' }]), 'invalidPath'],
    ['PATCH without an id', request([{ method: 'PATCH', path: '/Users', data: {} }]), 'invalidPath'],
    ['POST without bulkId', request([{ method: 'POST', path: '/Users', data: {} }]), 'invalidSyntax'],
    ['an empty bulkId', request([{ ...postUser('a'), bulkId: '' }]), 'invalidValue'],
    ['a bulkId with a space', request([{ ...postUser('a'), bulkId: 'a b' }]), 'invalidValue'],
    ['a numeric bulkId', request([{ ...postUser('a'), bulkId: 7 }]), 'invalidValue'],
    ['a duplicate bulkId', request([postUser('a'), postUser('a')]), 'invalidValue'],
    ['a numeric version', request([{ method: 'DELETE', path: '/Users/1', version: 1 }]), 'invalidValue'],
    ['POST without data', request([{ method: 'POST', path: '/Users', bulkId: 'a' }]), 'invalidSyntax'],
    ['PUT with array data', request([{ method: 'PUT', path: '/Users/1', data: [] }]), 'invalidSyntax'],
  ])('%s is a 400 %s for the whole request', (_, body, scimType) => {
    const error = refusal(body);
    expect(error).toEqual(expect.objectContaining({ status: 400, scimType }));
  });

  test('the detail names the offending operation', () => {
    expect(refusal(request([postUser('a'), { method: 'DELETE', path: '/Nope/1' }])).detail).toMatch(
      /^Operations\[1\]\.path/,
    );
  });
});

const ops = (...raw: unknown[]) => parseBulkRequest(request(raw)).operations;
const indexes = (list: BulkOperation[]) => list.map((o) => o.index);

describe('planBulkOrder (§3.7.1)', () => {
  test('request order when nothing references forward', () => {
    const { order, circular } = planBulkOrder(ops(postUser('a'), postGroup('g', 'bulkId:a'), postUser('b')));
    expect(indexes(order)).toEqual([0, 1, 2]);
    expect(circular).toEqual([]);
  });

  test('a forward reference moves the referenced POST first, transitively', () => {
    const { order } = planBulkOrder(
      ops(
        { method: 'PATCH', path: '/Groups/bulkId:g', data: {} },
        postGroup('g', 'bulkId:a', 'bulkId:b'),
        postUser('a'),
        postUser('b'),
      ),
    );
    expect(indexes(order)).toEqual([2, 3, 1, 0]);
  });

  test('cycles, self-references and what depends on them are circular; the rest is ordered', () => {
    const { order, circular } = planBulkOrder(
      ops(
        postGroup('x', 'bulkId:y'),
        postGroup('y', 'bulkId:x'),
        postGroup('self', 'bulkId:self'),
        { method: 'DELETE', path: '/Groups/bulkId:x' },
        postUser('free'),
      ),
    );
    expect(indexes(order)).toEqual([4]);
    expect(indexes(circular)).toEqual([0, 1, 2, 3]);
  });

  test('references to undeclared bulkIds, or to a non-POST bulkId, order nothing', () => {
    const { order } = planBulkOrder(
      ops(postGroup('g', 'bulkId:nobody', 'bulkId:d'), { method: 'DELETE', path: '/Users/1', bulkId: 'd' }),
    );
    expect(indexes(order)).toEqual([0, 1]);
  });
});

describe('resolveOperation (§3.7.2)', () => {
  test('replaces references in the path and anywhere in the data, and nothing else', () => {
    const [patch] = ops({
      method: 'PATCH',
      path: '/Groups/bulkId:g',
      data: {
        Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:a' }, { value: 'abc' }] }],
        note: 'bulkId: is text here',
        deep: { list: ['bulkId:a', 3, null, true] },
      },
    });
    const created = new Map([
      ['g', { resourceType: 'Groups' as const, id: 'group-1' }],
      ['a', { resourceType: 'Users' as const, id: 'user-1' }],
    ]);
    expect(resolveOperation(patch, created)).toEqual({
      id: 'group-1',
      data: {
        Operations: [{ op: 'add', path: 'members', value: [{ value: 'user-1' }, { value: 'abc' }] }],
        note: 'bulkId: is text here',
        deep: { list: ['user-1', 3, null, true] },
      },
    });
    // The parsed operation is left as it was.
    expect(patch.id).toBe('bulkId:g');
  });

  test('an undeclared bulkId is a 400 invalidValue; one whose POST failed is a 409', () => {
    const [group] = ops(postGroup('g', 'bulkId:a'));
    expect(() => resolveOperation(group, new Map())).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
    );
    expect(() => resolveOperation(group, new Map([['a', undefined]]))).toThrow(
      expect.objectContaining({ status: 409, scimType: undefined }),
    );
  });
});

describe('bulkResponse (§3.7.3)', () => {
  test('status is a string; location, bulkId, version and response only when there is one', () => {
    const error = new ScimError(409, 'userName is taken', 'uniqueness');
    expect(
      bulkResponse([
        { method: 'POST', bulkId: 'a', location: 'https://x/Users/1', version: 'W/"1"', status: 201 },
        { method: 'POST', bulkId: 'b', status: 409, response: toScimErrorBody(error) },
        { method: 'DELETE', location: 'https://x/Users/2', status: 204 },
      ]),
    ).toEqual({
      schemas: [BULK_RESPONSE_SCHEMA],
      Operations: [
        { location: 'https://x/Users/1', method: 'POST', bulkId: 'a', version: 'W/"1"', status: '201' },
        {
          method: 'POST',
          bulkId: 'b',
          status: '409',
          response: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
            status: '409',
            scimType: 'uniqueness',
            detail: 'userName is taken',
          },
        },
        { location: 'https://x/Users/2', method: 'DELETE', status: '204' },
      ],
    });
  });
});
