import { ScimError } from '../../../lambdas/scim/errors';
import {
  applyPatch,
  MAX_PATCH_OPERATIONS,
  PATCH_OP_SCHEMA,
  type PatchOperation,
  parsePatchRequest,
} from '../../../lambdas/scim/patch';
import {
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_SCHEMA_URN,
  groupResourceSchema,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';
import { defineAttribute } from '../../../lambdas/scim/schemas/common';
import type { ResourceSchema } from '../../../lambdas/scim/schemas/types';

const userSchema = userResourceSchema();

const scimError = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

const expectScimError = (fn: () => unknown, scimType: string) => {
  const error = scimError(fn);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
  return error;
};

const body = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

/** Parses the operations like the route does, then applies them. */
const patch = (resource: Record<string, unknown>, ...operations: unknown[]) =>
  applyPatch(resource, parsePatchRequest(body(...operations)), userSchema);

const baseUser = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA_URN],
  id: 'u-1',
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Smith' },
  displayName: 'Alice Smith',
  active: true,
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2024-01-01T00:00:00Z' },
});

describe('parsePatchRequest', () => {
  it('returns the operations of a valid PatchOp message', () => {
    const operations = parsePatchRequest(body({ op: 'replace', path: 'active', value: false }));

    expect(operations).toEqual([{ op: 'replace', path: 'active', value: false }]);
  });

  it("lower-cases Entra's capitalized op names", () => {
    const operations = parsePatchRequest(
      body(
        { op: 'Add', path: 'nickName', value: 'Babs' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Remove', path: 'title' },
      ),
    );

    expect(operations.map((o) => o.op)).toEqual(['add', 'replace', 'remove']);
  });

  it('accepts the schema URN and the Operations key in any case', () => {
    const operations = parsePatchRequest({
      schemas: [PATCH_OP_SCHEMA.toUpperCase()],
      operations: [{ op: 'add', path: 'title', value: 'Boss' }],
    });

    expect(operations).toHaveLength(1);
  });

  it.each([null, 'text', 42, []])('rejects the body %p with invalidSyntax', (value) => {
    expectScimError(() => parsePatchRequest(value), 'invalidSyntax');
  });

  it('rejects a body without the PatchOp schema', () => {
    expectScimError(() => parsePatchRequest({ Operations: [{ op: 'add', value: {} }] }), 'invalidSyntax');
    expectScimError(
      () => parsePatchRequest({ schemas: [USER_SCHEMA_URN], Operations: [{ op: 'add', value: {} }] }),
      'invalidSyntax',
    );
  });

  it('rejects a missing or empty Operations array', () => {
    expectScimError(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA] }), 'invalidSyntax');
    expectScimError(() => parsePatchRequest(body()), 'invalidSyntax');
  });

  it(`accepts ${MAX_PATCH_OPERATIONS} operations and rejects one more`, () => {
    const op = { op: 'add', path: 'title', value: 'x' };

    expect(parsePatchRequest(body(...Array(MAX_PATCH_OPERATIONS).fill(op)))).toHaveLength(
      MAX_PATCH_OPERATIONS,
    );
    expectScimError(
      () => parsePatchRequest(body(...Array(MAX_PATCH_OPERATIONS + 1).fill(op))),
      'invalidValue',
    );
  });

  it.each(['move', 'copy', '', 42, undefined])('rejects the op %p with invalidSyntax', (op) => {
    expectScimError(() => parsePatchRequest(body({ op, path: 'title', value: 'x' })), 'invalidSyntax');
  });

  it('rejects an operation that is not an object', () => {
    expectScimError(() => parsePatchRequest(body('add')), 'invalidSyntax');
  });

  it('rejects remove without a path with noTarget (RFC 7644 §3.5.2.2)', () => {
    expectScimError(() => parsePatchRequest(body({ op: 'remove' })), 'noTarget');
    expectScimError(() => parsePatchRequest(body({ op: 'Remove', path: '  ' })), 'noTarget');
  });

  it.each(['add', 'replace'])('rejects %s without a value with invalidValue', (op) => {
    expectScimError(() => parsePatchRequest(body({ op, path: 'title' })), 'invalidValue');
  });

  it('keeps a null value on replace (it unassigns the attribute)', () => {
    expect(parsePatchRequest(body({ op: 'replace', path: 'title', value: null }))).toEqual([
      { op: 'replace', path: 'title', value: null },
    ]);
  });

  it('rejects a path that is not a string with invalidPath', () => {
    expectScimError(() => parsePatchRequest(body({ op: 'add', path: 42, value: 'x' })), 'invalidPath');
  });

  it('treats an empty path as no path', () => {
    expect(parsePatchRequest(body({ op: 'replace', path: '', value: { active: false } }))).toEqual([
      { op: 'replace', value: { active: false } },
    ]);
  });

  it('keeps the value of a remove (Entra names the members to remove) and drops a null one', () => {
    const [withValue, withNull] = parsePatchRequest(
      body(
        { op: 'Remove', path: 'members', value: [{ value: 'u-1' }] },
        { op: 'remove', path: 'title', value: null },
      ),
    );

    expect(withValue).toEqual({ op: 'remove', path: 'members', value: [{ value: 'u-1' }] });
    expect(withNull).toEqual({ op: 'remove', path: 'title' });
  });
});

