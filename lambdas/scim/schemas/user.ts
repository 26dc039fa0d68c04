import { defineAttribute, defineComplex, defineMultiValued, freezeSchema } from './common';
import type { SchemaDefinition } from './types';

export const USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The core User schema: attributes of RFC 7643 §4.1, characteristics of its §8.7.1 representation. */
export const USER_SCHEMA: SchemaDefinition = freezeSchema({
  id: USER_SCHEMA_URN,
  name: 'User',
  description: 'User Account',
  attributes: [
    // §4.1.1: unique per service provider, compared case-insensitively.
    defineAttribute('userName', 'Unique identifier the user signs in with.', {
      required: true,
      uniqueness: 'server',
    }),
    defineComplex('name', "The components of the user's name.", [
      defineAttribute('formatted', 'The full name, formatted for display.'),
      defineAttribute('familyName', 'Family (last) name.'),
      defineAttribute('givenName', 'Given (first) name.'),
      defineAttribute('middleName', 'Middle name(s).'),
      defineAttribute('honorificPrefix', 'Honorific prefix, such as a title.'),
      defineAttribute('honorificSuffix', 'Honorific suffix.'),
    ]),
    defineAttribute('displayName', 'Name of the user as it is displayed to end users.'),
    defineAttribute('nickName', 'Casual name of the user.'),
    defineAttribute('profileUrl', "URL of the user's online profile.", {
      type: 'reference',
      referenceTypes: ['external'],
    }),
    defineAttribute('title', "The user's job title."),
    defineAttribute('userType', 'Relationship between the organization and the user.'),
    defineAttribute('preferredLanguage', 'Preferred written or spoken language (RFC 7231 language tag).'),
    defineAttribute('locale', 'Default location for localizing currency, dates and numbers.'),
    defineAttribute('timezone', 'Time zone, in IANA "Olson" format.'),
    defineAttribute('active', 'Administrative status of the user.', { type: 'boolean' }),
    // §4.1.1 / §7: never returned; the domain hashes or discards it.
    defineAttribute('password', "The user's clear-text password, write-only.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    defineMultiValued('emails', 'Email addresses of the user.', { typeValues: ['work', 'home', 'other'] }),
    defineMultiValued('phoneNumbers', 'Phone numbers of the user.', {
      typeValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    defineMultiValued('ims', 'Instant messaging addresses of the user.', {
      typeValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    defineMultiValued('photos', 'URLs of pictures of the user.', {
      value: { type: 'reference', referenceTypes: ['external'] },
      typeValues: ['photo', 'thumbnail'],
    }),
    // §4.1.2: addresses carry their components instead of a single `value`.
    defineComplex(
      'addresses',
      'Physical mailing addresses of the user.',
      [
        defineAttribute('formatted', 'The full address, formatted for display or mailing labels.'),
        defineAttribute('streetAddress', 'Street address component.'),
        defineAttribute('locality', 'City or locality component.'),
        defineAttribute('region', 'State or region component.'),
        defineAttribute('postalCode', 'Postal or zip code component.'),
        defineAttribute('country', 'Country name component (ISO 3166-1 alpha-2 code).'),
        defineAttribute('type', 'What kind of address this is.', {
          canonicalValues: ['work', 'home', 'other'],
        }),
        defineAttribute('primary', 'Whether this is the preferred address.', { type: 'boolean' }),
      ],
      { multiValued: true },
    ),
    // §4.1.2: membership is changed through the Group resource, never through the user.
    defineComplex(
      'groups',
      'Groups the user belongs to, directly or indirectly.',
      [
        defineAttribute('value', 'The id of the group.', { mutability: 'readOnly' }),
        defineAttribute('$ref', 'URI of the group.', {
          type: 'reference',
          referenceTypes: ['User', 'Group'],
          mutability: 'readOnly',
        }),
        defineAttribute('display', 'Display name of the group.', { mutability: 'readOnly' }),
        defineAttribute('type', 'How the user is a member of the group.', {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    defineMultiValued('entitlements', 'Entitlements the user has.'),
    defineMultiValued('roles', 'Roles the user has.'),
    defineMultiValued('x509Certificates', 'X.509 certificates issued to the user.', {
      value: { type: 'binary' },
    }),
  ],
});
