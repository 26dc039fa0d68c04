import { ScimError } from '../../../lambdas/scim/errors';
import { compileFilter } from '../../../lambdas/scim/filter/evaluate';
import { parseFilter } from '../../../lambdas/scim/filter/parse';
import { checkIdentifier, foldIdentifier, hasControlCharacter } from '../../../lambdas/scim/identifiers';
import { normalizeResource } from '../../../lambdas/scim/normalize';
import { applyPatch, PATCH_OP_SCHEMA, parsePatchRequest, planGroupPatch } from '../../../lambdas/scim/patch';
import {
  ENTERPRISE_USER_SCHEMA_URN,
  groupResourceSchema,
  USER_SCHEMA,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';
import { checkScalar, coerceScalar } from '../../../lambdas/scim/schemas/attributes';
import type { AttributeDefinition } from '../../../lambdas/scim/schemas/types';

/** Issue 9, "strict values": what POST, PUT and PATCH refuse, and the documented quirks they keep. */
const userSchema = userResourceSchema();
const groupSchema = groupResourceSchema();
const ENTERPRISE = ENTERPRISE_USER_SCHEMA_URN;

const scimError = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

const expectInvalidValue = (fn: () => unknown, mentions: string) => {
  const error = scimError(fn);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidValue');
  expect(error.detail).toContain(mentions);
};

const create = (body: Record<string, unknown>) =>
  normalizeResource({ schemas: [USER_SCHEMA_URN], ...body }, userSchema, 'create');

const patch = (resource: Record<string, unknown>, ...operations: unknown[]) =>
  applyPatch(resource, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }), userSchema);

const ada = () => ({ schemas: [USER_SCHEMA_URN], userName: 'ada', title: 'Engineer', active: true });

