import { excerpt } from '../scim/excerpt';
import { parsePatchPath } from '../scim/filter/parse';
import { TENANT_EXTENSION_URN, tenantExtensionSchema, userResourceSchema } from '../scim/schemas';
import { findAttribute } from '../scim/schemas/attributes';
import type { SchemaDefinition } from '../scim/schemas/types';
import { describeFieldErrors, type FieldError, InvalidInputError } from './errors';
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
/** A custom attribute's name (also its `${variable}`); the admin input checks it, the tenant extension too. */
export const CUSTOM_ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const NAME = CUSTOM_ATTRIBUTE_NAME;
/** The longest invitation subject and body, and custom attribute description. */
export const SETTINGS_LIMITS = { subject: 200, body: 10_000, description: 500 } as const;

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
 * A PUT body whose shape the adapter has checked (lambdas/http/admin-input.ts: types, lengths, the
 * attribute-name pattern, no unknown fields); fields left out take their defaults.
 */
export interface SettingsInput {
  autoInviteUsers?: boolean;
  /** An entry whose shape was wrong is left out (`undefined`), so the others keep their index. */
  customAttributes?: ({ name: string; scimPath?: string; description?: string } | undefined)[];
  inviteEmail?: InviteEmail;
}

/**
 * The rules of a settings save beyond its shape: custom attribute names unique (case-insensitively,
 * and not a standard variable), each scimPath a valid single attribute of the User schema, the
 * invitation using known `${variables}` only. Every problem is named by its field path at once
 * (400, nothing saved).
 */
export function parseSettings(input: SettingsInput): TenantSettings {
  const problems: FieldError[] = [];
  const customAttributes: CustomAttribute[] = [];
  const seen = new Set<string>();
  (input.customAttributes ?? []).forEach((raw, i) => {
    if (!raw) return;
    const where = `customAttributes[${i}]`;
    const lower = raw.name.toLowerCase();
    if (seen.has(lower) || (STANDARD_VARIABLES as readonly string[]).some((v) => v.toLowerCase() === lower)) {
      problems.push({ path: `${where}.name`, message: `'${excerpt(raw.name)}' is not unique` });
    }
    seen.add(lower);
    const scimPath = raw.scimPath ?? `${TENANT_EXTENSION_URN}:${raw.name}`;
    if (!isValidScimPath(scimPath, raw.name)) {
      problems.push({
        path: `${where}.scimPath`,
        message: `'${excerpt(raw.scimPath)}' is not a valid SCIM attribute path`,
      });
      return;
    }
    customAttributes.push({
      name: raw.name,
      scimPath,
      ...(raw.description !== undefined ? { description: raw.description } : {}),
    });
  });

  const inviteEmail = input.inviteEmail ?? DEFAULT_INVITE_EMAIL;
  const allowed = knownVariables(customAttributes, true);
  for (const field of ['subject', 'body'] as const) {
    const unknown = variablesIn(inviteEmail[field]).filter((v) => !allowed.has(v));
    if (unknown.length > 0) {
      problems.push({
        path: `inviteEmail.${field}`,
        message: `uses unknown variable(s) ${unknown.map((v) => `\${${excerpt(v)}}`).join(', ')}`,
      });
    }
  }

  if (problems.length > 0) {
    throw new InvalidInputError(`Invalid settings: ${describeFieldErrors(problems)}`, { fields: problems });
  }
  return {
    autoInviteUsers: input.autoInviteUsers ?? DEFAULT_SETTINGS.autoInviteUsers,
    customAttributes,
    inviteEmail: { subject: inviteEmail.subject, body: inviteEmail.body },
  };
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