describe('applyPatch: operations without a path', () => {
  it("applies Okta's deactivation {op: replace, value: {active: false}}", () => {
    const result = patch(baseUser(), { op: 'replace', value: { active: false } });

    expect(result.resource.active).toBe(false);
    expect(result.changed).toBe(true);
  });

  it("applies Entra's dotted and URN-qualified keys", () => {
    const result = patch(baseUser(), {
      op: 'replace',
      value: {
        'name.givenName': 'X',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '7',
      },
    });

    expect(result.resource.name).toEqual({ givenName: 'X', familyName: 'Smith' });
    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ employeeNumber: '7' });
  });

  it('adds the extension URN to schemas when an extension attribute is first set (RFC 7643 §3)', () => {
    const result = patch(baseUser(), {
      op: 'add',
      value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'R&D' },
    });

    expect(result.resource.schemas).toEqual([USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN]);
  });

  it('applies an extension URN key holding an object of extension attributes', () => {
    const result = patch(baseUser(), {
      op: 'add',
      value: { [ENTERPRISE_USER_SCHEMA_URN]: { department: 'Sales', manager: { value: 'm-1' } } },
    });

    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({
      department: 'Sales',
      manager: { value: 'm-1' },
    });
  });

  it("turns Entra's bare-string manager in a URN-qualified key into {value}", () => {
    const result = patch(baseUser(), {
      op: 'Replace',
      value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': 'm-2' },
    });

    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ manager: { value: 'm-2' } });
  });

  it('matches attribute names case-insensitively and stores them under the schema spelling', () => {
    const result = patch(baseUser(), {
      op: 'replace',
      value: { DISPLAYNAME: 'A. Smith', 'Name.GivenName': 'Al' },
    });

    expect(result.resource.displayName).toBe('A. Smith');
    expect(result.resource).not.toHaveProperty('DISPLAYNAME');
    expect(result.resource.name).toEqual({ givenName: 'Al', familyName: 'Smith' });
  });

  it('ignores readOnly id, meta and schemas inside the value (Okta sends id with a rename)', () => {
    const user = baseUser();

    const result = patch(user, {
      op: 'replace',
      value: {
        id: 'other',
        meta: { created: 'x' },
        schemas: ['x'],
        groups: [{ value: 'g' }],
        displayName: 'New',
      },
    });

    expect(result.resource.id).toBe('u-1');
    expect(result.resource.meta).toEqual(user.meta);
    expect(result.resource.schemas).toEqual([USER_SCHEMA_URN]);
    expect(result.resource).not.toHaveProperty('groups');
    expect(result.resource.displayName).toBe('New');
  });

  it('reports changed=false when the value repeats what is stored', () => {
    const result = patch(baseUser(), {
      op: 'replace',
      value: { id: 'u-1', active: true, displayName: 'Alice Smith' },
    });

    expect(result.changed).toBe(false);
  });

  it('merges a complex value into the stored one (RFC 7644 §3.5.2.3)', () => {
    const result = patch(baseUser(), { op: 'replace', value: { name: { givenName: 'Ally' } } });

    expect(result.resource.name).toEqual({ givenName: 'Ally', familyName: 'Smith' });
  });

  it('removes an attribute whose value is null on replace', () => {
    const result = patch(baseUser(), { op: 'replace', value: { displayName: null } });

    expect(result.resource).not.toHaveProperty('displayName');
  });

  it('adds nothing for a null value on add (RFC 7643 §2.5)', () => {
    const result = patch(baseUser(), { op: 'add', value: { displayName: null, name: { givenName: null } } });

    expect(result.changed).toBe(false);
  });

  it('rejects an unknown attribute with invalidPath', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'replace', value: { favouriteColour: 'blue' } }),
      'invalidPath',
    );
    expectScimError(
      () => patch(baseUser(), { op: 'replace', value: { 'urn:example:unknown:2.0:User:x': 'blue' } }),
      'invalidPath',
    );
  });

  it('rejects a value that is not an object with invalidValue', () => {
    expectScimError(() => patch(baseUser(), { op: 'add', value: 'active' }), 'invalidValue');
  });
});

