import { matchesValueFilter } from '../scim/filter/evaluate';
import { parsePatchPath } from '../scim/filter/parse';
import { ENTERPRISE_USER_SCHEMA_URN } from '../scim/schemas';
import { findAttribute } from '../scim/schemas/attributes';
import type { ResourceSchema } from '../scim/schemas/types';
import type { CustomAttribute } from './settings';
import type { UserRecord } from './user-record';

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** The primary value of a multi-valued attribute, else its first value (RFC 7643 §2.4). */
function primaryValue(values: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const primary = values.find((v) => (v as Json)?.primary === true) ?? values[0];
  return text((primary as Json)?.value);
}

/**
 * The values of `${variables}` for one user: standard attributes under short names, and the tenant's
 * custom attributes read from their SCIM paths.
 */
export function userVariables(user: UserRecord, customAttributes: CustomAttribute[], schema: ResourceSchema) {
  const a = user.attributes;
  const name = (a.name ?? {}) as Json;
  const enterprise = (a[ENTERPRISE_USER_SCHEMA_URN] ?? {}) as Json;
  const values: Record<string, string | undefined> = {
    id: user.id,
    userName: user.userName,
    externalId: text(a.externalId),
    givenName: text(name.givenName),
    familyName: text(name.familyName),
    middleName: text(name.middleName),
    formattedName: text(name.formatted),
    displayName: text(a.displayName),
    nickName: text(a.nickName),
    title: text(a.title),
    userType: text(a.userType),
    locale: text(a.locale),
    preferredLanguage: text(a.preferredLanguage),
    timezone: text(a.timezone),
    email: primaryValue(a.emails),
    phoneNumber: primaryValue(a.phoneNumbers),
    employeeNumber: text(enterprise.employeeNumber),
    costCenter: text(enterprise.costCenter),
    organization: text(enterprise.organization),
    division: text(enterprise.division),
    department: text(enterprise.department),
  };
  for (const custom of customAttributes) values[custom.name] = readScimPath(a, custom.scimPath, schema);
  return values;
}

/** Reads one SCIM attribute path (core, extension, `emails[type eq "work"].value`) from stored attributes. */
export function readScimPath(attributes: Json, scimPath: string, schema: ResourceSchema): string | undefined {
  const path = parsePatchPath(scimPath);
  const resolved = findAttribute(schema, path.path);
  if (!resolved) return undefined;
  const container = resolved.isExtension ? ((attributes[resolved.schema.id] ?? {}) as Json) : attributes;
  let value = container[resolved.attribute.name];
  if (path.valueFilter) {
    if (!Array.isArray(value)) return undefined;
    const filter = path.valueFilter;
    value = value.find((element) => matchesValueFilter(filter, element, resolved.attribute));
  } else if (Array.isArray(value)) {
    value = value.find((element) => (element as Json)?.primary === true) ?? value[0];
  }
  const sub = path.subAttribute ?? resolved.subAttribute?.name;
  if (sub) {
    const subName =
      resolved.attribute.subAttributes?.find((s) => s.name.toLowerCase() === sub.toLowerCase())?.name ?? sub;
    return text((value as Json | undefined)?.[subName]);
  }
  if (value && typeof value === 'object') return text((value as Json).value);
  return text(value);
}
