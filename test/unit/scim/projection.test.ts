import { isAttributeRequested, parseAttributeList, project } from '../../../lambdas/scim/projection';
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

const meta = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00.000Z',
  lastModified: '2024-01-02T00:00:00.000Z',
  location: 'https://example.test/scim/v2/Users/u1',
  version: 'W/"2"',
};

const user = (): Record<string, unknown> => ({
  schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN, TENANT_EXTENSION_URN],
  id: 'u1',
  externalId: 'ext-1',
  userName: 'ada@example.test',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada Lovelace',
  active: true,
  password: 'should-never-leave',
  emails: [
    { value: 'ada@example.test', type: 'work', primary: true },
    { value: 'ada@home.test', type: 'home' },
  ],
  groups: [{ value: 'g1', display: 'Engineers' }],
  [ENTERPRISE_USER_SCHEMA_URN]: { department: 'R&D', manager: { value: 'u0', displayName: 'Babbage' } },
  [TENANT_EXTENSION_URN]: { badgeId: '42' },
  meta,
});

describe('parseAttributeList', () => {
  it('splits on commas and trims', () => {
    expect(parseAttributeList('userName, name.givenName ,emails')).toEqual([
      'userName',
      'name.givenName',
      'emails',
    ]);
  });

  it('returns undefined when absent or empty', () => {
    expect(parseAttributeList(undefined)).toBeUndefined();
    expect(parseAttributeList('')).toBeUndefined();
    expect(parseAttributeList(' , ')).toBeUndefined();
  });
});

describe('project without parameters', () => {
  it('returns every default attribute and never the password', () => {
    const result = project(user(), userSchema, {});
    const { password: _password, ...expected } = user();
    expect(result).toEqual(expected);
    expect(result).not.toHaveProperty('password');
  });

  it('puts schemas first and meta last', () => {
    const keys = Object.keys(project(user(), userSchema, {}));
    expect(keys[0]).toBe('schemas');
    expect(keys[1]).toBe('id');
    expect(keys[keys.length - 1]).toBe('meta');
  });

  it('drops keys the schema does not define', () => {
    const result = project({ ...user(), pk: 'T#1#U#u1', secretHash: 'x' }, userSchema, {});
    expect(result).not.toHaveProperty('pk');
    expect(result).not.toHaveProperty('secretHash');
  });

  it('reads stored keys case-insensitively and writes the canonical names', () => {
    const result = project({ id: 'u1', USERNAME: 'ada', Name: { GIVENNAME: 'Ada' } }, userSchema, {});
    expect(result).toEqual({
      schemas: [USER_SCHEMA_URN],
      id: 'u1',
      userName: 'ada',
      name: { givenName: 'Ada' },
    });
  });
});

describe('project with attributes', () => {
  it('returns only the named attributes plus id and schemas (RFC 7644 §3.9)', () => {
    expect(project(user(), userSchema, { attributes: ['userName'] })).toEqual({
      schemas: [USER_SCHEMA_URN],
      id: 'u1',
      userName: 'ada@example.test',
    });
  });

  it('matches names case-insensitively and returns canonical names', () => {
    expect(project(user(), userSchema, { attributes: ['USERNAME', 'displayname'] })).toEqual({
      schemas: [USER_SCHEMA_URN],
      id: 'u1',
      userName: 'ada@example.test',
      displayName: 'Ada Lovelace',
    });
  });

  it('returns one sub-attribute of a complex attribute', () => {
    expect(project(user(), userSchema, { attributes: ['name.givenName'] })).toMatchObject({
      name: { givenName: 'Ada' },
    });
  });

  it('returns one sub-attribute of every value of a multi-valued attribute', () => {
    const result = project(user(), userSchema, { attributes: ['emails.value'] });
    expect(result.emails).toEqual([{ value: 'ada@example.test' }, { value: 'ada@home.test' }]);
  });

  it('returns a meta sub-attribute', () => {
    expect(project(user(), userSchema, { attributes: ['meta.lastModified'] })).toEqual({
      schemas: [USER_SCHEMA_URN],
      id: 'u1',
      meta: { lastModified: meta.lastModified },
    });
  });

  it('returns a URN-qualified extension attribute and lists its schema', () => {
    expect(project(user(), userSchema, { attributes: [`${ENTERPRISE_USER_SCHEMA_URN}:manager`] })).toEqual({
      schemas: [USER_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN],
      id: 'u1',
      [ENTERPRISE_USER_SCHEMA_URN]: { manager: { value: 'u0', displayName: 'Babbage' } },
    });
  });

  it('returns a qualified extension sub-attribute', () => {
    const result = project(user(), userSchema, {
      attributes: [`${ENTERPRISE_USER_SCHEMA_URN}:manager.value`],
    });
    expect(result[ENTERPRISE_USER_SCHEMA_URN]).toEqual({ manager: { value: 'u0' } });
  });

  it('returns a whole extension when its URN is named', () => {
    const result = project(user(), userSchema, { attributes: [TENANT_EXTENSION_URN.toLowerCase()] });
    expect(result).toEqual({
      schemas: [USER_SCHEMA_URN, TENANT_EXTENSION_URN],
      id: 'u1',
      [TENANT_EXTENSION_URN]: { badgeId: '42' },
    });
  });

  it('never returns the password, even when asked', () => {
    expect(project(user(), userSchema, { attributes: ['password'] })).not.toHaveProperty('password');
  });

  it('ignores names the schema does not define', () => {
    expect(project(user(), userSchema, { attributes: ['shoeSize', 'userName'] })).toEqual({
      schemas: [USER_SCHEMA_URN],
      id: 'u1',
      userName: 'ada@example.test',
    });
  });

  it('treats an empty list as no parameter', () => {
    expect(project(user(), userSchema, { attributes: [] })).toHaveProperty('emails');
  });
});

