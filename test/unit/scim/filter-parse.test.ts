import type { Filter } from '../../../lambdas/scim/filter/ast';
import { parseFilter, parsePatchPath } from '../../../lambdas/scim/filter/parse';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const eq = (attribute: string, value: string | number | boolean | null): Filter => ({
  kind: 'compare',
  path: { attribute },
  op: 'eq',
  value,
});
const pr = (attribute: string): Filter => ({ kind: 'present', path: { attribute } });

function errorOf(fn: () => unknown): { status?: number; scimType?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { status?: number; scimType?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('parseFilter: attribute expressions', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('parses operator %s', (op) => {
    expect(parseFilter(`title ${op} "x"`)).toEqual({
      kind: 'compare',
      path: { attribute: 'title' },
      op,
      value: 'x',
    });
  });

  it('parses operators case-insensitively and normalises them to lower case', () => {
    expect(parseFilter('userName EQ "a"')).toEqual(eq('userName', 'a'));
    expect(parseFilter('userName Sw "a"')).toMatchObject({ op: 'sw' });
    expect(parseFilter('title PR')).toEqual(pr('title'));
  });

  it('keeps the attribute name as sent', () => {
    expect(parseFilter('USERNAME eq "a"')).toEqual(eq('USERNAME', 'a'));
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual(pr('title'));
  });

  it('parses literals: true, false, null, numbers (case-insensitive keywords)', () => {
    expect(parseFilter('active eq true')).toEqual(eq('active', true));
    expect(parseFilter('active eq False')).toEqual(eq('active', false));
    expect(parseFilter('title eq null')).toEqual(eq('title', null));
    expect(parseFilter('n eq 42')).toEqual(eq('n', 42));
    expect(parseFilter('n gt -1.5e2')).toMatchObject({ op: 'gt', value: -150 });
    expect(parseFilter('n eq 0')).toEqual(eq('n', 0));
  });

  it('parses JSON string escapes', () => {
    expect(parseFilter('title eq "a\\"b"')).toEqual(eq('title', 'a"b'));
    expect(parseFilter('title eq "a\\\\b"')).toEqual(eq('title', 'a\\b'));
    expect(parseFilter('title eq "\\u00e9t\\u00C9"')).toEqual(eq('title', 'étÉ'));
    expect(parseFilter('title eq "a\\/b\\n"')).toEqual(eq('title', 'a/b\n'));
    expect(parseFilter('title eq ""')).toEqual(eq('title', ''));
    expect(parseFilter('title eq "and or not ( ) [ ]"')).toEqual(eq('title', 'and or not ( ) [ ]'));
  });

  it('parses sub-attributes', () => {
    expect(parseFilter('name.givenName eq "B"')).toEqual({
      kind: 'compare',
      path: { attribute: 'name', subAttribute: 'givenName' },
      op: 'eq',
      value: 'B',
    });
    expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toMatchObject({
      path: { attribute: 'meta', subAttribute: 'lastModified' },
      op: 'gt',
    });
    expect(parseFilter('members.$ref pr')).toEqual({
      kind: 'present',
      path: { attribute: 'members', subAttribute: '$ref' },
    });
  });

  it('parses URN-qualified attribute paths', () => {
    expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "7"`)).toEqual({
      kind: 'compare',
      path: { schema: ENTERPRISE, attribute: 'employeeNumber' },
      op: 'eq',
      value: '7',
    });
    expect(parseFilter(`${CORE_USER}:userName eq "a"`)).toMatchObject({
      path: { schema: CORE_USER, attribute: 'userName' },
    });
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "m"`)).toMatchObject({
      path: { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    });
    expect(parseFilter(`${CORE_USER.toUpperCase()}:name.familyName pr`)).toEqual({
      kind: 'present',
      path: { schema: CORE_USER.toUpperCase(), attribute: 'name', subAttribute: 'familyName' },
    });
  });

  it('tolerates extra whitespace', () => {
    expect(parseFilter('  userName   eq\t"a"  ')).toEqual(eq('userName', 'a'));
    expect(parseFilter('( a pr )\n and\n( b pr )')).toEqual({ kind: 'and', left: pr('a'), right: pr('b') });
    expect(parseFilter('emails[ type eq "work" ]')).toMatchObject({ kind: 'valuePath' });
  });
});

