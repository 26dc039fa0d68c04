import { defineAttribute, defineComplex, freezeSchema } from './common';
import type { SchemaDefinition } from './types';

export const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The core Group schema (RFC 7643 §4.2, representation in §8.7.1). */
export const GROUP_SCHEMA: SchemaDefinition = freezeSchema({
  id: GROUP_SCHEMA_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §8.7.1 marks it optional; this service requires it and keeps it unique (case-insensitively),
    // because Okta and Entra look groups up by `displayName eq`.
    defineAttribute('displayName', 'Human-readable name of the group.', {
      required: true,
      uniqueness: 'server',
    }),
    defineComplex(
      'members',
      'Members of the group.',
      [
        defineAttribute('value', 'The id of the member resource.', {
          caseExact: true,
          mutability: 'immutable',
        }),
        defineAttribute('$ref', 'URI of the member resource.', {
          type: 'reference',
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        // §4.2 names `display`. The server derives it (the member's displayName, else userName), so
        // it is readOnly: Okta and Entra still send it with each added member, and it is ignored.
        defineAttribute('display', 'Display name of the member.', { mutability: 'readOnly' }),
        defineAttribute('type', 'Resource type of the member.', {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
  ],
});
