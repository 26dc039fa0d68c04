import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';

/**
 * A scripted HTTP session over every route and error path of the admin and SCIM APIs, and the
 * function that runs it against a base URL and returns a normalised transcript. The golden transcript
 * (__golden__/http-transcript.json) was recorded from the service before the refactor; the test
 * (http-transcript.test.ts) replays the session and compares answer by answer.
 *
 * Self-contained on purpose (node builtins only, nothing from lambdas/ or local/): the same module
 * runs against the old and the new code.
 */

/** One fixed tenant per run (each run has a fresh table); a second tenant only for the wrong-tenant 401. */
export const TENANT = 'golden';
const OTHER_TENANT = 'golden-other';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TENANT_EXTENSION = 'urn:ietf:params:scim:schemas:extension:scimaws:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
/** A well-formed id that names nothing. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const ADMIN = `/admin/v1/tenants/${TENANT}`;
const SCIM = `/scim/v2/${TENANT}`;

/** The headers Okta sends on every request, GETs included (gzip accepted). */
const OKTA = {
  Accept: 'application/scim+json',
  'Content-Type': 'application/scim+json; charset=utf-8',
  'Accept-Encoding': 'gzip,deflate',
  'User-Agent': 'Okta SCIM Client 1.0.0',
};
/** Entra's: no Accept-Encoding. */
const ENTRA = { 'Content-Type': 'application/scim+json', 'User-Agent': 'Microsoft-Azure-Provisioning/1.0' };
const GZIP = { 'Accept-Encoding': 'gzip' };

/** Values captured from earlier answers (ids, secrets, ETags, cursors). */
export interface SessionContext {
  adminKey: string;
  tokens: Record<string, { id: string; secret: string }>;
  ids: Record<string, string>;
  cursors: Record<string, string>;
  etags: Record<string, string>;
}

export interface RequestSpec {
  method: string;
  /** Path and query, relative to the base URL. */
  path: string;
  /** The admin key as Bearer, a captured SCIM token's secret as Bearer, or this Authorization header as is. */
  auth?: { admin: true } | { token: string } | { header: string };
  headers?: Record<string, string>;
  /** Serialised as JSON (Content-Type application/json unless headers say otherwise). */
  json?: unknown;
  rawBody?: string;
}