const attribute = (name: string): AttributeDefinition => {
  const found = USER_SCHEMA.attributes.find((a) => a.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe('checkScalar', () => {
  const string = attribute('title');
  const boolean = attribute('active');
  const integer: AttributeDefinition = { ...string, name: 'n', type: 'integer' };
  const decimal: AttributeDefinition = { ...string, name: 'd', type: 'decimal' };
  const dateTime: AttributeDefinition = { ...string, name: 'when', type: 'dateTime' };

  test.each([
    [string, 4242],
    [string, true],
    [string, { value: 'x' }],
    [boolean, 1],
    [boolean, 'yes'],
    [boolean, 'on'],
    [integer, '7'],
    [integer, 7.5],
    [decimal, '7.5'],
    [decimal, Number.NaN],
    [dateTime, 'yesterday'],
    [dateTime, 1700000000],
  ])('refuses %#', (definition, value) => {
    expectInvalidValue(() => checkScalar(definition, value), `'${definition.name}'`);
  });

  test('accepts values of the type, and Entra\'s "True"/"False" for booleans', () => {
    expect(checkScalar(string, 'x')).toBe('x');
    expect(checkScalar(boolean, false)).toBe(false);
    expect(checkScalar(boolean, 'True')).toBe(true);
    expect(checkScalar(boolean, 'FALSE')).toBe(false);
    expect(checkScalar(integer, 7)).toBe(7);
    expect(checkScalar(decimal, 7.5)).toBe(7.5);
    expect(checkScalar(dateTime, '2024-01-01T10:00:00Z')).toBe('2024-01-01T10:00:00Z');
  });

  test('names the type it wanted and the JSON type it got, not the value', () => {
    const error = scimError(() => checkScalar(string, 4242, 'userName'));
    expect(error.detail).toBe("Attribute 'userName' must be of type string, not a number");
  });

  test('coerceScalar (filter values only) still reads unquoted filter values', () => {
    expect(coerceScalar(string, 7)).toBe('7');
    expect(coerceScalar(integer, '7')).toBe(7);
    expect(coerceScalar(boolean, 'true')).toBe(true);
  });
});

describe('POST and PUT bodies are checked against the schema', () => {
  test.each([
    [{ userName: 4242 }, 'userName'],
    [{ userName: 'a', emails: 'x' }, 'emails'],
    [{ userName: 'a', emails: { value: 'a@x' } }, 'emails'],
    [{ userName: 'a', emails: ['a@x'] }, 'emails[0]'],
    [{ userName: 'a', emails: [{ value: 42 }] }, 'emails[0].value'],
    [{ userName: 'a', emails: [{ value: 'a@x', primary: 1 }] }, 'emails[0].primary'],
    [{ userName: 'a', name: 'Ada' }, 'name'],
    [{ userName: 'a', name: { givenName: ['Ada'] } }, 'name.givenName'],
    [{ userName: 'a', title: ['Boss'] }, 'title'],
    [{ userName: 'a', active: 0 }, 'active'],
    [{ userName: 'a', externalId: 12 }, 'externalId'],
    [{ userName: 'a', [ENTERPRISE]: { employeeNumber: 7 } }, 'employeeNumber'],
    [{ userName: 'a', [ENTERPRISE]: { manager: 7 } }, 'manager'],
    [{ userName: 'a', [ENTERPRISE]: { manager: ['m'] } }, 'manager'],
    [{ userName: 'a', [`${ENTERPRISE}:department`]: false }, 'department'],
  ])('refuses %j naming %s', (body, mentions) => {
    expectInvalidValue(() => create(body), mentions);
    expectInvalidValue(
      () => normalizeResource({ schemas: [USER_SCHEMA_URN], ...body }, userSchema, 'replace'),
      mentions,
    );
  });

  test('keeps the documented quirks: "True"/"False", a bare-string manager, null as absent', () => {
    expect(
      create({
        userName: 'a',
        active: 'False',
        displayName: null,
        emails: [{ value: 'a@x', primary: 'True' }, null],
        [ENTERPRISE]: { manager: 'm-1', department: null },
      }),
    ).toEqual({
      schemas: [USER_SCHEMA_URN, ENTERPRISE],
      userName: 'a',
      active: false,
      emails: [{ value: 'a@x', primary: true }],
      [ENTERPRISE]: { manager: { value: 'm-1' } },
    });
  });

  test('group displayName and members are checked too', () => {
    expectInvalidValue(() => normalizeResource({ displayName: 7 }, groupSchema, 'create'), 'displayName');
    expectInvalidValue(
      () => normalizeResource({ displayName: 'Eng', members: { value: 'u1' } }, groupSchema, 'create'),
      'members',
    );
    expectInvalidValue(
      () => normalizeResource({ displayName: 'Eng', members: ['u1'] }, groupSchema, 'create'),
      'members[0]',
    );
  });
});

describe('PATCH values are checked as POST checks them', () => {
  test.each([
    [{ op: 'replace', path: 'userName', value: 4242 }, 'userName'],
    [{ op: 'replace', value: { userName: 4242 } }, 'userName'],
    [{ op: 'add', path: 'emails', value: 'x' }, 'emails'],
    [{ op: 'add', path: 'emails', value: { value: 'x@y' } }, 'emails'],
    [{ op: 'add', value: { emails: { value: 'x@y' } } }, 'emails'],
    [{ op: 'add', path: 'emails', value: ['x@y'] }, 'emails'],
    [{ op: 'replace', path: 'title', value: ['Boss'] }, 'title'],
    [{ op: 'replace', path: 'title', value: 7 }, 'title'],
    [{ op: 'replace', path: 'active', value: ['True'] }, 'active'],
    [{ op: 'replace', path: 'active', value: 'yes' }, 'active'],
    [{ op: 'replace', path: 'name', value: 'Ada' }, 'name'],
    [{ op: 'replace', path: 'name.givenName', value: ['Ada'] }, 'name.givenName'],
    [{ op: 'replace', path: 'emails[type eq "work"].value', value: ['x@y'] }, 'emails.value'],
    [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: 7 }, 'manager'],
    [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: [{ value: 'a' }, { value: 'b' }] }, 'manager'],
    [{ op: 'replace', path: `${ENTERPRISE}:manager.value`, value: ['m'] }, 'manager.value'],
    [{ op: 'replace', path: 'x509Certificates', value: 'MIIB' }, 'x509Certificates'],
  ])('refuses %j', (operation, mentions) => {
    expectInvalidValue(() => patch(ada(), operation), mentions);
  });

  test('keeps the documented quirks: "True", a bare-string manager, Entra\'s "Add Manager" array', () => {
    const result = patch(
      ada(),
      { op: 'Replace', path: 'active', value: 'False' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'm-1' },
    );
    expect(result.resource.active).toBe(false);
    expect(result.resource[ENTERPRISE]).toEqual({ manager: { value: 'm-1' } });
    const addManager = patch(ada(), {
      op: 'Add',
      path: 'manager',
      value: [{ $ref: null, value: 'm-2' }],
    });
    expect(addManager.resource[ENTERPRISE]).toEqual({ manager: { value: 'm-2' } });
  });

  test('remove active, or replace it with null, leaves it unassigned', () => {
    expect(patch(ada(), { op: 'remove', path: 'active' }).resource).not.toHaveProperty('active');
    expect(patch(ada(), { op: 'replace', path: 'active', value: null }).resource).not.toHaveProperty(
      'active',
    );
    expect(patch(ada(), { op: 'replace', value: { active: null } }).resource).not.toHaveProperty('active');
  });
});

describe('PATCH ignores schemas inside an extension value (as POST and PUT do)', () => {
  test('a path-less value keyed by the extension URN', () => {
    const result = patch(ada(), {
      op: 'add',
      value: { [ENTERPRISE]: { schemas: [ENTERPRISE], department: 'R&D' } },
    });
    expect(result.resource[ENTERPRISE]).toEqual({ department: 'R&D' });
    expect(result.resource.schemas).toEqual([USER_SCHEMA_URN, ENTERPRISE]);
  });

  test('a value addressed to the extension by its path', () => {
    const result = patch(ada(), {
      op: 'replace',
      path: ENTERPRISE,
      value: { SCHEMAS: [ENTERPRISE], costCenter: 'CC-1' },
    });
    expect(result.resource[ENTERPRISE]).toEqual({ costCenter: 'CC-1' });
  });
});