describe('applyPatch: paths', () => {
  it('sets a sub-attribute by path', () => {
    const result = patch(baseUser(), { op: 'replace', path: 'name.familyName', value: 'Jones' });

    expect(result.resource.name).toEqual({ givenName: 'Alice', familyName: 'Jones' });
  });

  it('resolves paths case-insensitively', () => {
    const result = patch(baseUser(), {
      op: 'Replace',
      path: 'EMAILS[TYPE eq "work"].VALUE',
      value: 'a@new.example',
    });

    expect((result.resource.emails as unknown[])[0]).toEqual({
      value: 'a@new.example',
      type: 'work',
      primary: true,
    });
  });

  it('coerces "True"/"False" strings to booleans (Entra)', () => {
    const result = patch(baseUser(), { op: 'Replace', path: 'active', value: 'False' });

    expect(result.resource.active).toBe(false);
  });

  it('rejects a value of the wrong type with invalidValue', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'replace', path: 'active', value: 'maybe' }),
      'invalidValue',
    );
    expectScimError(() => patch(baseUser(), { op: 'replace', path: 'name', value: 42 }), 'invalidValue');
  });

  it('rejects an unknown sub-attribute in a complex value with invalidValue', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'add', path: 'name', value: { nickname: 'x' } }),
      'invalidValue',
    );
  });

  it('adds to a single-valued attribute by replacing it (RFC 7644 §3.5.2.1)', () => {
    const result = patch(baseUser(), { op: 'add', path: 'displayName', value: 'Ally' });

    expect(result.resource.displayName).toBe('Ally');
  });

  it('sets an URN-qualified extension attribute by path', () => {
    const result = patch(baseUser(), {
      op: 'add',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      value: '7',
    });

    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ employeeNumber: '7' });
  });

  it('refuses a number for a string attribute instead of writing it as text (issue 9)', () => {
    const error = scimError(() =>
      patch(baseUser(), {
        op: 'add',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
        value: 7,
      }),
    );
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('employeeNumber');
  });

  it("turns Entra's bare-string manager by path into {value}", () => {
    const result = patch(baseUser(), {
      op: 'Add',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      value: '2819c223-7f76-453a-919d-413861904646',
    });

    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({
      manager: { value: '2819c223-7f76-453a-919d-413861904646' },
    });
  });

  it("drops the manager's server-filled displayName when the manager changes", () => {
    const user = {
      ...baseUser(),
      [ENTERPRISE_USER_SCHEMA_URN]: { manager: { value: 'm-1', displayName: 'Old Boss' } },
    };

    const result = patch(user, {
      op: 'replace',
      path: `${ENTERPRISE_USER_SCHEMA_URN}:manager`,
      value: 'm-2',
    });

    expect(result.resource[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ manager: { value: 'm-2' } });
  });

  it('sets the password (writeOnly) so the caller can hash it', () => {
    const result = patch(baseUser(), { op: 'replace', path: 'password', value: 'S3cret!' });

    expect(result.resource.password).toBe('S3cret!');
  });

  it('unassigns an attribute replaced with null', () => {
    const result = patch(baseUser(), { op: 'replace', path: 'displayName', value: null });

    expect(result.resource).not.toHaveProperty('displayName');
  });

  it('rejects an unknown attribute or sub-attribute with invalidPath', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'add', path: 'favouriteColour', value: 'x' }),
      'invalidPath',
    );
    expectScimError(() => patch(baseUser(), { op: 'add', path: 'name.nick', value: 'x' }), 'invalidPath');
    expectScimError(() => patch(baseUser(), { op: 'remove', path: 'favouriteColour' }), 'invalidPath');
    expectScimError(() => patch(baseUser(), { op: 'remove', path: 'foo[type eq "work"]' }), 'invalidPath');
  });

  it('rejects a malformed path with invalidPath', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'add', path: 'emails[type eq "work"', value: 'x' }),
      'invalidPath',
    );
  });

  it('rejects a value filter on a single-valued attribute with invalidPath', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'replace', path: 'name[givenName eq "Alice"].familyName', value: 'x' }),
      'invalidPath',
    );
  });

  it('rejects a value filter naming an unknown sub-attribute with invalidFilter', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'remove', path: 'emails[kind eq "work"]' }),
      'invalidFilter',
    );
  });
});