export interface Step {
  name: string;
  request: (ctx: SessionContext) => RequestSpec;
  /** Keeps what later steps need; `body` is the parsed, un-normalised answer. */
  capture?: (ctx: SessionContext, body: Json, headers: IncomingHttpHeaders) => void;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are inspected freely
type Json = any;

export interface TranscriptEntry {
  n: number;
  name: string;
  method: string;
  path: string;
  acceptEncoding?: string;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON (normalised); the text itself when it is not JSON; null when empty. */
  body: unknown;
  /** Present only when the (normalised) body text is not exactly JSON.stringify(body): byte-level changes. */
  text?: string;
}

const admin = (method: string, path: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({
  method,
  path: `${ADMIN}${path}`,
  auth: { admin: true },
  ...extra,
});

const scim = (
  method: string,
  path: string,
  extra: Partial<RequestSpec> & { token?: string } = {},
): RequestSpec => {
  const { token = 'a', ...rest } = extra;
  return {
    method,
    path: `${SCIM}${path}`,
    auth: { token },
    ...rest,
    headers: {
      ...(rest.json !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
      ...rest.headers,
    },
  };
};

const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const filter = (expression: string) => `filter=${encodeURIComponent(expression)}`;
const keepToken = (name: string) => (ctx: SessionContext, body: Json) => {
  ctx.tokens[name] = { id: body?.id, secret: body?.token };
};
const keepId = (name: string) => (ctx: SessionContext, body: Json) => {
  ctx.ids[name] = body?.id;
};

/** Okta's "create user" push, with the tenant's custom attribute. */
const oktaUser = {
  schemas: [USER, TENANT_EXTENSION],
  userName: 'ada.lovelace@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ primary: true, value: 'ada.lovelace@example.com', type: 'work' }],
  displayName: 'Ada Lovelace',
  title: 'Senior Engineer',
  locale: 'en-US',
  externalId: '00u1abcd2EFGH3ijk4x7',
  groups: [],
  password: 'tmp-Pa55word!',
  active: true,
  [TENANT_EXTENSION]: { costCenter2: 'CC-42' },
};

/** Microsoft's documented "Create User" request, with the enterprise extension. */
const entraUser = {
  schemas: [USER, ENTERPRISE],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Grace.Hopper@example.org',
  active: true,
  emails: [{ primary: true, type: 'work', value: 'grace.hopper@example.org' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
  title: 'Rear Admiral',
  roles: [],
  [ENTERPRISE]: { employeeNumber: '1906', department: 'Navy', manager: { value: 'boss-1' } },
};

/** Long enough (> 1 KB) for the settings answer to be compressed when gzip is accepted. */
const INVITE_BODY = `Hi \${displayName} (\${costCenter2}),\n\n${'Your administrator has invited you. '.repeat(30)}\n\${inviteLink}\n`;

const big = (bytes: number) => JSON.stringify({ filler: 'x'.repeat(bytes) });

/** 136 requests; each step may use what earlier ones captured. */
export const SESSION: Step[] = [
  // --- Admin: tokens ---------------------------------------------------------------------------
  { name: 'token create (no body)', request: () => admin('POST', '/tokens'), capture: keepToken('a') },
  { name: 'token list: one, never used', request: () => admin('GET', '/tokens') },
  {
    name: 'token create with {}',
    request: () => admin('POST', '/tokens', { json: {} }),
    capture: keepToken('b'),
  },
  { name: 'token create: third is 409', request: () => admin('POST', '/tokens') },
  {
    name: 'token create with a field is 400',
    request: () => admin('POST', '/tokens', { json: { name: 'x' } }),
  },
  { name: 'token get', request: (c) => admin('GET', `/tokens/${c.tokens.b.id}`) },
  {
    name: 'token set inactive',
    request: (c) => admin('PATCH', `/tokens/${c.tokens.b.id}`, { json: { status: 'inactive' } }),
  },
  {
    name: 'token patch: bad status',
    request: (c) => admin('PATCH', `/tokens/${c.tokens.b.id}`, { json: { status: 'paused' } }),
  },
  { name: 'token patch: no body', request: (c) => admin('PATCH', `/tokens/${c.tokens.b.id}`) },
  {
    name: 'token patch: malformed JSON',
    request: (c) =>
      admin('PATCH', `/tokens/${c.tokens.b.id}`, {
        rawBody: '{"status": ',
        headers: { 'Content-Type': 'application/json' },
      }),
  },
  {
    name: 'token renew (inactive token)',
    request: (c) => admin('POST', `/tokens/${c.tokens.b.id}/renew`),
    capture: (c, body) => {
      c.tokens.bOld = c.tokens.b;
      c.tokens.b = { id: body?.id, secret: body?.token };
    },
  },
  {
    name: 'SCIM with the inactive renewed token is 401',
    request: () => scim('GET', '/ServiceProviderConfig', { token: 'b' }),
  },
  { name: 'token list: two', request: () => admin('GET', '/tokens') },
  { name: 'token delete', request: (c) => admin('DELETE', `/tokens/${c.tokens.b.id}`) },
  { name: 'token get unknown is 404', request: () => admin('GET', `/tokens/${UNKNOWN_ID}`) },
  {
    name: 'token create: tenant id in upper case',
    request: () => ({ ...admin('POST', ''), path: '/admin/v1/tenants/UPPER/tokens' }),
  },
  { name: 'tokens: DELETE is 405', request: () => admin('DELETE', '/tokens') },
  {
    name: 'token create: text/plain is 415',
    request: () => admin('POST', '/tokens', { rawBody: '{}', headers: { 'Content-Type': 'text/plain' } }),
  },
  {
    name: 'token create: body over 1 MB is 413',
    request: () =>
      admin('POST', '/tokens', {
        rawBody: big(1024 * 1024),
        headers: { 'Content-Type': 'application/json' },
      }),
  },
  {
    name: 'admin: no Authorization is 401',
    request: () => ({ ...admin('GET', '/tokens'), auth: undefined }),
  },
  {
    name: 'admin: wrong admin key is 401',
    request: () => ({ ...admin('GET', '/tokens'), auth: { header: 'Bearer not-the-admin-key' } }),
  },
  { name: 'admin: unknown route is 404', request: () => admin('GET', '/nothing-here') },
  {
    name: 'token create for another tenant',
    request: () => ({ ...admin('POST', ''), path: `/admin/v1/tenants/${OTHER_TENANT}/tokens` }),
    capture: keepToken('other'),
  },

  // --- Admin: settings -------------------------------------------------------------------------
  { name: 'settings: defaults', request: () => admin('GET', '/settings', { headers: GZIP }) },
  {
    name: 'settings: several problems are one 400',
    request: () =>
      admin('PUT', '/settings', {
        json: {
          autoInviteUsers: 'yes',
          customAttributes: [
            { name: '1bad' },
            { name: 'dup' },
            { name: 'DUP' },
            { name: 'ok', scimPath: 'no such path[' },
            { name: 'title' },
            'not-an-object',
          ],
          inviteEmail: { subject: 'Hi ${nobody}', body: 'x' },
          colour: 'blue',
        },
      }),
  },
  {
    name: 'settings: valid PUT',
    request: () =>
      admin('PUT', '/settings', {
        json: {
          autoInviteUsers: false,
          customAttributes: [
            { name: 'costCenter2', description: 'Cost center' },
            { name: 'badge', scimPath: `${ENTERPRISE}:employeeNumber` },
          ],
          inviteEmail: { subject: 'Welcome to ${tenantId}', body: INVITE_BODY },
        },
      }),
  },
  { name: 'settings: read back (gzip)', request: () => admin('GET', '/settings', { headers: GZIP }) },
  {
    name: 'settings: bad tenant id',
    request: () => ({ ...admin('GET', ''), path: '/admin/v1/tenants/UPPER/settings' }),
  },

  // --- SCIM: discovery and authentication ----------------------------------------------------
  {
    name: 'ServiceProviderConfig (gzip)',
    request: () => scim('GET', '/ServiceProviderConfig', { headers: GZIP }),
  },
  { name: 'token list: lastUsedAt set', request: () => admin('GET', '/tokens') },
  { name: 'ResourceTypes', request: () => scim('GET', '/ResourceTypes') },
  { name: 'ResourceTypes/User', request: () => scim('GET', '/ResourceTypes/User') },
  {
    name: 'Schemas (gzip, with the tenant extension)',
    request: () => scim('GET', '/Schemas', { headers: GZIP }),
  },
  { name: 'Schemas/<tenant extension>', request: () => scim('GET', `/Schemas/${TENANT_EXTENSION}`) },
  { name: 'Schemas/<unknown> is 404', request: () => scim('GET', '/Schemas/urn:example:nope') },
  { name: 'unknown SCIM path is 404', request: () => scim('GET', '/Nope/deeper') },
  { name: 'SCIM: no token is 401', request: () => ({ ...scim('GET', '/Users'), auth: undefined }) },
  { name: "SCIM: another tenant's token is 401", request: () => scim('GET', '/Users', { token: 'other' }) },

  // --- SCIM: Users ---------------------------------------------------------------------------
  {
    name: 'Users: empty list (Okta)',
    request: () => scim('GET', '/Users?startIndex=1&count=2', { headers: OKTA }),
  },
  {
    name: 'Users: create, Okta-shaped (gzip)',
    request: () => scim('POST', '/Users', { json: oktaUser, headers: OKTA }),
    capture: keepId('ada'),
  },
  {
    name: 'Users: create, Entra-shaped',
    request: () => scim('POST', '/Users', { json: entraUser, headers: ENTRA }),
    capture: keepId('grace'),
  },
  {
    name: 'Users: create without email',
    request: () =>
      scim('POST', '/Users', {
        json: { schemas: [USER], userName: 'carol.shaw', displayName: 'Carol Shaw', title: 'Game engineer' },
        headers: { 'User-Agent': 'curl/8.5.0' },
      }),
    capture: keepId('carol'),
  },
  {
    name: 'Users: create (application/json)',
    request: () =>
      scim('POST', '/Users', {
        json: { schemas: [USER], userName: 'dave@example.com', emails: [{ value: 'dave@example.com' }] },
        headers: { 'Content-Type': 'application/json' },
      }),
    capture: keepId('dave'),
  },
  {
    name: 'Users: duplicate userName in another case is 409',
    request: () =>
      scim('POST', '/Users', {
        json: { schemas: [USER], userName: 'ADA.LOVELACE@example.com' },
        headers: OKTA,
      }),
  },
  {
    name: 'Users: create without userName is 400',
    request: () => scim('POST', '/Users', { json: { schemas: [USER], displayName: 'x' } }),
  },
  {
    name: 'Users: create text/plain is 415',
    request: () => scim('POST', '/Users', { rawBody: '{}', headers: { 'Content-Type': 'text/plain' } }),
  },
  {
    name: 'Users: create malformed JSON',
    request: () =>
      scim('POST', '/Users', {
        rawBody: '{"userName":',
        headers: { 'Content-Type': 'application/scim+json' },
      }),
  },
  {
    name: 'Users: body over 1 MB is 413',
    request: () =>
      scim('POST', '/Users', {
        rawBody: big(1024 * 1024),
        headers: { 'Content-Type': 'application/scim+json' },
      }),
  },
  { name: 'Users: get', request: (c) => scim('GET', `/Users/${c.ids.ada}`) },
  {
    name: 'Users: get with If-None-Match current is 304',
    request: (c) => scim('GET', `/Users/${c.ids.ada}`, { headers: { 'If-None-Match': 'W/"1"' } }),
  },
  { name: 'Users: get unknown is 404', request: () => scim('GET', `/Users/${UNKNOWN_ID}`) },
  {
    name: 'Users: filter userName eq (any case)',
    request: () => scim('GET', `/Users?${filter('userName eq "ADA.lovelace@EXAMPLE.com"')}`),
  },
  {
    name: 'Users: filter emails.value eq',
    request: () => scim('GET', `/Users?${filter('emails.value eq "grace.hopper@example.org"')}`),
  },
  {
    name: 'Users: filter externalId eq',
    request: () => scim('GET', `/Users?${filter('externalId eq "00u1abcd2EFGH3ijk4x7"')}`),
  },
  {
    name: 'Users: filter title co (not indexed), projected',
    request: () => scim('GET', `/Users?${filter('title co "engineer"')}&attributes=userName,title`),
  },
  {
    name: 'Users: page startIndex=2 count=1',
    request: () => scim('GET', '/Users?startIndex=2&count=1&excludedAttributes=meta'),
  },
  {
    name: 'Users: sortBy userName descending',
    request: () =>
      scim('GET', `/Users?sortBy=${encodeURIComponent(`${USER}:userName`)}&sortOrder=descending`, {
        headers: GZIP,
      }),
  },
  { name: 'Users: sortBy title is 400', request: () => scim('GET', '/Users?sortBy=title') },
  { name: 'Users: bad sortOrder is 400', request: () => scim('GET', '/Users?sortOrder=sideways') },
  { name: 'Users: bad startIndex is 400', request: () => scim('GET', '/Users?startIndex=first') },
  {
    name: 'Users: invalid filter (no value) is 400',
    request: () => scim('GET', `/Users?${filter('userName eq')}`),
  },
  {
    name: 'Users: .search with filter, paging and projection',
    request: () =>
      scim('POST', '/Users/.search', {
        json: {
          schemas: [SEARCH],
          filter: 'emails.value ew "example.com"',
          startIndex: 1,
          count: 10,
          attributes: ['userName', 'emails'],
          sortOrder: 'descending',
        },
      }),
  },
  {
    name: 'Users: .search with wrong schemas is 400',
    request: () => scim('POST', '/Users/.search', { json: { schemas: ['urn:nope'] } }),
  },
  {
    name: 'Users: get with attributes',
    request: (c) =>
      scim('GET', `/Users/${c.ids.ada}?attributes=userName,emails,${TENANT_EXTENSION}:costCenter2`),
  },
  {
    name: 'Users: get with excludedAttributes',
    request: (c) => scim('GET', `/Users/${c.ids.grace}?excludedAttributes=emails,name,${ENTERPRISE}`),
  },
  {
    name: 'Users: PUT replaces',
    request: (c) =>
      scim('PUT', `/Users/${c.ids.grace}`, {
        headers: ENTRA,
        json: {
          schemas: [USER, ENTERPRISE],
          userName: 'grace.hopper@example.org',
          displayName: 'Grace Hopper',
          emails: [{ value: 'grace.hopper@example.org', type: 'work', primary: true }],
          [ENTERPRISE]: { employeeNumber: '1906' },
        },
      }),
  },
  {
    name: 'Users: PUT with stale If-Match is 412',
    request: (c) =>
      scim('PUT', `/Users/${c.ids.grace}`, {
        json: { schemas: [USER], userName: 'g' },
        headers: { 'If-Match': 'W/"1"' },
      }),
  },
  {
    name: 'Users: PUT unknown is 404',
    request: () => scim('PUT', `/Users/${UNKNOWN_ID}`, { json: { schemas: [USER], userName: 'nobody' } }),
  },
  {
    name: 'Users: PATCH replace, add, remove',
    request: (c) =>
      scim('PATCH', `/Users/${c.ids.ada}`, {
        headers: { 'If-Match': 'W/"1"' },
        json: patchOp(
          { op: 'replace', path: 'title', value: 'Analyst' },
          { op: 'add', path: 'nickName', value: 'Countess' },
          { op: 'remove', path: 'locale' },
          { op: 'add', path: 'emails', value: [{ value: 'ada@home.example', type: 'home' }] },
        ),
      }),
  },
  {
    name: 'Users: PATCH Entra-style (no path, capitalised op, "False")',
    request: (c) =>
      scim('PATCH', `/Users/${c.ids.grace}`, {
        headers: ENTRA,
        json: patchOp(
          { op: 'Replace', path: 'active', value: 'False' },
          {
            op: 'Add',
            value: { [`${ENTERPRISE}:department`]: 'Research', 'name.givenName': 'Amazing Grace' },
          },
        ),
      }),
  },
  {
    name: 'Users: PATCH unknown op is 400',
    request: (c) => scim('PATCH', `/Users/${c.ids.ada}`, { json: patchOp({ op: 'move', path: 'title' }) }),
  },
  {
    name: 'Users: PATCH bad path is 400',
    request: (c) =>
      scim('PATCH', `/Users/${c.ids.ada}`, {
        json: patchOp({ op: 'replace', path: 'name.nickName', value: 'x' }),
      }),
  },
  {
    name: 'Users: PATCH with stale If-Match is 412',
    request: (c) =>
      scim('PATCH', `/Users/${c.ids.ada}`, {
        headers: { 'If-Match': 'W/"1"' },
        json: patchOp({ op: 'replace', path: 'title', value: 'late' }),
      }),
  },
  {
    name: 'Users: PATCH unknown is 404',
    request: () =>
      scim('PATCH', `/Users/${UNKNOWN_ID}`, { json: patchOp({ op: 'replace', path: 'title', value: 'x' }) }),
  },
  { name: 'Users: collection PATCH is 405', request: () => scim('PATCH', '/Users', { json: patchOp() }) },
  {
    name: 'Users: DELETE with stale If-Match is 412',
    request: (c) => scim('DELETE', `/Users/${c.ids.dave}`, { headers: { 'If-Match': 'W/"5"' } }),
  },
  {
    name: 'Users: DELETE',
    request: (c) => scim('DELETE', `/Users/${c.ids.dave}`, { headers: { 'If-Match': 'W/"1"' } }),
  },

  // --- Admin: directory ------------------------------------------------------------------------
  {
    name: 'directory: users page 1',
    request: () => admin('GET', '/users?limit=2'),
    capture: (c, body) => {
      c.cursors.users = body?.nextCursor;
    },
  },
  {
    name: 'directory: users page 2',
    request: (c) => admin('GET', `/users?limit=2&cursor=${c.cursors.users}`),
  },
  { name: 'directory: limit 0 is 400', request: () => admin('GET', '/users?limit=0') },
  { name: 'directory: garbage cursor is 400', request: () => admin('GET', '/users?cursor=not-a-cursor') },
  {
    name: "directory: tampered cursor (another tenant's partition) is 400",
    request: (c) => {
      let tampered = 'e30';
      try {
        // The position rewritten to the other tenant's partition, the MAC kept: it no longer matches.
        const [body, tag] = c.cursors.users.split('.');
        const sealed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        for (const [k, v] of Object.entries(sealed.p)) {
          if (typeof v === 'string') sealed.p[k] = v.replaceAll(TENANT, OTHER_TENANT);
        }
        tampered = `${Buffer.from(JSON.stringify(sealed)).toString('base64url')}.${tag}`;
      } catch {
        // no cursor to tamper with: the garbage one above covers it
      }
      return admin('GET', `/users?cursor=${tampered}`);
    },
  },
  {
    name: 'directory: bad tenant and bad limit at once',
    request: () => ({ ...admin('GET', ''), path: '/admin/v1/tenants/UPPER/users?limit=0' }),
  },
  { name: 'directory: user detail', request: (c) => admin('GET', `/users/${c.ids.ada}`) },
  { name: 'directory: unknown user is 404', request: () => admin('GET', `/users/${UNKNOWN_ID}`) },
  {
    name: 'directory: resolve known variables',
    request: (c) =>
      admin('POST', `/users/${c.ids.ada}/resolve`, {
        json: {
          template:
            'Dear ${displayName} <${email}>, ${title} at ${costCenter2}; badge ${badge}, ${department}.',
        },
      }),
  },
  {
    name: 'directory: resolve unknown variables is 400',
    request: (c) =>
      admin('POST', `/users/${c.ids.ada}/resolve`, { json: { template: '${shoeSize} ${inviteLink}' } }),
  },
  {
    name: 'directory: resolve without template is 400',
    request: (c) => admin('POST', `/users/${c.ids.ada}/resolve`, { json: { text: 'x' } }),
  },
  {
    name: 'directory: invite resend without email is 400',
    request: (c) => admin('POST', `/users/${c.ids.carol}/invite`),
  },

  // --- SCIM: Groups --------------------------------------------------------------------------
  {
    name: 'Groups: create with a member (Okta, gzip)',
    request: (c) =>
      scim('POST', '/Groups', {
        headers: OKTA,
        json: { schemas: [GROUP], displayName: 'Engineering', members: [{ value: c.ids.ada }] },
      }),
    capture: (c, body, headers) => {
      c.ids.engineering = body?.id;
      c.etags.engineering = String(headers.etag);
    },
  },
  {
    name: 'Groups: create without members (Entra)',
    request: () =>
      scim('POST', '/Groups', {
        headers: ENTRA,
        json: { schemas: [GROUP], displayName: 'Empty', externalId: 'ext-empty' },
      }),
    capture: keepId('empty'),
  },
  {
    name: 'Groups: unknown member is 400',
    request: () =>
      scim('POST', '/Groups', {
        json: { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: UNKNOWN_ID }] },
      }),
  },
  {
    name: 'Groups: duplicate displayName is 409',
    request: () => scim('POST', '/Groups', { json: { schemas: [GROUP], displayName: 'ENGINEERING' } }),
  },
  {
    name: 'Groups: create without displayName is 400',
    request: () => scim('POST', '/Groups', { json: { schemas: [GROUP] } }),
  },
  { name: 'Groups: get with members', request: (c) => scim('GET', `/Groups/${c.ids.engineering}`) },
  {
    name: 'Groups: get with members (gzip)',
    request: (c) => scim('GET', `/Groups/${c.ids.engineering}`, { headers: GZIP }),
  },
  {
    name: 'Groups: get with If-None-Match current is 304',
    request: (c) =>
      scim('GET', `/Groups/${c.ids.engineering}`, { headers: { 'If-None-Match': c.etags.engineering } }),
  },
  {
    name: 'Groups: PATCH add member (Okta, 204)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}`, {
        headers: OKTA,
        json: patchOp({
          op: 'add',
          path: 'members',
          value: [{ value: c.ids.grace, display: 'grace.hopper@example.org' }],
        }),
      }),
  },
  {
    name: 'Groups: PATCH remove member by filter (Okta, 204)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}`, {
        headers: OKTA,
        json: patchOp({ op: 'remove', path: `members[value eq "${c.ids.grace}"]` }),
      }),
  },
  {
    name: 'Groups: PATCH add member with attributes (200)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}?attributes=displayName,members`, {
        json: patchOp({ op: 'add', path: 'members', value: [{ value: c.ids.grace }] }),
      }),
  },
  {
    name: 'Groups: PATCH remove member with value (Entra, excludedAttributes)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}?excludedAttributes=members`, {
        headers: ENTRA,
        json: patchOp({ op: 'Remove', path: 'members', value: [{ value: c.ids.grace }] }),
      }),
  },
  {
    name: 'Groups: PATCH rename (Okta replace without path)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}`, {
        headers: OKTA,
        json: patchOp({ op: 'replace', value: { id: c.ids.empty, displayName: 'Platform' } }),
      }),
  },
  {
    name: 'Groups: PATCH bad path is 400',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.engineering}`, {
        json: patchOp({ op: 'replace', path: 'owner', value: 'x' }),
      }),
  },
  {
    name: 'Groups: PATCH with stale If-Match is 412',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.engineering}`, {
        headers: { 'If-Match': 'W/"99"' },
        json: patchOp({ op: 'replace', path: 'displayName', value: 'Late' }),
      }),
  },
  {
    name: 'Groups: PATCH replace the member set (Okta "push now", 204)',
    request: (c) =>
      scim('PATCH', `/Groups/${c.ids.empty}`, {
        headers: OKTA,
        json: patchOp({ op: 'replace', path: 'members', value: [{ value: c.ids.grace }] }),
      }),
  },
  {
    name: 'Groups: PUT replaces attributes and members',
    request: (c) =>
      scim('PUT', `/Groups/${c.ids.empty}`, {
        json: {
          schemas: [GROUP],
          displayName: 'Platform Team',
          externalId: 'ext-42',
          members: [{ value: c.ids.grace }],
        },
      }),
  },
  {
    name: 'Groups: list (gzip refused by q=0)',
    request: () => scim('GET', '/Groups', { headers: { 'Accept-Encoding': 'gzip;q=0' } }),
  },
  {
    name: 'Groups: filter displayName eq (any case)',
    request: () => scim('GET', `/Groups?${filter('displayName eq "platform team"')}`),
  },
  {
    name: 'Groups: filter members[value eq]',
    request: (c) => scim('GET', `/Groups?${filter(`members[value eq "${c.ids.ada}"]`)}`, { headers: OKTA }),
  },
  {
    name: 'Groups: unsupported member filter is 400',
    request: () => scim('GET', `/Groups?${filter('members[display eq "x"]')}`),
  },
  {
    name: 'Groups: excludedAttributes=members, page 2',
    request: () => scim('GET', '/Groups?excludedAttributes=members&startIndex=2&count=1'),
  },
  {
    name: 'Groups: .search',
    request: (c) =>
      scim('POST', '/Groups/.search', {
        json: {
          schemas: [SEARCH],
          filter: `members[value eq "${c.ids.grace}"] or members pr`,
          attributes: 'displayName',
        },
      }),
  },
  {
    name: 'Users: list with groups asked for by name',
    request: () => scim('GET', '/Users?attributes=userName,groups'),
  },
  {
    name: 'Users: filter on groups.display (walk, groups read per user)',
    request: () => scim('GET', `/Users?${filter('groups.display co "platform"')}&attributes=userName,groups`),
  },
  {
    name: 'Users: get shows its group',
    request: (c) => scim('GET', `/Users/${c.ids.grace}?attributes=groups`),
  },
  {
    name: 'Users: filter groups.value eq',
    request: (c) =>
      scim('GET', `/Users?${filter(`groups.value eq "${c.ids.engineering}"`)}&attributes=userName`),
  },
  {
    name: 'directory: groups page 1',
    request: () => admin('GET', '/groups?limit=1'),
    capture: (c, body) => {
      c.cursors.groups = body?.nextCursor;
    },
  },
  {
    name: 'directory: groups page 2',
    request: (c) => admin('GET', `/groups?limit=1&cursor=${c.cursors.groups}`),
  },
  {
    name: 'Users: userName over the storage limit is 400',
    request: () =>
      scim('POST', '/Users', { json: { schemas: [USER], userName: `${'n'.repeat(600)}@example.com` } }),
  },
  {
    name: 'Users: rename a group member',
    request: (c) =>
      scim('PATCH', `/Users/${c.ids.ada}`, {
        json: patchOp({ op: 'replace', path: 'displayName', value: 'Ada King' }),
      }),
  },
  {
    name: 'Groups: the member display follows the rename',
    request: (c) => scim('GET', `/Groups/${c.ids.engineering}`),
  },
  { name: 'Users: DELETE a group member', request: (c) => scim('DELETE', `/Users/${c.ids.ada}`) },
  {
    name: 'Groups: the deleted user is no longer a member',
    request: (c) => scim('GET', `/Groups/${c.ids.engineering}?attributes=displayName,members`),
  },
  { name: 'directory: member counts after the delete', request: () => admin('GET', '/groups') },
  { name: 'settings: array body is 400', request: () => admin('PUT', '/settings', { json: [] }) },
  { name: 'Groups: DELETE', request: (c) => scim('DELETE', `/Groups/${c.ids.empty}`) },
  { name: 'Groups: get deleted is 404', request: (c) => scim('GET', `/Groups/${c.ids.empty}`) },
  {
    name: 'Users: the deleted group is gone from its member',
    request: (c) => scim('GET', `/Users/${c.ids.grace}`),
  },
  {
    name: 'Bulk: a group with members created in the same request (forward bulkId references)',
    request: () =>
      scim('POST', '/Bulk', {
        json: {
          schemas: [BULK_REQUEST],
          Operations: [
            {
              method: 'POST',
              path: '/Groups',
              bulkId: 'crew',
              data: { schemas: [GROUP], displayName: 'Bulk Crew', members: [{ value: 'bulkId:lin' }] },
            },
            {
              method: 'POST',
              path: '/Users',
              bulkId: 'lin',
              data: { schemas: [USER], userName: 'lin@example.com', displayName: 'Lin' },
            },
            {
              method: 'PATCH',
              path: '/Users/bulkId:lin',
              data: patchOp({ op: 'replace', path: 'title', value: 'Engineer' }),
            },
          ],
        },
      }),
  },
  {
    name: 'Bulk: failOnErrors 1 stops at a uniqueness conflict',
    request: () =>
      scim('POST', '/Bulk', {
        json: {
          schemas: [BULK_REQUEST],
          failOnErrors: 1,
          Operations: [
            {
              method: 'POST',
              path: '/Users',
              bulkId: 'ok',
              data: { schemas: [USER], userName: 'mo@example.com' },
            },
            {
              method: 'POST',
              path: '/Users',
              bulkId: 'dup',
              data: { schemas: [USER], userName: 'LIN@example.com' },
            },
            {
              method: 'POST',
              path: '/Users',
              bulkId: 'never',
              data: { schemas: [USER], userName: 'no@example.com' },
            },
          ],
        },
      }),
  },
  {
    name: 'Bulk: POST without bulkId is a 400 for the whole request',
    request: () =>
      scim('POST', '/Bulk', {
        json: { schemas: [BULK_REQUEST], Operations: [{ method: 'POST', path: '/Users', data: {} }] },
      }),
  },
  { name: 'Bulk: GET is 405', request: () => scim('GET', '/Bulk') },

  // --- SCIM: cursor paging (RFC 9865) ----------------------------------------------------------
  {
    name: 'Users: cursor paging, first page',
    request: () => scim('GET', '/Users?cursor=&count=1&attributes=userName'),
    capture: (c, body) => {
      c.cursors.scimUsers = body?.nextCursor;
    },
  },
  {
    name: 'Users: cursor paging, next page by .search',
    request: (c) =>
      scim('POST', '/Users/.search', {
        json: { schemas: [SEARCH], cursor: c.cursors.scimUsers, count: 5, attributes: ['userName'] },
      }),
  },
  { name: 'Users: garbage cursor is 400 invalidCursor', request: () => scim('GET', '/Users?cursor=garbage') },
  {
    name: 'Users: cursor with startIndex is 400',
    request: () => scim('GET', '/Users?cursor=&startIndex=1'),
  },
  { name: 'Groups: cursor paging, first page', request: () => scim('GET', '/Groups?cursor=&count=1') },

  // --- The IdP belongs to the token: the Source of what it creates -------------------------------
  {
    name: 'token create: unknown idp is 400',
    request: () => admin('POST', '/tokens', { json: { idp: 'auth0' } }),
  },
  {
    name: 'token create for Entra',
    request: () => admin('POST', '/tokens', { json: { idp: 'entra' } }),
    capture: keepToken('entra'),
  },
  { name: 'token list: okta and entra', request: () => admin('GET', '/tokens') },
  {
    name: 'Users: create through the Entra token, Okta User-Agent',
    request: () =>
      scim('POST', '/Users', {
        token: 'entra',
        headers: OKTA,
        json: { schemas: [USER], userName: 'via.entra@example.com', displayName: 'Via Entra' },
      }),
    capture: keepId('viaEntra'),
  },
  {
    name: 'Groups: create through the Entra token, Okta User-Agent',
    request: () =>
      scim('POST', '/Groups', {
        token: 'entra',
        headers: OKTA,
        json: { schemas: [GROUP], displayName: 'Via Entra' },
      }),
  },
  {
    name: 'directory: user detail, Source from the token',
    request: (c) => admin('GET', `/users/${c.ids.viaEntra}`),
  },
  { name: 'directory: users with their Source', request: () => admin('GET', '/users') },
  { name: 'directory: groups with their Source', request: () => admin('GET', '/groups') },
  // Issue 9: discovery conformance and error hygiene.
  {
    name: 'Schemas/<the Schema schema>',
    request: () => scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:Schema'),
  },
  {
    name: 'root POST /.search is 501',
    request: () => scim('POST', '/.search', { json: { schemas: [SEARCH] } }),
  },
  {
    name: 'Users: a long, control-character filter is answered with a short excerpt',
    request: () => scim('GET', `/Users?${filter(`bad\u0007${'a'.repeat(300)} eq "x"`)}`),
  },
];

