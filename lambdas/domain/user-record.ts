import type { ProvisioningSource } from './idp';

/** Who provisioned a user: the IdP of the token that created it (lambdas/domain/idp.ts). */
export type UserSource = ProvisioningSource;

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

/** The primary email, else the first one (RFC 7643 §2.4); undefined when the user has none. */
export function primaryEmailOf(attributes: Record<string, unknown>): string | undefined {
  const emails = attributes.emails;
  if (!Array.isArray(emails)) return undefined;
  const valued = emails.filter(
    (e): e is Record<string, unknown> =>
      !!e &&
      typeof e === 'object' &&
      typeof (e as Record<string, unknown>).value === 'string' &&
      (e as Record<string, unknown>).value !== '',
  );
  const chosen = valued.find((e) => e.primary === true) ?? valued[0];
  return chosen ? (chosen.value as string) : undefined;
}

export function externalIdOf(attributes: Record<string, unknown>): string | undefined {
  const value = attributes.externalId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