describe('project with excludedAttributes', () => {
  it('removes the excluded attributes and keeps the other defaults', () => {
    const result = project(user(), userSchema, { excludedAttributes: ['emails', 'NAME'] });
    expect(result).not.toHaveProperty('emails');
    expect(result).not.toHaveProperty('name');
    expect(result).toHaveProperty('userName');
    expect(result).toHaveProperty('meta');
  });

  it('cannot exclude attributes returned always', () => {
    expect(project(user(), userSchema, { excludedAttributes: ['id', 'schemas'] })).toMatchObject({
      id: 'u1',
      schemas: expect.any(Array),
    });
  });

  it('removes one sub-attribute', () => {
    const result = project(user(), userSchema, { excludedAttributes: ['emails.type', 'meta.version'] });
    expect(result.emails).toEqual([{ value: 'ada@example.test', primary: true }, { value: 'ada@home.test' }]);
    expect(result.meta).not.toHaveProperty('version');
    expect(result.meta).toHaveProperty('location');
  });

  it('removes a whole extension and drops its URN from schemas', () => {
    const result = project(user(), userSchema, { excludedAttributes: [ENTERPRISE_USER_SCHEMA_URN] });
    expect(result).not.toHaveProperty([ENTERPRISE_USER_SCHEMA_URN]);
    expect(result.schemas).toEqual([USER_SCHEMA_URN, TENANT_EXTENSION_URN]);
  });

  it('removes group members (Entra: excludedAttributes=members)', () => {
    const group = { id: 'g1', displayName: 'Engineers', members: [{ value: 'u1' }] };
    expect(project(group, groupSchema, { excludedAttributes: ['members'] })).toEqual({
      schemas: [GROUP_SCHEMA_URN],
      id: 'g1',
      displayName: 'Engineers',
    });
  });
});

describe('isAttributeRequested', () => {
  it('is true for members by default', () => {
    expect(isAttributeRequested(groupSchema, {}, 'members')).toBe(true);
  });

  it('is false when members are excluded, in any case', () => {
    expect(isAttributeRequested(groupSchema, { excludedAttributes: ['Members'] }, 'members')).toBe(false);
  });

  it('is false when other attributes are listed', () => {
    expect(isAttributeRequested(groupSchema, { attributes: ['displayName'] }, 'members')).toBe(false);
  });

  it('is true when a members sub-attribute is listed', () => {
    expect(isAttributeRequested(groupSchema, { attributes: ['members.value'] }, 'members')).toBe(true);
  });

  it('is true when the whole core schema is listed', () => {
    expect(isAttributeRequested(groupSchema, { attributes: [GROUP_SCHEMA_URN] }, 'members')).toBe(true);
  });

  it('is always true for id and never for password', () => {
    expect(isAttributeRequested(userSchema, { attributes: ['userName'] }, 'id')).toBe(true);
    expect(isAttributeRequested(userSchema, { attributes: ['password'] }, 'password')).toBe(false);
  });

  it('is false for a name the schema does not define', () => {
    expect(isAttributeRequested(groupSchema, {}, 'owners')).toBe(false);
  });
});
