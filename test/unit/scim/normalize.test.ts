import { ScimError } from '../../../lambdas/scim/errors';
import { MAX_STRING_LENGTH, normalizeResource } from '../../../lambdas/scim/normalize';
import {
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_SCHEMA_URN,
  groupResourceSchema,
  TENANT_EXTENSION_URN,
  tenantExtensionSchema,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';

const userSchema = userResourceSchema(tenantExtensionSchema(TENANT_EXTENSION_URN, [{ name: 'badgeId' }]));
const groupSchema = groupResourceSchema();

const scimError = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

describe('normalizeResource: body shape', () => {
  it.each([null, 'text', 42, [{ userName: 'a' }]])('rejects %p with 400 invalidSyntax', (body) => {
    const error = scimError(() => normalizeResource(body, userSchema, 'create'));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidSyntax');
  });
});

describe('normalizeResource: Okta', () => {
  const oktaCreate = {
    schemas: [USER_SCHEMA_URN],
    userName: 'ada@example.test',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ primary: true, value: 'ada@example.test', type: 'work' }],
    displayName: 'Ada Lovelace',
    locale: 'en-US',
    externalId: '00u1',
    groups: [],
    password: 'placeholder',
    active: true,
  };

  it('keeps the attributes of a create, the password included, and drops readOnly groups', () => {
    expect(normalizeResource(oktaCreate, userSchema, 'create')).toEqual({
      schemas: [USER_SCHEMA_URN],
      userName: 'ada@example.test',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ primary: true, value: 'ada@example.test', type: 'work' }],
      displayName: 'Ada Lovelace',
      locale: 'en-US',
      externalId: '00u1',
      password: 'placeholder',
      active: true,
    });
  });

  it('drops id, meta and groups echoed in a PUT', () => {
    const body = {
      ...oktaCreate,
      id: 'u1',
      meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z' },
      groups: [{ value: 'g1', display: 'Engineers' }],
    };
    const result = normalizeResource(body, userSchema, 'replace');
    expect(result).not.toHaveProperty('id');
    expect(result).not.toHaveProperty('meta');
    expect(result).not.toHaveProperty('groups');
    expect(result.userName).toBe('ada@example.test');
  });

  it('keeps an explicit empty members list on a group', () => {
    expect(normalizeResource({ displayName: 'Engineers', members: [] }, groupSchema, 'create')).toEqual({
      schemas: [GROUP_SCHEMA_URN],
      displayName: 'Engineers',
      members: [],
    });
  });
});

describe('normalizeResource: Entra', () => {
  it('treats null values as absent, also inside complex values', () => {
    const result = normalizeResource(
      { userName: 'a', displayName: null, name: { givenName: 'A', familyName: null }, title: null },
      userSchema,
      'create',
    );
    expect(result).toEqual({ schemas: [USER_SCHEMA_URN], userName: 'a', name: { givenName: 'A' } });
  });

  it('coerces "True"/"False" strings to booleans', () => {
    const result = normalizeResource(
      { userName: 'a', active: 'False', emails: [{ value: 'a@x', primary: 'True' }] },
      userSchema,
      'create',
    );
    expect(result.active).toBe(false);
    expect(result.emails).toEqual([{ value: 'a@x', primary: true }]);
  });

  it('accepts the enterprise manager as an object and keeps its URN in schemas', () => {
    const result = normalizeResource(
      {
        schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN],
        userName: 'a',
        [ENTERPRISE_USER_SCHEMA_URN]: { employeeNumber: '7', manager: { value: 'm1', displayName: 'Boss' } },
      },
      userSchema,
      'create',
    );
    expect(result.schemas).toEqual([USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN]);
    // displayName of the manager is readOnly (RFC 7643 §4.3): dropped.
    expect(result[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ employeeNumber: '7', manager: { value: 'm1' } });
  });

  it('wraps a bare manager string into {value}', () => {
    const result = normalizeResource(
      { userName: 'a', [ENTERPRISE_USER_SCHEMA_URN]: { manager: 'm1' } },
      userSchema,
      'create',
    );
    expect(result[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ manager: { value: 'm1' } });
  });

  it('treats an empty bare manager string as absent', () => {
    const result = normalizeResource(
      { userName: 'a', [ENTERPRISE_USER_SCHEMA_URN]: { manager: '' } },
      userSchema,
      'create',
    );
    expect(result).not.toHaveProperty([ENTERPRISE_USER_SCHEMA_URN]);
    expect(result.schemas).toEqual([USER_SCHEMA_URN]);
  });

  it('drops "$ref": null and the readOnly display on added members, without refusing them', () => {
    const result = normalizeResource(
      { displayName: 'G', members: [{ value: 'u1', $ref: null, display: 'Ada' }] },
      groupSchema,
      'create',
    );
    // members.display is readOnly (the server derives it): sent by Okta and Entra, ignored.
    expect(result.members).toEqual([{ value: 'u1' }]);
  });

  it('ignores an unknown schema URN on a group', () => {
    const result = normalizeResource(
      {
        schemas: [
          GROUP_SCHEMA_URN,
          'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
        ],
        displayName: 'G',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group': { foo: 'bar' },
      },
      groupSchema,
      'create',
    );
    expect(result).toEqual({ schemas: [GROUP_SCHEMA_URN], displayName: 'G' });
  });
});

