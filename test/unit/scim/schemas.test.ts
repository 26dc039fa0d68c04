import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_URN,
  GROUP_SCHEMA,
  GROUP_SCHEMA_URN,
  groupResourceSchema,
  isValidAttributeName,
  TENANT_EXTENSION_URN,
  tenantExtensionSchema,
  USER_SCHEMA,
  USER_SCHEMA_URN,
  userResourceSchema,
} from '../../../lambdas/scim/schemas';
import {
  findAttribute,
  parseAttributeName,
  resolveAttributeName,
} from '../../../lambdas/scim/schemas/attributes';
import type { AttributeDefinition, SchemaDefinition } from '../../../lambdas/scim/schemas/types';

const attribute = (schema: SchemaDefinition, name: string): AttributeDefinition => {
  const found = schema.attributes.find((a) => a.name === name);
  if (!found) throw new Error(`no attribute ${name}`);
  return found;
};
const sub = (parent: AttributeDefinition, name: string): AttributeDefinition => {
  const found = parent.subAttributes?.find((a) => a.name === name);
  if (!found) throw new Error(`no sub-attribute ${name}`);
  return found;
};

describe('core User schema (RFC 7643 §4.1, §8.7.1)', () => {
  it('uses the core User URN', () => {
    expect(USER_SCHEMA.id).toBe('urn:ietf:params:scim:schemas:core:2.0:User');
    expect(USER_SCHEMA_URN).toBe(USER_SCHEMA.id);
  });

  it('defines every attribute of the RFC', () => {
    expect(USER_SCHEMA.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });

  it('makes userName required, unique per server and case-insensitive, returned by default', () => {
    expect(attribute(USER_SCHEMA, 'userName')).toMatchObject({
      type: 'string',
      required: true,
      uniqueness: 'server',
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
    });
  });

  it('makes password writeOnly and never returned', () => {
    expect(attribute(USER_SCHEMA, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
  });

  it('types active as boolean and profileUrl as an external reference', () => {
    expect(attribute(USER_SCHEMA, 'active').type).toBe('boolean');
    expect(attribute(USER_SCHEMA, 'profileUrl')).toMatchObject({
      type: 'reference',
      referenceTypes: ['external'],
    });
  });

  it('gives name its six string sub-attributes', () => {
    const name = attribute(USER_SCHEMA, 'name');
    expect(name.type).toBe('complex');
    expect(name.multiValued).toBe(false);
    expect(name.subAttributes?.map((a) => a.name)).toEqual([
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ]);
  });

  it.each(['emails', 'phoneNumbers', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates'])(
    'makes %s multi-valued complex with value, display, type and a boolean primary',
    (name) => {
      const multi = attribute(USER_SCHEMA, name);
      expect(multi).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readWrite' });
      expect(multi.subAttributes?.map((a) => a.name)).toEqual(['value', 'display', 'type', 'primary']);
      expect(sub(multi, 'primary').type).toBe('boolean');
    },
  );

  it('lists the canonical email types', () => {
    expect(sub(attribute(USER_SCHEMA, 'emails'), 'type').canonicalValues).toEqual(['work', 'home', 'other']);
  });

  it('types photo values as references and certificate values as binary', () => {
    expect(sub(attribute(USER_SCHEMA, 'photos'), 'value').type).toBe('reference');
    expect(sub(attribute(USER_SCHEMA, 'x509Certificates'), 'value').type).toBe('binary');
  });

  it('gives addresses their components, type and primary', () => {
    const addresses = attribute(USER_SCHEMA, 'addresses');
    expect(addresses.multiValued).toBe(true);
    expect(addresses.subAttributes?.map((a) => a.name)).toEqual([
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
      'primary',
    ]);
  });

  it('makes groups and all its sub-attributes readOnly', () => {
    const groups = attribute(USER_SCHEMA, 'groups');
    expect(groups).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readOnly' });
    expect(groups.subAttributes?.map((a) => a.name)).toEqual(['value', '$ref', 'display', 'type']);
    expect(groups.subAttributes?.every((a) => a.mutability === 'readOnly')).toBe(true);
    expect(sub(groups, '$ref').referenceTypes).toEqual(['User', 'Group']);
  });

  it('is frozen, so no request can change the shared definition', () => {
    expect(Object.isFrozen(USER_SCHEMA)).toBe(true);
    expect(Object.isFrozen(attribute(USER_SCHEMA, 'emails').subAttributes)).toBe(true);
  });
});

describe('Enterprise User extension (RFC 7643 §4.3)', () => {
  it('defines the enterprise attributes under its URN', () => {
    expect(ENTERPRISE_USER_SCHEMA.id).toBe(ENTERPRISE_USER_SCHEMA_URN);
    expect(ENTERPRISE_USER_SCHEMA_URN).toBe('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User');
    expect(ENTERPRISE_USER_SCHEMA.attributes.map((a) => a.name)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
  });

  it('makes manager complex with a readOnly displayName', () => {
    const manager = attribute(ENTERPRISE_USER_SCHEMA, 'manager');
    expect(manager.subAttributes?.map((a) => a.name)).toEqual(['value', '$ref', 'displayName']);
    expect(sub(manager, 'displayName').mutability).toBe('readOnly');
    expect(sub(manager, 'value').mutability).toBe('readWrite');
  });
});

describe('core Group schema (RFC 7643 §4.2)', () => {
  it('requires a unique, case-insensitive displayName', () => {
    expect(GROUP_SCHEMA.id).toBe(GROUP_SCHEMA_URN);
    expect(attribute(GROUP_SCHEMA, 'displayName')).toMatchObject({
      required: true,
      uniqueness: 'server',
      caseExact: false,
    });
  });

  it('makes members readWrite with an immutable value and User/Group types', () => {
    const members = attribute(GROUP_SCHEMA, 'members');
    expect(members).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readWrite' });
    expect(members.subAttributes?.map((a) => a.name)).toEqual(['value', '$ref', 'display', 'type']);
    expect(sub(members, 'value').mutability).toBe('immutable');
    expect(sub(members, 'type').canonicalValues).toEqual(['User', 'Group']);
  });
});

describe('common attributes (RFC 7643 §3.1)', () => {
  it('lists id, externalId and meta', () => {
    expect(COMMON_ATTRIBUTES.map((a) => a.name)).toEqual(['id', 'externalId', 'meta']);
  });

  it('makes id readOnly, always returned and case-exact; externalId readWrite and case-exact', () => {
    const [id, externalId] = COMMON_ATTRIBUTES;
    expect(id).toMatchObject({ mutability: 'readOnly', returned: 'always', caseExact: true });
    expect(externalId).toMatchObject({ mutability: 'readWrite', returned: 'default', caseExact: true });
  });

  it('makes meta readOnly with its five sub-attributes', () => {
    const meta = COMMON_ATTRIBUTES[2];
    expect(meta.mutability).toBe('readOnly');
    expect(meta.subAttributes?.map((a) => a.name)).toEqual([
      'resourceType',
      'created',
      'lastModified',
      'location',
      'version',
    ]);
    expect(meta.subAttributes?.every((a) => a.mutability === 'readOnly')).toBe(true);
  });

  it('are not part of any schema attribute list', () => {
    for (const schema of [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]) {
      expect(schema.attributes.map((a) => a.name)).not.toEqual(expect.arrayContaining(['id']));
      expect(schema.attributes.map((a) => a.name)).not.toEqual(expect.arrayContaining(['meta']));
    }
  });

  it('are found by findAttribute, unqualified or qualified with the core URN', () => {
    const user = userResourceSchema();
    expect(findAttribute(user, { attribute: 'ID' })?.attribute.name).toBe('id');
    expect(findAttribute(user, { attribute: 'meta', subAttribute: 'lastmodified' })?.subAttribute?.name).toBe(
      'lastModified',
    );
    expect(findAttribute(user, { schema: USER_SCHEMA_URN, attribute: 'externalId' })?.isExtension).toBe(
      false,
    );
    expect(findAttribute(user, { schema: ENTERPRISE_USER_SCHEMA_URN, attribute: 'id' })).toBeUndefined();
  });
});

describe('resource schemas', () => {
  it('builds the User resource from core and the enterprise extension', () => {
    const user = userResourceSchema();
    expect(user.resourceType).toBe('User');
    expect(user.core).toBe(USER_SCHEMA);
    expect(user.extensions).toEqual([{ schema: ENTERPRISE_USER_SCHEMA, required: false }]);
  });

  it('adds the tenant extension when it defines attributes', () => {
    const tenant = tenantExtensionSchema(TENANT_EXTENSION_URN, [{ name: 'badgeId' }]);
    expect(userResourceSchema(tenant).extensions.map((e) => e.schema.id)).toEqual([
      ENTERPRISE_USER_SCHEMA_URN,
      TENANT_EXTENSION_URN,
    ]);
  });

  it('leaves out a tenant extension with no attributes', () => {
    const empty = tenantExtensionSchema(TENANT_EXTENSION_URN, []);
    expect(userResourceSchema(empty).extensions).toHaveLength(1);
  });

  it('builds the Group resource without extensions', () => {
    expect(groupResourceSchema()).toEqual({ resourceType: 'Group', core: GROUP_SCHEMA, extensions: [] });
  });
});

describe('tenant extension', () => {
  it('uses the product extension URN', () => {
    expect(TENANT_EXTENSION_URN).toBe('urn:ietf:params:scim:schemas:extension:scimaws:2.0:User');
  });

  it('makes each attribute a single-valued, readWrite, returned-by-default string', () => {
    const tenant = tenantExtensionSchema(TENANT_EXTENSION_URN, [
      { name: 'badgeId', description: 'Badge number' },
      { name: 'shirtSize' },
    ]);
    expect(tenant.id).toBe(TENANT_EXTENSION_URN);
    expect(tenant.attributes).toEqual([
      expect.objectContaining({
        name: 'badgeId',
        description: 'Badge number',
        type: 'string',
        multiValued: false,
        required: false,
        mutability: 'readWrite',
        returned: 'default',
      }),
      expect.objectContaining({ name: 'shirtSize', type: 'string' }),
    ]);
  });

  it('skips names that are not ATTRNAMEs or repeat an earlier name in another case', () => {
    const tenant = tenantExtensionSchema(TENANT_EXTENSION_URN, [
      { name: 'badgeId' },
      { name: 'BADGEID' },
      { name: '1st' },
      { name: 'has space' },
      { name: 'a.b' },
    ]);
    expect(tenant.attributes.map((a) => a.name)).toEqual(['badgeId']);
  });

  it('validates attribute names per RFC 7643 §2.1', () => {
    expect(isValidAttributeName('cost_center-2')).toBe(true);
    expect(isValidAttributeName('$ref')).toBe(false);
    expect(isValidAttributeName('')).toBe(false);
  });
});

describe('attribute names', () => {
  it('splits a URN-qualified name at the last colon, keeping the dots of the URN', () => {
    expect(parseAttributeName(`${ENTERPRISE_USER_SCHEMA_URN}:manager.value`)).toEqual({
      schema: ENTERPRISE_USER_SCHEMA_URN,
      attribute: 'manager',
      subAttribute: 'value',
    });
  });

  it('parses unqualified and dotted names', () => {
    expect(parseAttributeName('name.givenName')).toEqual({
      schema: undefined,
      attribute: 'name',
      subAttribute: 'givenName',
    });
    expect(parseAttributeName(' userName ')).toEqual({ schema: undefined, attribute: 'userName' });
  });

  it('rejects malformed names', () => {
    expect(parseAttributeName('a.b.c')).toBeUndefined();
    expect(parseAttributeName('name.')).toBeUndefined();
    expect(parseAttributeName('')).toBeUndefined();
  });

  it('resolves a whole extension URN case-insensitively', () => {
    const resolved = resolveAttributeName(userResourceSchema(), ENTERPRISE_USER_SCHEMA_URN.toUpperCase());
    expect(resolved).toMatchObject({ kind: 'schema', schema: ENTERPRISE_USER_SCHEMA, isExtension: true });
  });

  it('resolves a qualified extension attribute', () => {
    const resolved = resolveAttributeName(userResourceSchema(), `${ENTERPRISE_USER_SCHEMA_URN}:Department`);
    expect(resolved).toMatchObject({ kind: 'attribute', isExtension: true });
    expect(resolved?.kind === 'attribute' && resolved.attribute.name).toBe('department');
  });

  it('does not resolve unknown names', () => {
    expect(resolveAttributeName(userResourceSchema(), 'shoeSize')).toBeUndefined();
    expect(resolveAttributeName(userResourceSchema(), 'name.nope')).toBeUndefined();
  });
});
