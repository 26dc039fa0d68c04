import { InvalidInputError } from '../../../lambdas/domain/errors';
import {
  DEFAULT_SETTINGS,
  parseSettings as parseInput,
  tenantExtensionOf,
} from '../../../lambdas/domain/settings';
import { settingsInputOf } from '../../../lambdas/http/admin-input';

/** A PUT body as the handler takes it: its shape checked by the adapter, then the domain's rules. */
const parseSettings = (body: unknown) => parseInput(settingsInputOf(body));

const TENANT_URN = 'urn:ietf:params:scim:schemas:extension:scimaws:2.0:User';

function refusalOf(body: unknown): InvalidInputError {
  try {
    parseSettings(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected a validation error');
}
const problemsOf = (body: unknown): string => refusalOf(body).message;
const pathsOf = (body: unknown) => (refusalOf(body).fields ?? []).map((f) => f.path);

describe('parseSettings', () => {
  test('an empty object gives the defaults', () => {
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  test('a custom attribute without scimPath lives in the tenant extension', () => {
    const settings = parseSettings({ customAttributes: [{ name: 'badge' }] });
    expect(settings.customAttributes).toEqual([{ name: 'badge', scimPath: `${TENANT_URN}:badge` }]);
  });

  test.each([
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
    'title',
    'name.givenName',
    'emails[type eq "work"].value',
    `${TENANT_URN}:anything_new`,
  ])('scimPath %s is accepted', (scimPath) => {
    expect(parseSettings({ customAttributes: [{ name: 'x', scimPath }] }).customAttributes[0].scimPath).toBe(
      scimPath,
    );
  });

  test.each([
    'nosuchattribute',
    'name.nosuch',
    'emails[type eq',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:nope',
    '',
  ])('scimPath %j is refused', (scimPath) => {
    expect(problemsOf({ customAttributes: [{ name: 'x', scimPath }] })).toContain('scimPath');
  });

  test.each(['1abc', '_x', 'has-dash', 'a'.repeat(65), 'sp ace'])('name %j is refused', (name) => {
    expect(pathsOf({ customAttributes: [{ name }] })).toEqual(['customAttributes[0].name']);
  });

  test('names are unique case-insensitively, and may not shadow a standard variable', () => {
    expect(problemsOf({ customAttributes: [{ name: 'a' }, { name: 'A' }] })).toContain("'A' is not unique");
    expect(problemsOf({ customAttributes: [{ name: 'email' }] })).toContain("'email' is not unique");
  });

  test('at most 50 custom attributes', () => {
    const customAttributes = Array.from({ length: 51 }, (_, i) => ({ name: `a${i}` }));
    expect(problemsOf({ customAttributes })).toContain('at most 50');
    expect(parseSettings({ customAttributes: customAttributes.slice(0, 50) }).customAttributes).toHaveLength(
      50,
    );
  });

  test('templates may use standard, custom and invite variables only', () => {
    const ok = parseSettings({
      customAttributes: [{ name: 'badge' }],
      inviteEmail: { subject: 'Hi ${givenName}', body: '${badge} ${inviteLink} ${tenantId}' },
    });
    expect(ok.inviteEmail.subject).toBe('Hi ${givenName}');
    expect(problemsOf({ inviteEmail: { subject: '${unknownThing}', body: 'x' } })).toContain(
      '${unknownThing}',
    );
  });

  test('wrong types and unknown fields are listed together, each by its path', () => {
    const body = { autoInviteUsers: 'yes', customAttributes: {}, other: 1 };
    expect(pathsOf(body).sort()).toEqual(['autoInviteUsers', 'customAttributes', 'other']);
    const message = problemsOf(body);
    expect(message).toContain('autoInviteUsers: must be a boolean');
    expect(message).toContain('customAttributes: must be an array');
    expect(message).toContain('other: unknown field');
  });

  test('nested problems are named by their paths: attributes, their fields, the invitation', () => {
    const body = {
      customAttributes: [{ name: 'ok' }, { name: '1bad', extra: true }, { name: 'x', description: 5 }],
      inviteEmail: { subject: '', body: 'b' },
    };
    expect(pathsOf(body).sort()).toEqual([
      'customAttributes[1].extra',
      'customAttributes[1].name',
      'customAttributes[2].description',
      'inviteEmail.subject',
    ]);
  });

  test('the rules beyond the shape name their paths too: uniqueness, scimPath, variables', () => {
    const body = {
      customAttributes: [{ name: 'badge' }, { name: 'Badge' }, { name: 'cc', scimPath: 'nosuch' }],
      inviteEmail: { subject: 'Hi ${nope}', body: '${cc}' },
    };
    expect(pathsOf(body).sort()).toEqual([
      'customAttributes[1].name',
      'customAttributes[2].scimPath',
      'inviteEmail.body',
      'inviteEmail.subject',
    ]);
  });

  test('a body that is not an object is refused', () => {
    for (const body of [null, [], 'x', 3]) expect(problemsOf(body)).toContain('JSON object');
  });
});

describe('tenantExtensionOf', () => {
  test('only attributes in the tenant extension URN become its schema', () => {
    const settings = parseSettings({
      customAttributes: [
        { name: 'badge' },
        { name: 'cc', scimPath: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter' },
      ],
    });
    const schema = tenantExtensionOf(settings);
    expect(schema?.id).toBe(TENANT_URN);
    expect(schema?.attributes.map((a) => a.name)).toEqual(['badge']);
  });

  test('no tenant-extension attributes means no extension', () => {
    expect(tenantExtensionOf(parseSettings({}))).toBeUndefined();
  });
});
