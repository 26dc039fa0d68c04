import type { HandlerName } from '../lambdas/http/routes';
import type { TableAccess } from './constructs/handler-function';

/** Handler directory (under lambdas/) and table access of each handler name that ROUTES may use. */
export const HANDLERS: Record<
  HandlerName,
  {
    dir: string;
    tableAccess: TableAccess;
    timeoutSeconds?: number;
    /** Construct id of the function. @default `<Name>Handler` */
    constructId?: string;
  }
> = {
  tokens: { dir: 'tokens', tableAccess: 'readWrite' },
  discovery: { dir: 'discovery', tableAccess: 'read' },
  // Deletes sweep memberships; filtered walks read the tenant: up to API Gateway's 29 s.
  users: { dir: 'users', tableAccess: 'readWrite', timeoutSeconds: 28 },
  // A 10k-member replace or a 100k-member read takes seconds: up to API Gateway's 29 s.
  groups: { dir: 'groups', tableAccess: 'readWrite', timeoutSeconds: 28 },
  // Bulk runs up to 100 operations one after the other: up to API Gateway's 29 s (docs/decisions.md).
  bulk: { dir: 'bulk', tableAccess: 'readWrite', timeoutSeconds: 28 },
  settings: { dir: 'settings', tableAccess: 'readWrite' },
  // The console's listings and user detail: no mailer, no invitation link keys.
  directory: { dir: 'directory', tableAccess: 'readWrite' },
  // The console's invitation preview and re-send: writes the invite record, sends through SES.
  invitations: { dir: 'invitations', tableAccess: 'readWrite' },
  // Reads the audit trail only; the entries are written by the tokens and settings functions.
  audit: { dir: 'audit', tableAccess: 'read' },
  // The request log and the health view: reads only.
  activity: { dir: 'activity', tableAccess: 'read' },
  // The invitation link's verify call (GET /invite/{token} reads it, POST uses it once).
  // `InvitesHandler` is the stream consumer's id (kept from the invite consumer it grew from).
  invites: { dir: 'invites', tableAccess: 'readWrite', constructId: 'InviteLinksHandler' },
};

/** The handlers that write admin audit entries (with the token and settings changes): they get the retention. */
export const AUDIT_WRITERS: readonly HandlerName[] = ['tokens', 'settings'];

/** The handlers whose repositories sign or check paging cursors (console, SCIM cursor paging, Bulk's use cases): they read the cursor key. */
export const PAGING_HANDLERS: readonly HandlerName[] = [
  'users',
  'groups',
  'directory',
  'bulk',
  'audit',
  'activity',
];

export const handlerEntry = (name: HandlerName) => `lambdas/${HANDLERS[name].dir}/handler.ts`;
/** API Gateway gives up on an integration after 29 s: every function behind a route must stop before. */
export const API_INTEGRATION_LIMIT_SECONDS = 29;
/** The handlers that need the invite-link keys: they sign (stream consumer, invitations) or verify (invites) links. */
export const INVITE_LINK_HANDLERS: readonly HandlerName[] = ['invitations', 'invites'];
export const AUTHORIZER_ENTRY = 'lambdas/authorizer/handler.ts';
/** The table's stream consumer (invitations, member-count folds, change events). */
export const STREAM_ENTRY = 'lambdas/stream/handler.ts';