describe('identifiers', () => {
  test.each(['\u0000', '\t', '\r', '\n', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029'])(
    'userName, externalId and group displayName refuse %j',
    (character) => {
      expectInvalidValue(() => create({ userName: `a${character}b` }), 'userName');
      expectInvalidValue(() => create({ userName: 'a', externalId: `x${character}` }), 'externalId');
      expectInvalidValue(
        () => normalizeResource({ displayName: `Eng${character}` }, groupSchema, 'create'),
        'displayName',
      );
      expectInvalidValue(
        () => normalizeResource({ displayName: 'Eng', externalId: `${character}x` }, groupSchema, 'create'),
        'externalId',
      );
      expectInvalidValue(
        () => create({ userName: 'a', emails: [{ value: `a${character}@x` }] }),
        'emails[0]',
      );
    },
  );

  test.each(['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069'])(
    'userName alone also refuses the formatting character %j',
    (character) => {
      expectInvalidValue(() => create({ userName: `a${character}b` }), 'userName');
      expect(create({ userName: 'a', externalId: `x${character}` }).externalId).toBe(`x${character}`);
      expect(normalizeResource({ displayName: `E${character}` }, groupSchema, 'create').displayName).toBe(
        `E${character}`,
      );
    },
  );

  test('case-insensitive filter comparisons use the folded form', () => {
    const matches = compileFilter(
      parseFilter('userName eq "JOSE\u0301" and displayName sw "caf\u00e9"'),
      userSchema,
    );
    expect(matches({ userName: 'jos\u00e9', displayName: 'Cafe\u0301 owner' })).toBe(true);
    // externalId is caseExact: no folding, no normalisation.
    expect(compileFilter(parseFilter('externalId eq "e\u0301"'), userSchema)({ externalId: '\u00e9' })).toBe(
      false,
    );
  });

  test('PATCH results are checked too (the use cases re-validate them with normalizeResource)', () => {
    const { resource } = patch(ada(), { op: 'replace', path: 'userName', value: 'a\nb' });
    expectInvalidValue(() => normalizeResource(resource, userSchema, 'replace'), 'userName');
  });

  test('the value is kept as sent; the folded form is NFC and lower case', () => {
    const nfd = 'Jose\u0301';
    expect(create({ userName: nfd }).userName).toBe(nfd);
    expect(foldIdentifier(nfd)).toBe(foldIdentifier('jos\u00e9'));
    expect(foldIdentifier('JOS\u00c9')).toBe('jos\u00e9');
    expect(foldIdentifier('ada')).toBe('ada');
    expect(hasControlCharacter('a\u0085')).toBe(true);
    expect(hasControlCharacter('ordinary Ünïcödé')).toBe(false);
    expect(() => checkIdentifier('x', 42)).not.toThrow();
  });
});

describe('group member values are checked too', () => {
  const plan = (...operations: unknown[]) =>
    planGroupPatch(parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }));

  test.each([
    [{ op: 'add', path: 'members', value: { value: 'u-1' } }, "'members'"],
    [{ op: 'add', path: 'members', value: 'u-1' }, "'members'"],
    [{ op: 'add', path: 'members', value: ['u-1'] }, 'members[0]'],
    [{ op: 'replace', path: 'members', value: [{ value: 'u-1', display: 7 }] }, 'members[0].display'],
    [{ op: 'add', value: { members: { value: 'u-1' } } }, "'members'"],
  ])('refuses %j', (operation, mentions) => {
    expectInvalidValue(() => plan(operation), mentions);
  });

  test('accepts arrays of member objects, Entra\'s "$ref": null, and one object under a value filter', () => {
    expect(
      plan(
        { op: 'add', path: 'members', value: [{ value: 'u-1', $ref: null, display: 'Ann' }] },
        { op: 'replace', path: 'members[value eq "u-2"]', value: { value: 'u-3' } },
      ).memberChanges,
    ).toEqual([
      { kind: 'add', ids: ['u-1'] },
      { kind: 'remove', ids: ['u-2'] },
      { kind: 'add', ids: ['u-3'] },
    ]);
  });
});

describe('unpaired surrogates (issue 13, found by the HTTP fuzzer)', () => {
  const title = attribute('title');

  test.each(['lone \ud800 high', 'lone \udfff low', '\udc00\ud800 reversed', 'end \udbff'])(
    'a string with an unpaired surrogate is refused: %j',
    (value) => {
      expectInvalidValue(() => checkScalar(title, value), 'unpaired surrogate');
    },
  );

  test('a surrogate pair (an emoji) is a character and accepted', () => {
    expect(checkScalar(title, 'emoji \ud83d\ude00')).toBe('emoji \ud83d\ude00');
  });

  test('POST, PUT and PATCH refuse it: two such userNames would share one uniqueness guard', () => {
    expectInvalidValue(() => create({ userName: 'lone\ud800high@example.com' }), 'userName');
    expectInvalidValue(() => create({ userName: 'ada@example.com', displayName: 'x\udfff' }), 'displayName');
    expectInvalidValue(() => patch(ada(), { op: 'replace', path: 'title', value: '\ud800' }), 'title');
  });
});