describe('parseFilter: logical expressions', () => {
  it('gives and precedence over or', () => {
    expect(parseFilter('a pr or b pr and c pr')).toEqual({
      kind: 'or',
      left: pr('a'),
      right: { kind: 'and', left: pr('b'), right: pr('c') },
    });
    expect(parseFilter('a pr and b pr or c pr')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: pr('a'), right: pr('b') },
      right: pr('c'),
    });
  });

  it('associates chains to the left', () => {
    expect(parseFilter('a pr and b pr and c pr')).toEqual({
      kind: 'and',
      left: { kind: 'and', left: pr('a'), right: pr('b') },
      right: pr('c'),
    });
  });

  it('honours parentheses', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: pr('a'), right: pr('b') },
      right: pr('c'),
    });
    expect(parseFilter('((a pr))')).toEqual(pr('a'));
  });

  it('parses and/or/not case-insensitively', () => {
    expect(parseFilter('a pr AND b pr Or NOT (c pr)')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: pr('a'), right: pr('b') },
      right: { kind: 'not', filter: pr('c') },
    });
  });

  it('parses not with and without a space before the parenthesis', () => {
    expect(parseFilter('not (a pr)')).toEqual({ kind: 'not', filter: pr('a') });
    expect(parseFilter('not(a pr)')).toEqual({ kind: 'not', filter: pr('a') });
    expect(parseFilter('a pr and not (b eq "x" or c pr)')).toEqual({
      kind: 'and',
      left: pr('a'),
      right: { kind: 'not', filter: { kind: 'or', left: eq('b', 'x'), right: pr('c') } },
    });
  });

  it('still accepts an attribute literally named "not"', () => {
    expect(parseFilter('not eq "x"')).toEqual(eq('not', 'x'));
  });

  it('parses the RFC 7644 §3.4.2.2 examples', () => {
    const examples = [
      'userName Eq "john"',
      'title pr',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and (emails.type eq "work")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
    ];
    for (const example of examples) expect(() => parseFilter(example)).not.toThrow();
  });
});

describe('parseFilter: value paths', () => {
  it('parses a value filter', () => {
    expect(parseFilter('emails[type eq "work" and primary eq true]')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: eq('primary', true) },
    });
  });

  it('parses not and parentheses inside a value filter', () => {
    expect(parseFilter('emails[not (type eq "work") and (value pr)]')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: { kind: 'not', filter: eq('type', 'work') }, right: pr('value') },
    });
  });

  it('parses a URN-qualified value path', () => {
    expect(parseFilter(`${CORE_USER}:emails[type eq "work"]`)).toEqual({
      kind: 'valuePath',
      path: { schema: CORE_USER, attribute: 'emails' },
      filter: eq('type', 'work'),
    });
  });

  it('parses a value path combined with other expressions', () => {
    expect(parseFilter('userName eq "a" and members[value eq "b"]')).toEqual({
      kind: 'and',
      left: eq('userName', 'a'),
      right: { kind: 'valuePath', path: { attribute: 'members' }, filter: eq('value', 'b') },
    });
  });
});