/** The response headers worth comparing. */
const HEADERS = [
  'content-type',
  'content-encoding',
  'vary',
  'etag',
  'location',
  'allow',
  'cache-control',
  'retry-after',
  'x-content-type-options',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})/g;
const SECRET = /scimaws_[A-Za-z0-9_-]{43}/g;
const REQUEST_ID = /request id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Replaces what differs between runs: UUIDs (numbered by first appearance), secrets (numbered),
 * timestamps, the port, token hints, request ids. Console cursors (base64url of a DynamoDB key that
 * holds ids) are shown decoded, with their ids normalised.
 */
export class Normaliser {
  private readonly uuids = new Map<string, string>();
  private readonly secrets = new Map<string, string>();

  text(value: string): string {
    return value
      .replace(REQUEST_ID, 'request id <request-id>')
      .replace(SECRET, (s) => this.numbered(this.secrets, s, 'secret'))
      .replace(UUID, (u) => this.numbered(this.uuids, u.toLowerCase(), 'uuid'))
      .replace(ISO_TIME, '<time>')
      .replace(/(\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+/g, '$1:<port>');
  }

  /** A JSON body: hints and cursors first (they hide what text() must see), then the rest. */
  body(value: string): string {
    return this.text(
      value
        .replace(/"hint":"[^"]*"/g, '"hint":"<hint>"')
        .replace(
          /"nextCursor":"([^"]+)"/g,
          (_, cursor: string) => `"nextCursor":"${jsonEscape(decodedCursor(cursor))}"`,
        ),
    );
  }

  path(value: string): string {
    return this.text(
      value.replace(
        /([?&]cursor=)([^&]+)/g,
        (_, prefix: string, cursor: string) => prefix + decodedCursor(cursor),
      ),
    );
  }

  private numbered(map: Map<string, string>, key: string, label: string): string {
    let name = map.get(key);
    if (!name) {
      name = `<${label}-${map.size + 1}>`;
      map.set(key, name);
    }
    return name;
  }
}

