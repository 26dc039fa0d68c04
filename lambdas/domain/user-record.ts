/** Which client provisioned a user, so the console can show "SCIM Okta". */
export type ProvisioningClient = 'okta' | 'entra' | 'other';

export interface UserSource {
  client: ProvisioningClient;
  /** Label the console shows, e.g. "SCIM Okta". */
  label: string;
  userAgent?: string;
}

/** A user as the domain keeps it; `attributes` is the normalized SCIM body without id, meta, groups and password. */
export interface UserRecord {
  tenantId: string;
  id: string;
  userName: string;
  attributes: Record<string, unknown>;
  active: boolean;
  created: string;
  lastModified: string;
  /** Incremented on every write; the weak ETag is W/"<version>". */
  version: number;
  source: UserSource;
}

/** Identifies the client from its User-Agent (Okta: "Okta SCIM Client ..."; Entra: "...Microsoft..."/"Azure"). */
export function sourceFromUserAgent(userAgent: string | undefined): UserSource {
  const ua = userAgent ?? '';
  if (/okta/i.test(ua)) return { client: 'okta', label: 'SCIM Okta', userAgent: ua.slice(0, 200) };
  if (/microsoft|azure|entra|aad/i.test(ua)) {
    return { client: 'entra', label: 'SCIM Microsoft Entra ID', userAgent: ua.slice(0, 200) };
  }
  return { client: 'other', label: 'SCIM', ...(ua ? { userAgent: ua.slice(0, 200) } : {}) };
}

/** Lowercased, distinct email values: the keys of the email lookup edges. */
export function emailKeys(attributes: Record<string, unknown>): string[] {
  const emails = attributes.emails;
  if (!Array.isArray(emails)) return [];
  const values = emails
    .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).value : undefined))
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .map((v) => v.toLowerCase());
  return [...new Set(values)];
}

export function externalIdOf(attributes: Record<string, unknown>): string | undefined {
  const value = attributes.externalId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
