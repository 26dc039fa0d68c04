import { parseSettings, tenantExtensionOf } from '../../../lambdas/domain/settings';
import type { UserRecord } from '../../../lambdas/domain/user-record';
import { readScimPath, userVariables } from '../../../lambdas/domain/user-variables';
import { userResourceSchema } from '../../../lambdas/scim/schemas';

const TENANT_URN = 'urn:ietf:params:scim:schemas:extension:scimaws:2.0:User';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user: UserRecord = {
  tenantId: 't',
  id: 'u1',
  userName: 'ann@example.com',
  active: true,
  created: '2026-01-01T00:00:00Z',
  lastModified: '2026-01-01T00:00:00Z',
  version: 1,
  source: { idp: 'okta', label: 'SCIM Okta' },
  attributes: {
    userName: 'ann@example.com',
    name: { givenName: 'Ann', familyName: 'Lee' },
    emails: [
      { value: 'home@example.com', type: 'home' },
      { value: 'ann@example.com', type: 'work', primary: true },
    ],
    [ENTERPRISE_URN]: { department: 'R&D', manager: { value: 'm1' } },
    [TENANT_URN]: { badge: 'blue' },
  },
};

const settings = parseSettings({
  customAttributes: [
    { name: 'badge' },
    { name: 'boss', scimPath: `${ENTERPRISE_URN}:manager.value` },
    { name: 'homeMail', scimPath: 'emails[type eq "home"].value' },
    { name: 'nothing', scimPath: 'title' },
  ],
});
const schema = userResourceSchema(tenantExtensionOf(settings));

describe('userVariables', () => {
  test('standard variables come from the SCIM attributes; email is the primary one', () => {
    const values = userVariables(user, [], schema);
    expect(values).toEqual(
      expect.objectContaining({
        userName: 'ann@example.com',
        givenName: 'Ann',
        familyName: 'Lee',
        email: 'ann@example.com',
        department: 'R&D',
      }),
    );
    expect(values.displayName).toBeUndefined();
  });

  test('custom attributes are read from their SCIM paths', () => {
    const values = userVariables(user, settings.customAttributes, schema);
    expect(values).toEqual(
      expect.objectContaining({ badge: 'blue', boss: 'm1', homeMail: 'home@example.com' }),
    );
    expect(values.nothing).toBeUndefined();
  });

  test('readScimPath reads core sub-attributes and multi-valued attributes through their primary value', () => {
    expect(readScimPath(user.attributes, 'name.familyName', schema)).toBe('Lee');
    expect(readScimPath(user.attributes, 'emails', schema)).toBe('ann@example.com');
    expect(readScimPath(user.attributes, 'emails[type eq "nope"].value', schema)).toBeUndefined();
  });
});