describe('applyPatch: multi-valued attributes', () => {
  it('appends on add', () => {
    const result = patch(baseUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'a@other.example', type: 'other' }],
    });

    expect(result.resource.emails).toHaveLength(3);
  });

  it('does not add a value that is already there (RFC 7644 §3.5.2.1)', () => {
    const result = patch(baseUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'alice@home.example', type: 'home' }],
    });

    expect(result.resource.emails).toHaveLength(2);
    expect(result.changed).toBe(false);
  });

  it('appends on a path-less add', () => {
    const result = patch(baseUser(), {
      op: 'add',
      value: { emails: [{ value: 'x@y.example', type: 'other' }] },
    });

    expect(result.resource.emails).toHaveLength(3);
  });

  it('replaces the whole set on replace without a filter', () => {
    const result = patch(baseUser(), {
      op: 'replace',
      path: 'emails',
      value: [{ value: 'only@example.com' }],
    });

    expect(result.resource.emails).toEqual([{ value: 'only@example.com' }]);
  });

  it('unassigns the attribute on replace with []', () => {
    const result = patch(baseUser(), { op: 'replace', path: 'emails', value: [] });

    expect(result.resource).not.toHaveProperty('emails');
  });

  it('replaces the sub-attribute of the matching values only', () => {
    const result = patch(baseUser(), {
      op: 'Replace',
      path: 'emails[type eq "work"].value',
      value: 'updatedEmail@microsoft.com',
    });

    expect(result.resource.emails).toEqual([
      { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      { value: 'alice@home.example', type: 'home' },
    ]);
  });

  it('replaces the matching values when the filter has no sub-attribute (RFC 7644 §3.5.2.3)', () => {
    const result = patch(baseUser(), {
      op: 'replace',
      path: 'emails[type eq "home"]',
      value: { value: 'new@home.example', type: 'home' },
    });

    expect(result.resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'new@home.example', type: 'home' },
    ]);
  });

  it('adds a value when a replace filter matches nothing (Entra)', () => {
    const result = patch(
      baseUser(),
      { op: 'Replace', path: 'addresses[type eq "work"].formatted', value: '1 Main St' },
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
    );

    expect(result.resource.addresses).toEqual([{ type: 'work', formatted: '1 Main St' }]);
    expect(result.resource.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
  });

  it('adds a value when an add filter matches nothing (Entra Add on emails[type eq "work"].value)', () => {
    const user = { ...baseUser(), emails: undefined };

    const result = patch(
      user,
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' },
      { op: 'Add', path: 'emails[type eq "work"].primary', value: 'True' },
    );

    expect(result.resource.emails).toEqual([{ type: 'work', value: 'w@example.com', primary: true }]);
  });

  it('builds the added value from every equality of an and-filter, keeping one primary', () => {
    const result = patch(baseUser(), {
      op: 'replace',
      path: 'emails[type eq "other" and primary eq true].value',
      value: 'o@example.com',
    });

    expect(result.resource.emails).toEqual([
      { value: 'alice@example.com', type: 'work', primary: false },
      { value: 'alice@home.example', type: 'home' },
      { type: 'other', primary: true, value: 'o@example.com' },
    ]);
  });

  it('answers noTarget when a replace filter matches nothing and is not made of equalities', () => {
    expectScimError(
      () => patch(baseUser(), { op: 'replace', path: 'emails[type co "fax"].value', value: 'x' }),
      'noTarget',
    );
  });

  it('removes the matching values', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'emails[type eq "home"]' });

    expect(result.resource.emails).toEqual([{ value: 'alice@example.com', type: 'work', primary: true }]);
  });

  it('unassigns the attribute when its last value is removed', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'emails[value co "alice"]' });

    expect(result.resource).not.toHaveProperty('emails');
  });

  it('answers noTarget when a remove filter matches nothing (RFC 7644 §3.5.2.2)', () => {
    expectScimError(() => patch(baseUser(), { op: 'remove', path: 'emails[type eq "other"]' }), 'noTarget');
    expectScimError(
      () => patch(baseUser(), { op: 'remove', path: 'phoneNumbers[type eq "work"]' }),
      'noTarget',
    );
  });

  it('removes a sub-attribute of the matching values', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'emails[type eq "work"].primary' });

    expect((result.resource.emails as unknown[])[0]).toEqual({ value: 'alice@example.com', type: 'work' });
  });

  it('drops a value whose `value` sub-attribute is removed', () => {
    const result = patch(baseUser(), { op: 'Remove', path: 'emails[type eq "home"].value' });

    expect(result.resource.emails).toEqual([{ value: 'alice@example.com', type: 'work', primary: true }]);
  });

  it('removes every value on remove without a filter', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'emails' });

    expect(result.resource).not.toHaveProperty('emails');
  });

  it('removes only the listed values when remove carries a value (Entra)', () => {
    const result = patch(baseUser(), {
      op: 'Remove',
      path: 'emails',
      value: [{ value: 'ALICE@HOME.EXAMPLE', $ref: null }],
    });

    expect(result.resource.emails).toEqual([{ value: 'alice@example.com', type: 'work', primary: true }]);
  });

  it('keeps one primary: a new primary value clears the others (RFC 7644 §3.5.2)', () => {
    const result = patch(baseUser(), {
      op: 'add',
      path: 'emails',
      value: [{ value: 'new@example.com', type: 'work', primary: true }],
    });

    expect((result.resource.emails as { primary?: boolean }[]).map((e) => e.primary)).toEqual([
      false,
      undefined,
      true,
    ]);
  });

  it('keeps one primary when a filter sets primary on another value', () => {
    const result = patch(baseUser(), {
      op: 'Replace',
      path: 'emails[type eq "home"].primary',
      value: 'True',
    });

    expect((result.resource.emails as { primary?: boolean }[]).map((e) => e.primary)).toEqual([false, true]);
  });

  it("accepts Entra's roles with primary as a string", () => {
    const result = patch(baseUser(), {
      op: 'Add',
      path: 'roles',
      value: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }],
    });

    expect(result.resource.roles).toEqual([
      { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' },
    ]);
  });

  it('rejects two primary values in one set with invalidValue', () => {
    expectScimError(
      () =>
        patch(baseUser(), {
          op: 'replace',
          path: 'emails',
          value: [
            { value: 'a@example.com', primary: true },
            { value: 'b@example.com', primary: true },
          ],
        }),
      'invalidValue',
    );
  });
});

