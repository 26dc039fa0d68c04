import {
  compileFilter,
  matchesFilter,
  matchesValueFilter,
  parseDateTime,
  validateFilter,
} from '../../../lambdas/scim/filter/evaluate';
import { parseFilter } from '../../../lambdas/scim/filter/parse';
import type { AttributeDefinition, AttributeType, ResourceSchema } from '../../../lambdas/scim/schemas/types';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function attr(
  name: string,
  type: AttributeType,
  options: Partial<AttributeDefinition> = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const emails = attr('emails', 'complex', {
  multiValued: true,
  subAttributes: [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')],
});
const members = attr('members', 'complex', {
  multiValued: true,
  subAttributes: [attr('value', 'string', { caseExact: true }), attr('display', 'string')],
});

/** A small User schema; `id`, `externalId` and `meta` are deliberately absent (common attributes). */
const schema: ResourceSchema = {
  resourceType: 'User',
  core: {
    id: CORE_USER,
    name: 'User',
    description: '',
    attributes: [
      attr('userName', 'string', { uniqueness: 'server' }),
      attr('displayName', 'string'),
      attr('title', 'string'),
      attr('nickName', 'string', { caseExact: true }),
      attr('active', 'boolean'),
      attr('age', 'integer'),
      attr('score', 'decimal'),
      attr('birthday', 'dateTime'),
      attr('photo', 'binary', { caseExact: true }),
      attr('name', 'complex', { subAttributes: [attr('givenName', 'string'), attr('familyName', 'string')] }),
      emails,
      attr('phoneNumbers', 'complex', {
        multiValued: true,
        subAttributes: [attr('value', 'string'), attr('type', 'string')],
      }),
      attr('nicknames', 'string', { multiValued: true }),
      members,
    ],
  },
  extensions: [
    {
      required: false,
      schema: {
        id: ENTERPRISE,
        name: 'EnterpriseUser',
        description: '',
        attributes: [
          attr('employeeNumber', 'string'),
          attr('costCenter', 'string', { caseExact: true }),
          attr('manager', 'complex', {
            subAttributes: [attr('value', 'string', { caseExact: true }), attr('displayName', 'string')],
          }),
        ],
      },
    },
  ],
};

const user: Record<string, unknown> = {
  schemas: [CORE_USER, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Ext-42',
  userName: 'Bjensen@Example.com',
  displayName: 'Babs Jensen',
  nickName: 'Babs',
  title: 'Tour Guide',
  active: true,
  age: 42,
  score: 9.5,
  birthday: '1980-02-03T10:00:00Z',
  photo: 'QUJD',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [],
  nicknames: ['bj', 'Barbie'],
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
    version: 'W/"3694e05e9dff590"',
  },
  [ENTERPRISE]: {
    employeeNumber: '701984',
    costCenter: 'CC-4130',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
  },
};

const matches = (filter: string, resource: Record<string, unknown> = user) =>
  matchesFilter(parseFilter(filter), resource, schema);

function errorOf(fn: () => unknown): { status?: number; scimType?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { status?: number; scimType?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('matchesFilter: string operators', () => {
  it.each([
    ['userName eq "bjensen@example.com"', true],
    ['userName eq "someone@example.com"', false],
    ['userName ne "someone@example.com"', true],
    ['userName ne "BJENSEN@example.com"', false],
    ['userName co "JENSEN"', true],
    ['userName co "smith"', false],
    ['userName sw "bjen"', true],
    ['userName sw "jensen"', false],
    ['userName ew "@EXAMPLE.COM"', true],
    ['userName ew "@example.org"', false],
    ['title gt "Tour"', true],
    ['title gt "tour guide"', false],
    ['title ge "tour guide"', true],
    ['title lt "U"', true],
    ['title lt "tour guide"', false],
    ['title le "TOUR GUIDE"', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });
});

describe('matchesFilter: caseExact', () => {
  it('compares caseExact=false attributes case-insensitively', () => {
    expect(matches('userName eq "BJENSEN@EXAMPLE.COM"')).toBe(true);
    expect(matches('displayName eq "babs jensen"')).toBe(true);
  });

  it('compares caseExact=true attributes exactly', () => {
    expect(matches('nickName eq "Babs"')).toBe(true);
    expect(matches('nickName eq "babs"')).toBe(false);
    expect(matches('nickName sw "b"')).toBe(false);
    expect(matches(`${ENTERPRISE}:costCenter eq "cc-4130"`)).toBe(false);
    expect(matches(`${ENTERPRISE}:costCenter eq "CC-4130"`)).toBe(true);
  });

  it('treats id and externalId as caseExact common attributes (RFC 7643 §3.1)', () => {
    expect(matches('id eq "2819c223-7f76-453a-919d-413861904646"')).toBe(true);
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
    expect(matches('externalId eq "Ext-42"')).toBe(true);
    expect(matches('externalId eq "ext-42"')).toBe(false);
  });

  it('compares attributes the schema does not define case-insensitively', () => {
    expect(matches('undefinedThing eq "x"', { ...user, undefinedThing: 'X' })).toBe(true);
  });

  it('honours caseExact of sub-attributes inside value filters', () => {
    const group = { members: [{ value: 'AbC', display: 'Alice' }] };
    expect(matches('members[value eq "AbC"]', group)).toBe(true);
    expect(matches('members[value eq "abc"]', group)).toBe(false);
    expect(matches('members[display eq "ALICE"]', group)).toBe(true);
  });
});

describe('matchesFilter: attribute names', () => {
  it('matches attribute names case-insensitively in the filter and in the resource', () => {
    expect(matches('USERNAME eq "bjensen@example.com"')).toBe(true);
    expect(matches('userName eq "a"', { UserName: 'A' })).toBe(true);
    expect(matches('NAME.GIVENNAME eq "barbara"')).toBe(true);
    expect(matches('Emails[TYPE eq "work"]')).toBe(true);
  });

  it('resolves URN-qualified core and extension attributes', () => {
    expect(matches(`${CORE_USER}:userName eq "bjensen@example.com"`)).toBe(true);
    expect(matches(`${CORE_USER}:name.familyName eq "jensen"`)).toBe(true);
    expect(matches(`${ENTERPRISE}:employeeNumber eq "701984"`)).toBe(true);
    expect(matches(`${ENTERPRISE.toLowerCase()}:EMPLOYEENUMBER eq "701984"`)).toBe(true);
    expect(matches(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toBe(true);
    expect(matches(`${ENTERPRISE}:manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toBe(true);
  });

  it('finds unqualified extension attributes under the extension key', () => {
    expect(matches('employeeNumber eq "701984"')).toBe(true);
    expect(matches('employeeNumber eq 701984')).toBe(true);
  });

  it('reads the extension key case-insensitively', () => {
    const resource = { [ENTERPRISE.toLowerCase()]: { employeenumber: '7' } };
    expect(matches(`${ENTERPRISE}:employeeNumber eq "7"`, resource)).toBe(true);
  });

  it('accepts Entra manager stored as a bare string', () => {
    const resource = { [ENTERPRISE]: { manager: 'm-1' } };
    expect(matches(`${ENTERPRISE}:manager.value eq "m-1"`, resource)).toBe(true);
    expect(matches(`${ENTERPRISE}:manager eq "m-1"`, resource)).toBe(true);
  });

  it('does not match an attribute qualified with the wrong schema', () => {
    expect(matches(`${ENTERPRISE}:userName eq "bjensen@example.com"`)).toBe(false);
  });
});

describe('matchesFilter: multi-valued attributes', () => {
  it('matches when any value matches', () => {
    expect(matches('emails.value eq "babs@jensen.org"')).toBe(true);
    expect(matches('emails.value eq "nobody@example.com"')).toBe(false);
    expect(matches('emails.type eq "home"')).toBe(true);
    expect(matches('nicknames eq "barbie"')).toBe(true);
    expect(matches('nicknames eq "nope"')).toBe(false);
  });

  it('compares a complex multi-valued attribute without sub-attribute through "value"', () => {
    expect(matches('emails co "jensen.org"')).toBe(true);
    expect(matches('emails eq "work"')).toBe(false);
  });

  it('ne matches when any value differs, and on absent attributes', () => {
    expect(matches('emails.type ne "work"')).toBe(true);
    expect(matches('emails.type ne "x"', { emails: [{ type: 'x' }] })).toBe(false);
    expect(matches('phoneNumbers.value ne "1"')).toBe(true);
    expect(matches('nonexistent ne "1"')).toBe(true);
  });
});

describe('matchesFilter: value paths', () => {
  it('requires one value to satisfy the whole inner filter', () => {
    expect(matches('emails[type eq "work" and value co "@example.com"]')).toBe(true);
    expect(matches('emails[type eq "home" and value co "@example.com"]')).toBe(false);
    expect(matches('emails[type eq "work" and primary eq true]')).toBe(true);
    expect(matches('emails[type eq "home" and primary eq true]')).toBe(false);
    expect(matches('emails[not (type eq "work")]')).toBe(true);
    expect(matches('emails[primary pr]')).toBe(true);
    expect(matches('phoneNumbers[type eq "work"]')).toBe(false);
  });

  it('matches Entra\'s emails[type eq "work"].value eq "x"', () => {
    expect(matches('emails[type eq "work"].value eq "BJENSEN@example.com"')).toBe(true);
    expect(matches('emails[type eq "home"].value eq "bjensen@example.com"')).toBe(false);
  });

  it('combines value paths with other expressions', () => {
    expect(matches('userName sw "b" and emails[type eq "home"]')).toBe(true);
    expect(matches('userName sw "x" or emails[type eq "other"]')).toBe(false);
  });

  it('treats a single-valued complex attribute as one value', () => {
    expect(matches('name[givenName eq "barbara"]')).toBe(true);
  });

  it('treats the "value" of a simple multi-valued attribute as the value itself', () => {
    expect(matches('nicknames[value eq "BJ"]')).toBe(true);
  });
});

describe('matchesFilter: pr', () => {
  it.each([
    ['title pr', true],
    ['name.givenName pr', true],
    ['name pr', true],
    ['emails pr', true],
    ['emails.value pr', true],
    ['phoneNumbers pr', false],
    ['nickName pr', true],
    ['nonexistent pr', false],
    [`${ENTERPRISE}:employeeNumber pr`, true],
    ['meta.lastModified pr', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('treats null, empty strings, empty arrays and empty objects as absent', () => {
    const resource = {
      title: '',
      displayName: null,
      emails: [],
      name: { givenName: '' },
      nicknames: [null, ''],
    };
    for (const a of ['title', 'displayName', 'emails', 'name', 'name.givenName', 'nicknames', 'userName']) {
      expect(matches(`${a} pr`, resource)).toBe(false);
    }
  });
});

describe('matchesFilter: null literal', () => {
  it('eq null means absent, ne null means present', () => {
    expect(matches('title eq null')).toBe(false);
    expect(matches('title ne null')).toBe(true);
    expect(matches('nonexistent eq null')).toBe(true);
    expect(matches('nonexistent ne null')).toBe(false);
  });

  it('rejects other operators with null', () => {
    expect(errorOf(() => matches('title gt null'))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(errorOf(() => matches('title co null'))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('matchesFilter: booleans', () => {
  it('supports eq and ne', () => {
    expect(matches('active eq true')).toBe(true);
    expect(matches('active eq false')).toBe(false);
    expect(matches('active ne false')).toBe(true);
    expect(matches('active eq "True"')).toBe(true);
    expect(matches('active eq false', { active: 'False' })).toBe(true);
  });

  it.each([
    'active gt true',
    'active ge false',
    'active lt true',
    'active le true',
    'active co true',
    'active sw "t"',
  ])('rejects %s with 400 invalidFilter (RFC 7644 §3.4.2.2)', (filter) => {
    expect(errorOf(() => matches(filter))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('rejects ordering against a boolean literal on any attribute', () => {
    expect(errorOf(() => matches('title gt true'))).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('rejects a non-boolean value for a boolean attribute', () => {
    expect(errorOf(() => matches('active eq "yes"'))).toMatchObject({ scimType: 'invalidFilter' });
  });
});

describe('matchesFilter: binary', () => {
  it('supports eq but not ordering', () => {
    expect(matches('photo eq "QUJD"')).toBe(true);
    expect(matches('photo eq "qujd"')).toBe(false);
    expect(errorOf(() => matches('photo gt "A"'))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('matchesFilter: numbers', () => {
  it.each([
    ['age eq 42', true],
    ['age ne 42', false],
    ['age gt 41', true],
    ['age gt 42', false],
    ['age ge 42', true],
    ['age lt 100', true],
    ['age le 41', false],
    ['score gt 9.25', true],
    ['score lt 10', true],
    ['age eq "42"', true],
    ['age co 4', true],
    ['age gt 5', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('compares numerically, not lexicographically', () => {
    expect(matches('age gt 5', { age: 10 })).toBe(true);
    expect(matches('age lt 9', { age: 10 })).toBe(false);
  });

  it('rejects a non-numeric value for a number attribute', () => {
    expect(errorOf(() => matches('age gt "old"'))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('compares numbers numerically on attributes the schema does not define', () => {
    expect(matches('loginCount gt 5', { loginCount: 10 })).toBe(true);
  });
});

describe('matchesFilter: dateTime', () => {
  it.each([
    ['meta.lastModified gt "2011-05-13T04:42:33Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified eq "2011-05-13T04:42:34.000Z"', true],
    ['meta.lastModified eq "2011-05-13T06:42:34+02:00"', true],
    ['meta.lastModified lt "2011-05-13T06:42:35+02:00"', true],
    ['meta.lastModified le "2011-05-13"', false],
    ['meta.created lt "2011-01-01T00:00:00Z"', true],
    ['meta.created gt "2011-01-01T00:00:00Z"', false],
    ['meta.lastModified sw "2011-05"', true],
    ['birthday lt "1980-02-03T10:00:00.5Z"', true],
    ['birthday gt "1979-12-31"', true],
    ['birthday eq "1980-02-03T10:00:00"', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('orders by time, not by text', () => {
    const resource = { meta: { lastModified: '2011-05-13T10:00:00+05:00' } };
    // 05:00Z, which is before 06:00Z although the text sorts after it.
    expect(matches('meta.lastModified lt "2011-05-13T06:00:00Z"', resource)).toBe(true);
  });

  it('rejects an invalid dateTime value', () => {
    expect(errorOf(() => matches('meta.lastModified gt "yesterday"'))).toMatchObject({
      status: 400,
      scimType: 'invalidFilter',
    });
    expect(errorOf(() => matches('meta.created gt 5'))).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('parses xsd:dateTime variants', () => {
    expect(parseDateTime('2011-05-13T04:42:34Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34));
    expect(parseDateTime('2011-05-13T04:42:34.1234567Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34, 123));
    expect(parseDateTime('2011-05-13T04:42:34-0130')).toBe(Date.UTC(2011, 4, 13, 6, 12, 34));
    expect(parseDateTime('2011-05-13')).toBe(Date.UTC(2011, 4, 13));
    expect(parseDateTime('not a date')).toBeNaN();
  });
});

describe('matchesFilter: logic', () => {
  it.each([
    ['userName sw "b" and title pr', true],
    ['userName sw "x" and title pr', false],
    ['userName sw "x" or title pr', true],
    ['userName sw "x" or title eq "y"', false],
    ['not (userName sw "x")', true],
    ['not (userName sw "b")', false],
    ['userName sw "x" or title pr and active eq false', false],
    ['(userName sw "x" or title pr) and active eq true', true],
    ['userName sw "b" and not (emails[type eq "other"])', true],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });
});

describe('matchesFilter: client filters', () => {
  it('Okta: userName eq', () => {
    expect(matches('userName eq "bjensen@example.com"')).toBe(true);
  });

  it('Entra: unquoted values and random GUIDs', () => {
    expect(matches('userName eq bjensen@example.com')).toBe(true);
    expect(matches('id eq 2819c223-7f76-453a-919d-413861904646')).toBe(true);
    expect(matches('externalId eq 0b5f6e1c-5f7a-4b53-9f7d-2c8f2f1e0a11')).toBe(false);
  });

  it('Entra: externalId and userName with and', () => {
    expect(matches('externalId eq "Ext-42" and userName eq "bjensen@example.com"')).toBe(true);
  });

  it('Groups: displayName and members', () => {
    const groupSchema: ResourceSchema = {
      resourceType: 'Group',
      core: {
        id: 'urn:ietf:params:scim:schemas:core:2.0:Group',
        name: 'Group',
        description: '',
        attributes: [attr('displayName', 'string'), members],
      },
      extensions: [],
    };
    const group = { id: 'g1', displayName: 'Engineering', members: [{ value: 'u1' }, { value: 'u2' }] };
    const test = (f: string) => matchesFilter(parseFilter(f), group, groupSchema);
    expect(test('displayName eq "engineering"')).toBe(true);
    expect(test('members[value eq "u2"]')).toBe(true);
    expect(test('members.value eq "u3"')).toBe(false);
    expect(test('id eq "g1"')).toBe(true);
  });
});

describe('compileFilter / validateFilter', () => {
  it('rejects bad operator/type combinations before any resource is evaluated', () => {
    expect(errorOf(() => validateFilter(parseFilter('active gt true'), schema))).toMatchObject({
      status: 400,
      scimType: 'invalidFilter',
    });
    expect(errorOf(() => compileFilter(parseFilter('title pr or active lt false'), schema))).toMatchObject({
      scimType: 'invalidFilter',
    });
    expect(() => validateFilter(parseFilter('userName eq "x"'), schema)).not.toThrow();
  });

  it('compiles once and evaluates many resources', () => {
    const predicate = compileFilter(parseFilter('userName sw "a"'), schema);
    expect([{ userName: 'alice' }, { userName: 'bob' }, { userName: 'Anna' }].filter(predicate)).toHaveLength(
      2,
    );
  });
});

describe('matchesValueFilter (PATCH value filters)', () => {
  it('selects member values', () => {
    const filter = parseFilter('value eq "u1"');
    expect(matchesValueFilter(filter, { value: 'u1', display: 'A' }, members)).toBe(true);
    expect(matchesValueFilter(filter, { value: 'U1' }, members)).toBe(false);
    expect(matchesValueFilter(filter, { value: 'u2' }, members)).toBe(false);
  });

  it('selects email values by type and primary', () => {
    const filter = parseFilter('type eq "WORK" and primary eq true');
    expect(matchesValueFilter(filter, { value: 'a', type: 'work', primary: true }, emails)).toBe(true);
    expect(matchesValueFilter(filter, { value: 'a', type: 'work' }, emails)).toBe(false);
    expect(matchesValueFilter(filter, { value: 'a', type: 'work', primary: 'True' }, emails)).toBe(true);
  });

  it('uses the value of a bare string element', () => {
    expect(matchesValueFilter(parseFilter('value eq "u1"'), 'u1', members)).toBe(true);
    expect(matchesValueFilter(parseFilter('display pr'), 'u1', members)).toBe(false);
  });

  it('reads sub-attribute keys case-insensitively', () => {
    expect(matchesValueFilter(parseFilter('TYPE eq "work"'), { Type: 'Work' }, emails)).toBe(true);
  });

  it('rejects type errors', () => {
    expect(errorOf(() => matchesValueFilter(parseFilter('primary gt true'), {}, emails))).toMatchObject({
      scimType: 'invalidFilter',
    });
  });
});
