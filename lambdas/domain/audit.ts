import type { TenantSettings } from './settings';
import type { Token } from './tokens';

/**
 * The admin audit trail: who changed a tenant's tokens or settings, what changed, when, in which
 * request. The use cases (token-service.ts, settings-service.ts) decide what an entry holds; the
 * store writes it in the same transaction as the change it records, so the trail holds exactly the
 * changes that happened. An entry never holds a secret, a secret's hash or a token: a token is named
 * by its id, its IdP, its status and the hint (the last 4 characters the console shows anyway).
 */

/** Who asks: the admin's identity (Cognito `sub`; `local-admin` for the local key) and the request's id. */
export interface AdminActor {
  subject: string;
  requestId: string;
}

export type AuditAction =
  | 'token.created'
  | 'token.renewed'
  | 'token.status_changed'
  | 'token.removed'
  | 'settings.updated';

export type AuditTarget = { type: 'token'; id: string } | { type: 'settings' };

/** One changed field: its value before and after (`null` where there was or is none). */
export interface AuditChange {
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  tenantId: string;
  /** ISO 8601 time of the change. */
  at: string;
  actor: string;
  action: AuditAction;
  target: AuditTarget;
  changes: Record<string, AuditChange>;
  requestId: string;
}

/** The token fields an entry may show; never `secretHash` (nor, of course, the secret). */
type AuditedTokenFields = Pick<Token, 'status' | 'idp' | 'hint'>;
const TOKEN_FIELDS = ['status', 'idp', 'hint'] as const satisfies readonly (keyof AuditedTokenFields)[];

const SETTINGS_FIELDS = [
  'autoInviteUsers',
  'customAttributes',
  'inviteEmail',
] as const satisfies readonly (keyof TenantSettings)[];

function entry(
  actor: AdminActor,
  tenantId: string,
  action: AuditAction,
  target: AuditTarget,
  changes: Record<string, AuditChange>,
  at: Date,
): AuditEntry {
  return {
    tenantId,
    at: at.toISOString(),
    actor: actor.subject,
    action,
    target,
    changes,
    requestId: actor.requestId,
  };
}

/** The fields that differ between `before` and `after` (compared as JSON), each with both values. */
export function changedFields<T extends object>(
  fields: readonly (keyof T & string)[],
  before: T | undefined,
  after: T | undefined,
): Record<string, AuditChange> {
  const changes: Record<string, AuditChange> = {};
  for (const field of fields) {
    const was = before?.[field] ?? null;
    const is = after?.[field] ?? null;
    if (canonical(was) !== canonical(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}

/** JSON with object keys sorted: a value read back from the table may list its keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export const auditEntries = {
  tokenCreated: (actor: AdminActor, token: Token, at = new Date()) =>
    entry(
      actor,
      token.tenantId,
      'token.created',
      { type: 'token', id: token.id },
      changedFields(TOKEN_FIELDS, undefined, token),
      at,
    ),

  tokenRenewed: (actor: AdminActor, before: Token, after: Token, at = new Date()) =>
    entry(
      actor,
      before.tenantId,
      'token.renewed',
      { type: 'token', id: before.id },
      changedFields(TOKEN_FIELDS, before, after),
      at,
    ),

  tokenStatusChanged: (actor: AdminActor, before: Token, after: Token, at = new Date()) =>
    entry(
      actor,
      before.tenantId,
      'token.status_changed',
      { type: 'token', id: before.id },
      changedFields(TOKEN_FIELDS, before, after),
      at,
    ),

  tokenRemoved: (actor: AdminActor, token: Token, at = new Date()) =>
    entry(
      actor,
      token.tenantId,
      'token.removed',
      { type: 'token', id: token.id },
      changedFields(TOKEN_FIELDS, token, undefined),
      at,
    ),

  settingsUpdated: (
    actor: AdminActor,
    tenantId: string,
    before: TenantSettings,
    after: TenantSettings,
    at = new Date(),
  ) =>
    entry(
      actor,
      tenantId,
      'settings.updated',
      { type: 'settings' },
      changedFields(SETTINGS_FIELDS, before, after),
      at,
    ),
};

/** Entries per page of `GET …/audit`: 1 to 100, 50 when not given. */
export const AUDIT_PAGE = { default: 50, max: 100 } as const;