describe('parseFilter: client quirks', () => {
  it('parses Entra\'s emails[type eq "work"].value eq "x" as one value filter', () => {
    expect(parseFilter('emails[type eq "work"].value eq "x@y.com"')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'x@y.com') },
    });
    expect(parseFilter('emails[type eq "work"].value pr')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: pr('value') },
    });
  });

  it('combines the Entra shape with and', () => {
    expect(parseFilter('emails[type eq "work"].value eq "x" and active eq true')).toMatchObject({
      kind: 'and',
      left: { kind: 'valuePath' },
      right: eq('active', true),
    });
  });

  it('accepts unquoted string values (Entra documented example, bare GUIDs)', () => {
    expect(parseFilter('userName eq john@contoso.com')).toEqual(eq('userName', 'john@contoso.com'));
    expect(parseFilter('id eq 5d48a0a8-e3fc-4be5-b3a6-b8f7cb2bb1ed')).toEqual(
      eq('id', '5d48a0a8-e3fc-4be5-b3a6-b8f7cb2bb1ed'),
    );
    expect(parseFilter('id eq 1234e567-0000-4000-8000-000000000000')).toEqual(
      eq('id', '1234e567-0000-4000-8000-000000000000'),
    );
    expect(parseFilter('externalId eq abc and userName eq x')).toEqual({
      kind: 'and',
      left: eq('externalId', 'abc'),
      right: eq('userName', 'x'),
    });
    expect(parseFilter('members[value eq abc]')).toMatchObject({ filter: eq('value', 'abc') });
    expect(parseFilter('(userName eq abc)')).toEqual(eq('userName', 'abc'));
  });

  it("keeps Okta's quoted userName lookup intact", () => {
    expect(parseFilter('userName eq "isaac.brock@example.com"')).toEqual(
      eq('userName', 'isaac.brock@example.com'),
    );
    expect(parseFilter('displayName eq "Engineering Team"')).toEqual(eq('displayName', 'Engineering Team'));
  });
});

