/**
 * What Okta and Entra really send (../shared/CLIENTS.md, the golden transcript, the users-/groups-okta
 * and -entra tests): the bodies, lookups and PATCH operations the fuzzer starts from.
 */
export const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
const MICROSOFT_GROUP_URN = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

type Json = Record<string, unknown>;

/** Okta's create: schemas, userName, name, a work email, displayName, locale, externalId, groups [], a password, active. */
export function oktaUser(n: number): Json {
  const userName = `fuzz.${n}@example.com`;
  return {
    schemas: [USER_URN],
    userName,
    name: { givenName: 'Fuzz', familyName: `Number${n}` },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `Fuzz Number${n}`,
    locale: 'en-US',
    externalId: `00u${n}abcdEFGH`,
    groups: [],
    password: 'tlpWENT2m',
    active: true,
  };
}

/** Entra's create: the enterprise extension with a manager, nulls, "True", addresses and phones. */
export function entraUser(n: number, managerId?: string): Json {
  return {
    schemas: [USER_URN, ENTERPRISE_URN],
    externalId: `e${n}-5b1c-4f7a-9d3e`,
    userName: `Entra.${n}@contoso.example`,
    active: 'True',
    displayName: `Entra User ${n}`,
    title: 'Engineer',
    nickName: null,
    emails: [{ primary: true, type: 'work', value: `entra.${n}@contoso.example` }],
    meta: { resourceType: 'User' },
    name: { formatted: `Entra ${n}`, familyName: `${n}`, givenName: 'Entra' },
    addresses: [
      {
        type: 'work',
        formatted: '1 Main St',
        streetAddress: '1 Main St',
        locality: 'Redmond',
        country: 'US',
        primary: true,
      },
    ],
    phoneNumbers: [{ type: 'work', value: '+1 555 0100' }],
    [ENTERPRISE_URN]: {
      employeeNumber: `${n}`,
      department: 'R&D',
      ...(managerId ? { manager: n % 2 === 0 ? { value: managerId } : managerId } : {}),
    },
  };
}

export function oktaGroup(n: number, memberIds: string[] = []): Json {
  return {
    schemas: [GROUP_URN],
    displayName: `Fuzz group ${n}`,
    members: memberIds.map((value) => ({ value, display: 'someone' })),
  };
}

export function entraGroup(n: number): Json {
  return {
    schemas: [GROUP_URN, MICROSOFT_GROUP_URN],
    externalId: `g${n}-8a2b`,
    displayName: `Entra group ${n}`,
    members: [],
  };
}

/** Okta's full PUT: the whole object again, with id, meta, groups [] and a password. */
export function oktaPut(n: number, id: string): Json {
  return {
    ...oktaUser(n),
    id,
    meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' },
    active: n % 3 !== 0,
  };
}

export const patchOf = (...Operations: unknown[]): Json => ({ schemas: [PATCH_URN], Operations });

/** User PATCH operations as Okta and Entra send them. */
export function userOperations(n: number): unknown[][] {
  return [
    [{ op: 'replace', value: { active: false } }],
    [{ op: 'replace', value: { active: true } }],
    [{ op: 'Replace', path: 'active', value: 'False' }],
    [
      {
        op: 'replace',
        value: { 'name.givenName': `G${n}`, [`${ENTERPRISE_URN}:employeeNumber`]: `${n}` },
      },
    ],
    [
      { op: 'Add', path: 'title', value: 'Lead' },
      { op: 'Replace', path: 'displayName', value: `Renamed ${n}` },
    ],
    [{ op: 'Replace', path: 'emails[type eq "work"].value', value: `patched.${n}@example.com` }],
    [{ op: 'Replace', path: 'addresses[type eq "work"].formatted', value: '2 Side St' }],
    [{ op: 'Remove', path: `${ENTERPRISE_URN}:manager` }],
    [{ op: 'Add', path: `${ENTERPRISE_URN}:department`, value: 'Sales' }],
    [{ op: 'remove', path: 'title' }],
  ];
}

/** Group PATCH operations: Okta's membership and rename, Entra's Add/Remove with values. */
export function groupOperations(n: number, userIds: string[]): unknown[][] {
  const a = userIds[n % Math.max(1, userIds.length)] ?? 'missing';
  const b = userIds[(n + 1) % Math.max(1, userIds.length)] ?? 'missing';
  return [
    [{ op: 'add', path: 'members', value: [{ value: a, display: 'A' }] }],
    [
      { op: 'remove', path: `members[value eq "${a}"]` },
      { op: 'add', path: 'members', value: [{ value: b, display: 'B' }] },
    ],
    [{ op: 'replace', value: { id: 'ignored', displayName: `Renamed group ${n}` } }],
    [{ op: 'replace', path: 'members', value: [{ value: a }, { value: b }] }],
    [{ op: 'replace', path: 'members', value: [] }],
    [{ op: 'Add', path: 'members', value: [{ $ref: null, value: b }] }],
    [{ op: 'Remove', path: 'members', value: [{ value: a }] }],
    [{ op: 'Replace', path: 'displayName', value: `Entra renamed ${n}` }],
    [{ op: 'Replace', path: 'externalId', value: `ext-${n}` }],
  ];
}

/** Lookups and lists: Okta's test-credentials and import paging, Entra's filters. */
export function readPaths(n: number, userId: string, groupId: string): string[] {
  const q = encodeURIComponent;
  return [
    '/Users?startIndex=1&count=2',
    '/Groups?startIndex=1&count=100',
    `/Users?filter=${q(`userName eq "fuzz.${n}@example.com"`)}&startIndex=1&count=100`,
    `/Users?filter=${q(`externalId eq "00u${n}abcdEFGH"`)}`,
    `/Users?filter=${q(`emails[type eq "work"].value eq "entra.${n}@contoso.example"`)}`,
    `/Users?filter=${q(`userName eq Entra.${n}@contoso.example`)}`,
    `/Groups?filter=${q(`displayName eq "Fuzz group ${n}"`)}`,
    `/Groups?filter=${q(`id eq "${groupId}"`)}&excludedAttributes=members`,
    `/Users?filter=${q('id eq "0b7a8c3e-6a57-4d2a-9d1c-4f1b2e3a4b5c"')}`,
    `/Users/${userId}`,
    `/Groups/${groupId}`,
    `/Groups/${groupId}?excludedAttributes=members`,
    `/Users?startIndex=${1 + (n % 5) * 100}&count=100`,
    '/Schemas',
    '/ResourceTypes',
    '/ServiceProviderConfig',
    `/Users/${userId}?attributes=userName,emails`,
    `/Groups?filter=${q(`members[value eq "${userId}"]`)}`,
  ];
}
