import { defineAttribute, defineComplex, freezeSchema } from './common';
import type { SchemaDefinition } from './types';

export const ENTERPRISE_USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The Enterprise User extension (RFC 7643 §4.3, representation in §8.7.1). */
export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = freezeSchema({
  id: ENTERPRISE_USER_SCHEMA_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    defineAttribute('employeeNumber', 'Identifier the organization assigns to the user.'),
    defineAttribute('costCenter', 'Name of a cost center.'),
    defineAttribute('organization', 'Name of an organization.'),
    defineAttribute('division', 'Name of a division.'),
    defineAttribute('department', 'Name of a department.'),
    defineComplex('manager', "The user's manager.", [
      defineAttribute('value', 'The id of the manager in this service provider.'),
      defineAttribute('$ref', 'URI of the manager.', { type: 'reference', referenceTypes: ['User'] }),
      // §4.3: filled in by the service provider, so clients cannot set it.
      defineAttribute('displayName', 'Display name of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
});