describe('parseFilter: malformed input', () => {
  const malformed: [string, string][] = [
    ['', 'empty'],
    ['   ', 'blank'],
    ['userName', 'missing operator'],
    ['userName eq', 'missing value'],
    ['userName xx "a"', 'unknown operator'],
    ['userName eq "a', 'unterminated string'],
    ['userName eq "a\\x"', 'bad escape'],
    ['userName eq "\\u12"', 'short unicode escape'],
    ['userName eq "a" and', 'dangling and'],
    ['or userName eq "a"', 'leading or... parsed as attribute "or" then bad operator'],
    ['(userName eq "a"', 'unclosed parenthesis'],
    ['userName eq "a")', 'stray closing parenthesis'],
    ['not userName eq "a"', 'not without parentheses'],
    ['not', 'bare not'],
    ['emails[type eq "work"', 'unclosed bracket'],
    ['emails[type eq "work"]]', 'extra bracket'],
    ['emails[type[value eq "a"] eq "b"]', 'nested value path'],
    ['name.givenName[value eq "a"]', 'value path on sub-attribute'],
    ['a.b.c eq "x"', 'too many dots'],
    ['1abc eq "x"', 'attribute starting with a digit'],
    ['user*name eq "x"', 'bad attribute character'],
    ['foo:bar eq "x"', 'colon without urn'],
    ['urn:ietf:params:scim:schemas:core:2.0:User: eq "x"', 'URN without attribute'],
    ['userName eq "a" userName eq "b"', 'missing logical operator'],
    ['userName eq "a" xor title pr', 'unknown logical operator'],
    ['() ', 'empty group'],
    ['userName eq and', 'keyword as value'],
    ['"userName" eq "a"', 'quoted attribute'],
    ['emails[type eq "work"].value', 'Entra shape without comparison'],
    ['emails[type eq "work"].1x eq "a"', 'bad sub-attribute after value filter'],
    ['title eq 1e999', 'number out of range'],
    ['title eq a\\b', 'backslash in unquoted value'],
    ['title eq "a"b"', 'trailing garbage after string'],
    ['[type eq "work"]', 'value filter without attribute'],
    ['title pr pr', 'operator twice'],
  ];

  it.each(malformed)('rejects %j (%s) with 400 invalidFilter and a position', (text) => {
    const error = errorOf(() => parseFilter(text));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.message).toMatch(/^Invalid filter: .+ at position \d+$/);
  });

  it('reports where the problem is', () => {
    expect(errorOf(() => parseFilter('userName xx "a"')).message).toContain('at position 10');
    expect(errorOf(() => parseFilter('userName eq "a" and')).message).toContain('at position 20');
  });

  it('rejects filters longer than 10,000 characters', () => {
    const long = `title eq "${'a'.repeat(10_000)}"`;
    expect(errorOf(() => parseFilter(long))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    const justFits = `title eq "${'a'.repeat(10_000 - 11)}"`;
    expect(justFits.length).toBe(10_000);
    expect(() => parseFilter(justFits)).not.toThrow();
  });

  it('rejects nesting deeper than 50 levels', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}title pr${')'.repeat(depth)}`;
    expect(() => parseFilter(nested(50))).not.toThrow();
    expect(errorOf(() => parseFilter(nested(51)))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    const nots = (depth: number) => `${'not ('.repeat(depth)}title pr${')'.repeat(depth)}`;
    expect(() => parseFilter(nots(50))).not.toThrow();
    expect(errorOf(() => parseFilter(nots(51)))).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('handles long and-chains within the length limit', () => {
    const chain = Array.from({ length: 800 }, (_, i) => `a${i} pr`).join(' and ');
    expect(parseFilter(chain).kind).toBe('and');
  });
});

describe('parsePatchPath', () => {
  it('parses an attribute path', () => {
    expect(parsePatchPath('members')).toEqual({ path: { attribute: 'members' } });
    expect(parsePatchPath('name.givenName')).toEqual({
      path: { attribute: 'name', subAttribute: 'givenName' },
    });
  });

  it('parses URN-qualified paths', () => {
    expect(parsePatchPath(`${ENTERPRISE}:manager`)).toEqual({
      path: { schema: ENTERPRISE, attribute: 'manager' },
    });
    expect(parsePatchPath(`${ENTERPRISE}:manager.value`)).toEqual({
      path: { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    });
    expect(parsePatchPath(`${CORE_USER}:name.givenName`)).toEqual({
      path: { schema: CORE_USER, attribute: 'name', subAttribute: 'givenName' },
    });
  });

  it('parses value filters and a trailing sub-attribute', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      path: { attribute: 'members' },
      valueFilter: eq('value', '2819c223-7f76-453a-919d-413861904646'),
    });
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      path: { attribute: 'emails' },
      valueFilter: eq('type', 'work'),
      subAttribute: 'value',
    });
    expect(parsePatchPath('addresses[type eq "work"].formatted')).toMatchObject({
      subAttribute: 'formatted',
    });
    expect(parsePatchPath('emails[type eq "work" and primary eq true]')).toMatchObject({
      valueFilter: { kind: 'and' },
    });
    expect(parsePatchPath(`${CORE_USER}:emails[type eq "work"].value`)).toEqual({
      path: { schema: CORE_USER, attribute: 'emails' },
      valueFilter: eq('type', 'work'),
      subAttribute: 'value',
    });
  });

  it('tolerates surrounding whitespace', () => {
    expect(parsePatchPath('  members  ')).toEqual({ path: { attribute: 'members' } });
  });

  it.each([
    '',
    '   ',
    'a.b.c',
    'name.',
    '.name',
    'foo:bar',
    'members[value eq "x"',
    'members value',
    'members[value eq "x"].',
    'members[value eq "x"].a.b',
    'members[value eq "x"]x',
    'name.givenName[value eq "x"]',
    '1members',
    'urn:ietf:params:scim:schemas:core:2.0:User:',
  ])('rejects %j with 400 invalidPath', (text) => {
    const error = errorOf(() => parsePatchPath(text));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidPath' });
    expect(error.message).toMatch(/at position \d+$/);
  });

  it.each(['members[value eq]', 'members[]', 'members[value eq "x" and]', 'members[value[x eq "y"] pr]'])(
    'rejects the malformed value filter in %j with 400 invalidFilter (RFC 7644 §3.12)',
    (text) => {
      expect(errorOf(() => parsePatchPath(text))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    },
  );
});
