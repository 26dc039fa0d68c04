import { parseFilter } from '../../../lambdas/scim/filter/parse';
import { indexableEqualities } from '../../../lambdas/scim/filter/plan';

const plan = (filter: string) => indexableEqualities(parseFilter(filter));

describe('indexableEqualities', () => {
  it.each([
    ['userName eq "a@b.c"', 'username', 'a@b.c'],
    ['USERNAME EQ "a@b.c"', 'username', 'a@b.c'],
    ['externalId eq "x"', 'externalid', 'x'],
    ['id eq "1"', 'id', '1'],
    ['displayName eq "Engineering"', 'displayname', 'Engineering'],
    ['emails.value eq "a@b.c"', 'emails.value', 'a@b.c'],
    ['emails eq "a@b.c"', 'emails.value', 'a@b.c'],
    ['emails[value eq "a@b.c"]', 'emails.value', 'a@b.c'],
    ['emails[type eq "work" and value eq "a@b.c"]', 'emails.value', 'a@b.c'],
    ['emails[type eq "work"].value eq "a@b.c"', 'emails.value', 'a@b.c'],
    ['members[value eq "u1"]', 'members.value', 'u1'],
    ['members.value eq "u1"', 'members.value', 'u1'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', 'username', 'a'],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "g"', 'displayname', 'g'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:emails[value eq "a"]', 'emails.value', 'a'],
    ['userName eq john@contoso.com', 'username', 'john@contoso.com'],
  ])('%s -> %s = %s', (filter, attribute, value) => {
    expect(plan(filter)).toEqual([{ attribute, value }]);
  });

  it('collects every required conjunct, in filter order', () => {
    expect(plan('userName eq "a" and title pr and externalId eq "x"')).toEqual([
      { attribute: 'username', value: 'a' },
      { attribute: 'externalid', value: 'x' },
    ]);
    expect(plan('(active eq true and id eq "1") and (displayName eq "d")')).toEqual([
      { attribute: 'id', value: '1' },
      { attribute: 'displayname', value: 'd' },
    ]);
  });

  it('finds the conjuncts inside an and-chain under a value path', () => {
    expect(plan('emails[type eq "work" and (primary eq true and value eq "a")]')).toEqual([
      { attribute: 'emails.value', value: 'a' },
    ]);
  });

  it.each([
    'userName eq "a" or userName eq "b"',
    'not (userName eq "a")',
    'userName ne "a"',
    'userName co "a"',
    'userName sw "a"',
    'userName pr',
    'id eq 5',
    'userName eq null',
    'title eq "x"',
    'name.givenName eq "x"',
    'emails.type eq "work"',
    'emails[type eq "work"]',
    'emails[type eq "work" or value eq "a"]',
    'emails[not (value eq "a")]',
    'phoneNumbers[value eq "1"]',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "7"',
    'urn:example:custom:2.0:User:userName eq "a"',
    '(userName eq "a" and title pr) or id eq "1"',
  ])('finds nothing required in %s', (filter) => {
    expect(plan(filter)).toEqual([]);
  });

  it('keeps the required side of a mix', () => {
    expect(plan('userName eq "a" and (id eq "1" or id eq "2")')).toEqual([
      { attribute: 'username', value: 'a' },
    ]);
    expect(plan('not (title pr) and members.value eq "u"')).toEqual([
      { attribute: 'members.value', value: 'u' },
    ]);
  });
});