/**
 * Cursors are `base64url(JSON {p: position, t: issued at}).MAC` (lambdas/store/cursor-codec.ts): shown
 * as their position, without the issue time and the MAC, which change with every run.
 */
function decodedCursor(cursor: string): string {
  try {
    const [body] = decodeURIComponent(cursor).split('.');
    const sealed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const key = sealed?.p;
    if (!key || typeof key !== 'object' || Array.isArray(key)) return cursor;
    return `<cursor ${Object.entries(key)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ')}>`;
  } catch {
    return cursor;
  }
}

const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(baseUrl: string, spec: RequestSpec, ctx: SessionContext): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (spec.json !== undefined) {
    body = Buffer.from(JSON.stringify(spec.json), 'utf8');
    headers['Content-Type'] = 'application/json';
  } else if (spec.rawBody !== undefined) {
    body = Buffer.from(spec.rawBody, 'utf8');
  }
  Object.assign(headers, spec.headers);
  if (spec.auth && 'admin' in spec.auth) headers.Authorization = `Bearer ${ctx.adminKey}`;
  if (spec.auth && 'token' in spec.auth)
    headers.Authorization = `Bearer ${ctx.tokens[spec.auth.token]?.secret}`;
  if (spec.auth && 'header' in spec.auth) headers.Authorization = spec.auth.header;
  if (body) headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(spec.path, baseUrl), { method: spec.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs the session in order against `baseUrl` (e.g. http://127.0.0.1:1234) and returns the transcript. */
export async function runSession(
  baseUrl: string,
  adminKey: string,
  steps: Step[] = SESSION,
): Promise<TranscriptEntry[]> {
  const ctx: SessionContext = { adminKey, tokens: {}, ids: {}, cursors: {}, etags: {} };
  const normaliser = new Normaliser();
  const transcript: TranscriptEntry[] = [];
  for (const [index, step] of steps.entries()) {
    const spec = step.request(ctx);
    const response = await send(baseUrl, spec, ctx);
    const gzipped = /gzip/i.test(String(response.headers['content-encoding'] ?? ''));
    const rawText = (gzipped ? gunzipSync(response.body) : response.body).toString('utf8');
    let parsed: unknown;
    try {
      parsed = rawText ? JSON.parse(rawText) : undefined;
    } catch {
      parsed = undefined;
    }
    step.capture?.(ctx, parsed, response.headers);

    const entry: TranscriptEntry = {
      n: index + 1,
      name: step.name,
      method: spec.method,
      path: normaliser.path(spec.path),
      ...(spec.headers?.['Accept-Encoding'] ? { acceptEncoding: spec.headers['Accept-Encoding'] } : {}),
      status: response.status,
      headers: {},
      body: null,
    };
    for (const name of HEADERS) {
      const value = response.headers[name];
      if (value !== undefined)
        entry.headers[name] = normaliser.text(Array.isArray(value) ? value.join(', ') : value);
    }
    if (rawText) {
      const text = parsed === undefined ? normaliser.text(rawText) : normaliser.body(rawText);
      try {
        entry.body = JSON.parse(text);
        if (JSON.stringify(entry.body) !== text) entry.text = text;
      } catch {
        entry.body = text;
      }
    }
    transcript.push(entry);
  }
  return transcript;
}
