/**
 * The admin API's contract: the JSON bodies of every admin route, as the handlers answer them and as
 * the console (web/) reads them. Types only — no runtime code, no imports — so the console can share
 * them without pulling anything from the service into the browser bundle.
 *
 * Paths are relative to `/admin/v1/tenants/{tenantId}`. Every listing is paged: `limit` and the
 * `nextCursor` of the page before as `cursor`; `nextCursor: null` on the last page.
 */

/** The IdPs a token can be generated for (stored on the token; a user's Source follows it). */
export type IdpId = 'okta' | 'entra' | 'onelogin' | 'jumpcloud' | 'pingone' | 'generic';

/** Every admin error: `fields` names each invalid input by its path, e.g. `customAttributes[0].name`. */
export interface AdminErrorBody {
  error: string;
  message: string;
  fields?: FieldError[];
}
export interface FieldError {
  /** `limit`, `idp`, `customAttributes[0].name`, `inviteEmail.subject`, … (JSON path without `$.`). */
  path: string;
  message: string;
}

// ---- tokens: GET/POST /tokens, GET/PATCH/DELETE /tokens/{id}, POST /tokens/{id}/renew ----

export type TokenStatus = 'active' | 'inactive';

export interface TokenView {
  id: string;
  status: TokenStatus;
  createdAt: string;
  lastUsedAt: string | null;
  /** The secret's last 4 characters. */
  hint: string;
  idp: IdpId;
}
export interface TokenList {
  tokens: TokenView[];
}
/** POST /tokens body (optional; `okta` when absent). */
export interface TokenCreation {
  idp?: IdpId;
}
/** PATCH /tokens/{id} body. */
export interface TokenStatusChange {
  status: TokenStatus;
}
/** Answer of create (201) and renew (200), `Cache-Control: no-store`: the only time the secret is shown. */
export interface IssuedTokenView {
  id: string;
  token: string;
  /** The Target SCIM URL to paste into the IdP. */
  scimBaseUrl: string;
  status: TokenStatus;
  createdAt: string;
  idp: IdpId;
}

// ---- settings: GET/PUT /settings ----

export interface CustomAttributeView {
  name: string;
  scimPath: string;
  description?: string;
}
export interface SettingsView {
  autoInviteUsers: boolean;
  customAttributes: CustomAttributeView[];
  inviteEmail: { subject: string; body: string };
}
/** PUT /settings body: fields left out take their defaults. */
export type SettingsInput = Partial<{
  autoInviteUsers: boolean;
  customAttributes: { name: string; scimPath?: string; description?: string }[];
  inviteEmail: { subject: string; body: string };
}>;

// ---- directory: users and groups as the console shows them ----

/**
 * none: never invited; pending: being sent; sent: SES accepted it; failed: not sent (lastError says
 * why). Then SES's mail events: delivered (the recipient's server accepted it), bounced (a permanent
 * bounce: the address does not take mail; SES suppresses it), complained (the recipient marked it as
 * spam; a re-send is refused with 409 invite_complained). A transient bounce keeps `sent` and sets
 * lastError. Clients must accept states they do not know yet (shown as the raw value).
 */
export type InviteState = 'none' | 'pending' | 'sent' | 'failed' | 'delivered' | 'bounced' | 'complained';
export interface InviteView {
  state: InviteState;
  sentAt: string | null;
  /** A failed send's error, a bounce's diagnostic (clipped), or a complaint's note. */
  lastError: string | null;
  /** When the latest delivery, bounce or complaint of the current invitation happened (SES's time). */
  mailEventAt?: string | null;
  attempts?: number;
  email?: string;
  updatedAt?: string;
}
export interface GroupRef {
  id: string;
  displayName: string;
}
/**
 * A row of GET /users?search=<prefix>&cursor=&limit= (search: userName or primary email prefix,
 * case-insensitive, from an index).
 */
