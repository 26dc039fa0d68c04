import { InvalidInputError } from '../../../lambdas/domain/errors';
import {
  auditParamsOf,
  listingParamsOf,
  pathString,
  requestLogQueryOf,
  statusChangeOf,
  tokenCreationOf,
} from '../../../lambdas/http/admin-input';

/** The InvalidInputError `run` throws. */
function refusal(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected a refusal');
}
const pathsOf = (run: () => unknown) => (refusal(run).fields ?? []).map((f) => f.path).sort();

test('a zod path is written as the console names a field', () => {
  expect(pathString(['customAttributes', 0, 'name'])).toBe('customAttributes[0].name');
  expect(pathString(['inviteEmail', 'subject'])).toBe('inviteEmail.subject');
  expect(pathString([])).toBe('');
});

describe('tokenCreationOf', () => {
  test.each([
    ['no body', undefined, 'okta'],
    ['{}', {}, 'okta'],
    ['{"idp": "onelogin"}', { idp: 'onelogin' }, 'onelogin'],
    ['{"idp": "generic"}', { idp: 'generic' }, 'generic'],
  ])('%s -> %s', (_name, body, idp) => {
    expect(tokenCreationOf(body)).toBe(idp);
  });

  test.each([
    ['an unknown idp', { idp: 'auth0' }],
    ['an idp in other case', { idp: 'Okta' }],
    ['a null idp', { idp: null }],
    ['a number', { idp: 1 }],
    ['another field', { name: 'x' }],
    ['idp and another field', { idp: 'okta', name: 'x' }],
    ['null', null],
    ['an array', []],
    ['a string', 'okta'],
  ])('%s is an InvalidInputError naming idp', (_name, body) => {
    const error = refusal(() => tokenCreationOf(body));
    expect(error.fields).toEqual([{ path: 'idp', message: expect.stringContaining('"jumpcloud"') }]);
    expect(error.message).toContain('idp');
  });
});

describe('statusChangeOf', () => {
  test('active or inactive', () => {
    expect(statusChangeOf({ status: 'inactive' })).toBe('inactive');
  });

  test.each([
    [{ status: 'paused' }, ['status']],
    [{ status: 'active', x: 1 }, ['x']],
    [null, ['status']],
  ])('%j names %j', (body, paths) => {
    expect(pathsOf(() => statusChangeOf(body))).toEqual(paths);
  });
});

describe('listingParamsOf', () => {
  test('defaults, and an empty cursor or search is none', () => {
    expect(listingParamsOf({})).toEqual({ limit: 50, cursor: undefined, search: undefined });
    expect(listingParamsOf({ limit: '200', cursor: '', search: '' })).toEqual({
      limit: 200,
      cursor: undefined,
      search: undefined,
    });
    expect(listingParamsOf({ search: 'Ada' }).search).toBe('Ada');
  });

  test('every bad parameter is named at once', () => {
    expect(pathsOf(() => listingParamsOf({ limit: '0', search: 'x'.repeat(257) }))).toEqual([
      'limit',
      'search',
    ]);
    expect(pathsOf(() => listingParamsOf({ limit: 'abc' }))).toEqual(['limit']);
    expect(pathsOf(() => listingParamsOf({ limit: ' 5' }))).toEqual(['limit']);
    expect(pathsOf(() => listingParamsOf({ limit: '201' }))).toEqual(['limit']);
    expect(pathsOf(() => listingParamsOf({ cursor: 'c'.repeat(3000) }))).toEqual(['cursor']);
  });
});

test('the audit limit is 1 to 100', () => {
  expect(auditParamsOf({ limit: '100' }).limit).toBe(100);
  expect(pathsOf(() => auditParamsOf({ limit: '101' }))).toEqual(['limit']);
});

describe('requestLogQueryOf', () => {
  test('defaults, classes, exact codes (with their class) and normalised times', () => {
    expect(requestLogQueryOf({})).toEqual({ limit: 50 });
    expect(requestLogQueryOf({ status: '4xx', limit: '200' })).toEqual({ statusClass: '4xx', limit: 200 });
    expect(requestLogQueryOf({ status: '503' })).toEqual({ status: 503, statusClass: '5xx', limit: 50 });
    expect(requestLogQueryOf({ status: '304' })).toEqual({ status: 304, statusClass: '2xx', limit: 50 });
    expect(requestLogQueryOf({ since: '2026-12-01T13:00:00+01:00', resource: 'Groups' })).toEqual({
      since: '2026-12-01T12:00:00.000Z',
      resourceType: 'Groups',
      limit: 50,
    });
  });

  test('every problem is named at once, an unknown parameter too', () => {
    expect(
      pathsOf(() => requestLogQueryOf({ status: 'bad', limit: '0', since: 'x', statuss: '4xx' })),
    ).toEqual(['limit', 'since', 'status', 'statuss']);
  });

  test('until before since is named', () => {
    const query = { since: '2026-12-01T13:00:00Z', until: '2026-12-01T12:00:00Z' };
    expect(pathsOf(() => requestLogQueryOf(query))).toEqual(['until']);
  });
});