describe('applyPatch: remove', () => {
  it('removes an attribute', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'displayName' });

    expect(result.resource).not.toHaveProperty('displayName');
    expect(result.changed).toBe(true);
  });

  it('is a no-op for an attribute that has no value', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'nickName' });

    expect(result.changed).toBe(false);
  });

  it('removes a sub-attribute and leaves the others', () => {
    const result = patch(baseUser(), { op: 'remove', path: 'name.givenName' });

    expect(result.resource.name).toEqual({ familyName: 'Smith' });
  });

  it('unassigns a complex attribute whose last sub-attribute is removed', () => {
    const result = patch(
      baseUser(),
      { op: 'remove', path: 'name.givenName' },
      { op: 'remove', path: 'name.familyName' },
    );

    expect(result.resource).not.toHaveProperty('name');
  });

  it('drops the extension and its schemas entry when its last attribute is removed', () => {
    const user = {
      ...baseUser(),
      schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN],
      [ENTERPRISE_USER_SCHEMA_URN]: { manager: { value: 'm-1' } },
    };

    const result = patch(user, {
      op: 'Remove',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
    });

    expect(result.resource).not.toHaveProperty(ENTERPRISE_USER_SCHEMA_URN);
    expect(result.resource.schemas).toEqual([USER_SCHEMA_URN]);
  });

  it('removes a whole extension named by its URN', () => {
    const user = {
      ...baseUser(),
      schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN],
      [ENTERPRISE_USER_SCHEMA_URN]: { department: 'R&D', employeeNumber: '7' },
    };

    const result = patch(user, { op: 'remove', path: ENTERPRISE_USER_SCHEMA_URN });

    expect(result.resource).not.toHaveProperty(ENTERPRISE_USER_SCHEMA_URN);
    expect(result.resource.schemas).toEqual([USER_SCHEMA_URN]);
  });

  it('rejects removing a required attribute with mutability (RFC 7644 §3.5.2.2)', () => {
    expectScimError(() => patch(baseUser(), { op: 'remove', path: 'userName' }), 'mutability');
    expectScimError(() => patch(baseUser(), { op: 'replace', path: 'userName', value: null }), 'mutability');
  });
});