export interface UserRow {
  id: string;
  userName: string;
  displayName: string | null;
  /** The primary email (or the first one), null when the user has none. */
  email: string | null;
  active: boolean;
  /** "SCIM Okta", "SCIM Microsoft Entra ID", … */
  source: string;
  invite: InviteView;
  /** The groups it is a member of (at most 20; `moreGroups` when it has more). */
  groups: GroupRef[];
  moreGroups: boolean;
  created: string;
  lastModified: string;
}
export interface UserList {
  users: UserRow[];
  nextCursor: string | null;
}
/** GET /users/{id}: the row plus the user's SCIM representation as an IdP reads it. */
export interface UserDetailView extends UserRow {
  scim: Record<string, unknown>;
}
/** POST /users/{id}/resolve body and answer: the `${variables}` preview. */
export interface ResolveInput {
  template: string;
}
export interface ResolveResult {
  result: string;
  missing: string[];
}
/** POST /users/{id}/invite answer. */
export interface ResendResult {
  invite: InviteView;
}
export interface GroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  memberCount: number;
  source: string;
  lastModified: string;
}
export interface GroupList {
  groups: GroupRow[];
  nextCursor: string | null;
}
/** GET /groups/{id}/members?cursor=&limit= */
export interface MemberRow {
  id: string;
  userName: string;
  displayName: string | null;
}
export interface MemberList {
  members: MemberRow[];
  nextCursor: string | null;
}

// ---- activity: GET /requests, GET /health; audit: GET /audit ----

/** One SCIM request of the tenant's IdP (the refused ones too): the path only, never the query string. */
export interface RequestLogRow {
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  /** Users, Groups, Bulk, Schemas, … from the route; null when the route names none. */
  resourceType: string | null;
  resourceId: string | null;
  tokenId: string | null;
  idp: string | null;
  userAgent: string | null;
  latencyMs: number;
  requestId: string;
}
/** GET /requests?status=2xx|4xx|5xx|<code>&resource=Users|Groups|…&since=&until=&cursor=&limit= */
export interface RequestLogList {
  requests: RequestLogRow[];
  nextCursor: string | null;
}
export interface RequestCountsView {
  total: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
}
export interface HealthView {
  /** The newest request the tenant's IdP made (a refused one too), for "Okta · last request 2 minutes ago · 200". */
  lastRequest: Pick<RequestLogRow, 'at' | 'status' | 'method' | 'path' | 'idp' | 'detail'> | null;
  lastRequestAt: string | null;
  lastSuccessAt: string | null;
  lastError: Pick<RequestLogRow, 'at' | 'status' | 'scimType' | 'detail' | 'method' | 'path'> | null;
  last24h: RequestCountsView;
  tokens: { id: string; idp: string; lastUsedAt: string | null }[];
}
export interface AuditEntryView {
  at: string;
  actor: string;
  action: string;
  target: { type: 'token'; id: string } | { type: 'settings' };
  changes: Record<string, { before: unknown; after: unknown }>;
  requestId: string;
}
export interface AuditList {
  entries: AuditEntryView[];
  nextCursor: string | null;
}

// ---- the console's runtime configuration: GET /config.json next to the console's index.html ----

export type ConsoleConfig =
  | {
      /** `npm start`: sign in with the local admin key and a tenant; API on the same origin. */
      mode: 'local';
      apiBaseUrl: string;
      /** The SCIM API's base URL (without `/scim/v2/<tenant>`); absent: the admin API's origin. */
      scimBaseUrl?: string;
    }
  | {
      /** AWS: Cognito managed login, authorization code + PKCE; the tenant is the ID token's `custom:tenantId`. */
      mode: 'cognito';
      apiBaseUrl: string;
      /** The user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<poolId>. */
      authority: string;
      clientId: string;
      redirectUri: string;
      /** The managed-login domain, for sign-out (https://<prefix>.auth.<region>.amazoncognito.com). */
      domain: string;
      /**
       * The SCIM API's base URL (its stage URL, without `/scim/v2/<tenant>`), for the setup steps before a
       * token is issued; absent, they wait for the issued token's scimBaseUrl.
       */
      scimBaseUrl?: string;
    };