describe('normalizeResource: names', () => {
  it('rewrites attribute and sub-attribute names to their canonical case', () => {
    const result = normalizeResource(
      { USERNAME: 'a', Name: { GivenName: 'A' }, EMAILS: [{ VALUE: 'a@x', Type: 'work' }], ExternalID: 'e' },
      userSchema,
      'create',
    );
    expect(result).toEqual({
      schemas: [USER_SCHEMA_URN],
      userName: 'a',
      name: { givenName: 'A' },
      emails: [{ value: 'a@x', type: 'work' }],
      externalId: 'e',
    });
  });

  it('matches extension URN keys and their attributes case-insensitively', () => {
    const result = normalizeResource(
      { userName: 'a', [ENTERPRISE_USER_SCHEMA_URN.toUpperCase()]: { DEPARTMENT: 'R&D' } },
      userSchema,
      'create',
    );
    expect(result[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ department: 'R&D' });
  });

  it('accepts URN-qualified and dotted top-level keys', () => {
    const result = normalizeResource(
      { userName: 'a', 'name.givenName': 'A', [`${TENANT_EXTENSION_URN}:badgeId`]: '42' },
      userSchema,
      'create',
    );
    expect(result.name).toEqual({ givenName: 'A' });
    expect(result[TENANT_EXTENSION_URN]).toEqual({ badgeId: '42' });
    expect(result.schemas).toEqual([USER_SCHEMA_URN, TENANT_EXTENSION_URN]);
  });

  it('drops unknown attributes, unknown sub-attributes and unqualified extension attributes', () => {
    const result = normalizeResource(
      { userName: 'a', shoeSize: 44, name: { nickname: 'x', givenName: 'A' }, department: 'R&D' },
      userSchema,
      'create',
    );
    expect(result).toEqual({ schemas: [USER_SCHEMA_URN], userName: 'a', name: { givenName: 'A' } });
  });

  it('lists only the extensions present in schemas, whatever the body listed', () => {
    const result = normalizeResource(
      { schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN], userName: 'a' },
      userSchema,
      'create',
    );
    expect(result.schemas).toEqual([USER_SCHEMA_URN]);
  });
});

describe('normalizeResource: values', () => {
  it('refuses a single value given for a multi-valued attribute (issue 9: no more wrapping)', () => {
    const error = scimError(() =>
      normalizeResource({ userName: 'a', emails: { value: 'a@x' } }, userSchema, 'create'),
    );
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain("'emails'");
  });

  it('keeps the first primary value and clears the others (RFC 7643 §2.4)', () => {
    const result = normalizeResource(
      {
        userName: 'a',
        emails: [
          { value: 'one@x', primary: false },
          { value: 'two@x', primary: true },
          { value: 'three@x', primary: 'true' },
        ],
      },
      userSchema,
      'create',
    );
    expect(result.emails).toEqual([
      { value: 'one@x', primary: false },
      { value: 'two@x', primary: true },
      { value: 'three@x', primary: false },
    ]);
  });

  it('rejects a value of the wrong type with 400 invalidValue', () => {
    const error = scimError(() =>
      normalizeResource({ userName: 'a', active: 'maybe' }, userSchema, 'create'),
    );
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('active');
  });

  it('rejects an array for a single-valued attribute', () => {
    const error = scimError(() => normalizeResource({ userName: ['a', 'b'] }, userSchema, 'create'));
    expect(error.scimType).toBe('invalidValue');
  });

  it('rejects an extension that is not an object', () => {
    const error = scimError(() =>
      normalizeResource({ userName: 'a', [ENTERPRISE_USER_SCHEMA_URN]: 'R&D' }, userSchema, 'create'),
    );
    expect(error.scimType).toBe('invalidValue');
  });

  it(`accepts a string of ${MAX_STRING_LENGTH} characters`, () => {
    const title = 'x'.repeat(MAX_STRING_LENGTH);
    expect(normalizeResource({ userName: 'a', title }, userSchema, 'create').title).toBe(title);
  });

  it('rejects a longer string, also deep inside a multi-valued attribute', () => {
    const long = 'x'.repeat(MAX_STRING_LENGTH + 1);
    const error = scimError(() =>
      normalizeResource({ userName: 'a', emails: [{ value: long }] }, userSchema, 'create'),
    );
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('emails[0].value');
  });

  it('keeps strings as sent, without trimming', () => {
    expect(normalizeResource({ userName: ' Ada ' }, userSchema, 'create').userName).toBe(' Ada ');
  });
});

describe('normalizeResource: required attributes', () => {
  it('rejects a user without userName', () => {
    const error = scimError(() => normalizeResource({ displayName: 'A' }, userSchema, 'create'));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('userName');
  });

  it('rejects a null or blank userName', () => {
    expect(scimError(() => normalizeResource({ userName: null }, userSchema, 'replace')).detail).toContain(
      'userName',
    );
    expect(scimError(() => normalizeResource({ userName: '  ' }, userSchema, 'create')).detail).toContain(
      'userName',
    );
  });

  it('rejects a group without displayName', () => {
    const error = scimError(() => normalizeResource({ members: [] }, groupSchema, 'create'));
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('displayName');
  });
});
