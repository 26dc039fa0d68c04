import { excerpt } from '../scim/excerpt';
import { parsePatchPath } from '../scim/filter/parse';
import { TENANT_EXTENSION_URN, tenantExtensionSchema, userResourceSchema } from '../scim/schemas';
import { findAttribute } from '../scim/schemas/attributes';
import type { SchemaDefinition } from '../scim/schemas/types';
import { InvalidInputError } from './errors';
import { variablesIn } from './templates';

export interface CustomAttribute {
  name: string;
  /** The SCIM attribute the IdP sends; defaults to the tenant extension's attribute of the same name. */
  scimPath: string;
  description?: string;
}

export interface InviteEmail {
  subject: string;
  body: string;
}

export interface TenantSettings {
  autoInviteUsers: boolean;
  customAttributes: CustomAttribute[];
  inviteEmail: InviteEmail;
}

export const MAX_CUSTOM_ATTRIBUTES = 50;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Variables every user has (from standard SCIM attributes), plus the invite's own. */
export const STANDARD_VARIABLES = [
  'id',
  'userName',
  'externalId',
  'givenName',
  'familyName',
  'middleName',
  'formattedName',
  'displayName',
  'nickName',
  'title',
  'userType',
  'locale',
  'preferredLanguage',
  'timezone',
  'email',
  'phoneNumber',
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
] as const;
export const INVITE_VARIABLES = ['inviteLink', 'tenantId'] as const;

export const DEFAULT_INVITE_EMAIL: InviteEmail = {
  subject: 'You are invited to ${tenantId}',
  body: 'Hello ${displayName},\n\nyour administrator has invited you. Accept the invitation here:\n${inviteLink}\n',
};

export const DEFAULT_SETTINGS: TenantSettings = {
  autoInviteUsers: false,
  customAttributes: [],
  inviteEmail: DEFAULT_INVITE_EMAIL,
};

/**
 * Validates a PUT body; fields left out take their defaults. Every problem is collected so the admin
 * sees all of them at once (400 listing what is wrong; nothing saved).
 */
export function parseSettings(body: unknown): TenantSettings {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('Settings must be a JSON object');
  }
  const input = body as Record<string, unknown>;
  const problems: string[] = [];
  const known = ['autoInviteUsers', 'customAttributes', 'inviteEmail'];
  for (const key of Object.keys(input))
    if (!known.includes(key)) problems.push(`unknown field '${excerpt(key)}'`);

  let autoInviteUsers = DEFAULT_SETTINGS.autoInviteUsers;
  if (input.autoInviteUsers !== undefined) {
    if (typeof input.autoInviteUsers !== 'boolean') problems.push('autoInviteUsers must be a boolean');
    else autoInviteUsers = input.autoInviteUsers;
  }

  const customAttributes: CustomAttribute[] = [];
  if (input.customAttributes !== undefined) {
    if (!Array.isArray(input.customAttributes)) problems.push('customAttributes must be an array');
    else {
      if (input.customAttributes.length > MAX_CUSTOM_ATTRIBUTES) {
        problems.push(`at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
      }
      const seen = new Set<string>();
      input.customAttributes.forEach((raw, i) => {
        const attribute = parseCustomAttribute(raw, `customAttributes[${i}]`, problems);
        if (!attribute) return;
        const lower = attribute.name.toLowerCase();
        if (
          seen.has(lower) ||
          (STANDARD_VARIABLES as readonly string[]).some((v) => v.toLowerCase() === lower)
        ) {
          problems.push(`customAttributes[${i}].name '${excerpt(attribute.name)}' is not unique`);
        }
        seen.add(lower);
        customAttributes.push(attribute);
      });
    }
  }

  let inviteEmail = DEFAULT_INVITE_EMAIL;
  if (input.inviteEmail !== undefined) {
    const raw = input.inviteEmail as Record<string, unknown>;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      problems.push('inviteEmail must be an object');
    else if (typeof raw.subject !== 'string' || raw.subject.trim() === '' || raw.subject.length > 200) {
      problems.push('inviteEmail.subject must be a non-empty string of at most 200 characters');
    } else if (typeof raw.body !== 'string' || raw.body.trim() === '' || raw.body.length > 10_000) {
      problems.push('inviteEmail.body must be a non-empty string of at most 10000 characters');
    } else {
      inviteEmail = { subject: raw.subject, body: raw.body };
      const allowed = knownVariables(customAttributes, true);
      for (const [field, text] of Object.entries(inviteEmail)) {
        for (const variable of variablesIn(text)) {
          if (!allowed.has(variable))
            problems.push(`inviteEmail.${field} uses unknown variable \${${excerpt(variable)}}`);
        }
      }
    }
  }

  if (problems.length > 0)
    throw new InvalidInputError(
      `Invalid settings: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` and ${problems.length - 10} more problems` : ''}`,
    );
  return { autoInviteUsers, customAttributes, inviteEmail };
}

function parseCustomAttribute(raw: unknown, where: string, problems: string[]): CustomAttribute | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${where} must be an object {name, scimPath?, description?}`);
    return undefined;
  }
  const { name, scimPath, description, ...rest } = raw as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`${where}: unknown field '${excerpt(key)}'`);
  if (typeof name !== 'string' || !NAME.test(name)) {
    problems.push(`${where}.name '${excerpt(name)}' must match [A-Za-z][A-Za-z0-9_]{0,63}`);
    return undefined;
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
    problems.push(`${where}.description must be a string of at most 500 characters`);
  }
  const path = scimPath === undefined ? `${TENANT_EXTENSION_URN}:${name}` : scimPath;
  if (typeof path !== 'string' || !isValidScimPath(path, name)) {
    problems.push(`${where}.scimPath '${excerpt(scimPath)}' is not a valid SCIM attribute path`);
    return undefined;
  }
  return { name, scimPath: path, ...(typeof description === 'string' ? { description } : {}) };
}

/**
 * A valid path names a single-valued attribute of the User schema: core, the enterprise extension,
 * or the tenant's own extension (where any valid attribute name is allowed: it defines it).
 */
function isValidScimPath(path: string, name: string): boolean {
  try {
    const parsed = parsePatchPath(path);
    if (parsed.valueFilter) return true;
    if (parsed.path.schema?.toLowerCase() === TENANT_EXTENSION_URN.toLowerCase()) {
      return NAME.test(parsed.path.attribute) && !parsed.path.subAttribute;
    }
    const schema = userResourceSchema(tenantExtensionSchema(TENANT_EXTENSION_URN, [{ name }]));
    return !!findAttribute(schema, parsed.path);
  } catch {
    return false;
  }
}

export function knownVariables(customAttributes: CustomAttribute[], forInvite: boolean): Set<string> {
  return new Set<string>([
    ...STANDARD_VARIABLES,
    ...(forInvite ? INVITE_VARIABLES : []),
    ...customAttributes.map((a) => a.name),
  ]);
}

/** The tenant's extension schema: custom attributes stored in the tenant extension URN. */
export function tenantExtensionOf(settings: TenantSettings): SchemaDefinition | undefined {
  const own = settings.customAttributes
    .map((a) => ({ attribute: a, path: parsePatchPath(a.scimPath) }))
    .filter(({ path }) => path.path.schema?.toLowerCase() === TENANT_EXTENSION_URN.toLowerCase())
    .map(({ attribute, path }) => ({ name: path.path.attribute, description: attribute.description }));
  return own.length > 0 ? tenantExtensionSchema(TENANT_EXTENSION_URN, own) : undefined;
}