describe('applyPatch: mutability', () => {
  it.each([
    { op: 'replace', path: 'id', value: 'x' },
    { op: 'remove', path: 'id' },
    { op: 'replace', path: 'meta', value: {} },
    { op: 'replace', path: 'meta.lastModified', value: '2024-01-01T00:00:00Z' },
    { op: 'add', path: 'groups', value: [{ value: 'g-1' }] },
    { op: 'remove', path: 'groups' },
    { op: 'replace', path: 'schemas', value: [USER_SCHEMA_URN] },
    { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA_URN}:manager.displayName`, value: 'Boss' },
  ])('rejects $op on the readOnly path $path', (operation) => {
    expectScimError(() => patch(baseUser(), operation), 'mutability');
  });

  describe('immutable attributes', () => {
    const schema: ResourceSchema = {
      resourceType: 'Thing',
      core: {
        id: 'urn:example:Thing',
        name: 'Thing',
        description: 'Test fixture',
        attributes: [
          defineAttribute('badge', 'Set once', { mutability: 'immutable' }),
          defineAttribute('label', 'Free'),
        ],
      },
      extensions: [],
    };
    const run = (resource: Record<string, unknown>, operation: PatchOperation) =>
      applyPatch(resource, [operation], schema);

    it('may be added while unassigned', () => {
      expect(run({ label: 'x' }, { op: 'add', path: 'badge', value: 'B-1' }).resource.badge).toBe('B-1');
    });

    it('may be written again with the same value', () => {
      expect(run({ badge: 'B-1' }, { op: 'replace', path: 'badge', value: 'B-1' }).changed).toBe(false);
    });

    it('may not be changed or removed once set', () => {
      expectScimError(
        () => run({ badge: 'B-1' }, { op: 'replace', path: 'badge', value: 'B-2' }),
        'mutability',
      );
      expectScimError(() => run({ badge: 'B-1' }, { op: 'add', value: { badge: 'B-2' } }), 'mutability');
      expectScimError(() => run({ badge: 'B-1' }, { op: 'remove', path: 'badge' }), 'mutability');
    });
  });
});

describe('applyPatch: atomicity and purity', () => {
  it('throws and leaves the input untouched when a later operation fails', () => {
    const user = baseUser();
    const snapshot = structuredClone(user);

    const error = expectScimError(
      () =>
        patch(
          user,
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'remove', path: 'emails' },
          { op: 'replace', path: 'id', value: 'hijack' },
        ),
      'mutability',
    );

    expect(user).toEqual(snapshot);
    expect(error.detail).toMatch(/^Operations\[2\]: /);
  });

  it('does not modify the input on success', () => {
    const user = baseUser();
    const snapshot = structuredClone(user);

    const result = patch(user, { op: 'add', path: 'emails', value: [{ value: 'z@example.com' }] });

    expect(user).toEqual(snapshot);
    expect(result.resource).not.toBe(user);
  });

  it('applies operations in order', () => {
    const result = patch(
      baseUser(),
      { op: 'add', path: 'nickName', value: 'Ally' },
      { op: 'remove', path: 'nickName' },
      { op: 'replace', path: 'title', value: 'CTO' },
    );

    expect(result.resource).not.toHaveProperty('nickName');
    expect(result.resource.title).toBe('CTO');
  });
});

describe('applyPatch on groups (non-member attributes)', () => {
  it("renames with Okta's path-less {id, displayName} value and ignores the id", () => {
    const group = { schemas: [GROUP_SCHEMA_URN], id: 'g-1', displayName: 'Old' };

    const result = applyPatch(
      group,
      parsePatchRequest(body({ op: 'replace', value: { id: 'g-1', displayName: 'New' } })),
      groupResourceSchema(),
    );

    expect(result.resource).toEqual({ schemas: [GROUP_SCHEMA_URN], id: 'g-1', displayName: 'New' });
  });

  it("renames with Entra's Replace displayName", () => {
    const result = applyPatch(
      { id: 'g-1', displayName: 'Old' },
      parsePatchRequest(body({ op: 'Replace', path: 'displayName', value: 'New' })),
      groupResourceSchema(),
    );

    expect(result.resource.displayName).toBe('New');
  });

  it('sets externalId, a common attribute (RFC 7643 §3.1)', () => {
    const result = applyPatch(
      { id: 'g-1', displayName: 'G' },
      parsePatchRequest(body({ op: 'add', path: 'externalId', value: 'ext-1' })),
      groupResourceSchema(),
    );

    expect(result.resource.externalId).toBe('ext-1');
  });
});
