import * as z from 'zod/mini';
import { REQUEST_LOG_PAGE, REQUEST_LOG_RESOURCES } from '../domain/activity';
import { AUDIT_PAGE } from '../domain/audit';
import { CONSOLE_PAGE, MAX_SEARCH_LENGTH } from '../domain/directory';
import { describeFieldErrors, type FieldError, InvalidInputError } from '../domain/errors';
import { DEFAULT_IDP, IDPS, type Idp } from '../domain/idp';
import type { RequestLogQuery, StatusClass } from '../domain/request-log';
import { statusClassOf } from '../domain/request-log';
import {
  CUSTOM_ATTRIBUTE_NAME,
  MAX_CUSTOM_ATTRIBUTES,
  parseSettings,
  SETTINGS_LIMITS,
  type SettingsInput,
} from '../domain/settings';
import type { TokenStatus } from '../domain/tokens';
import { excerpt } from '../scim/excerpt';

/**
 * The shape of every admin input (bodies and query strings), checked with zod before a use case sees
 * it. A refusal names each problem by its path (`customAttributes[0].name`, `limit`, `idp`), all of
 * them at once: `{error: 'bad_request', message, fields: [{path, message}]}`. The rules beyond the
 * shape (unique names, known `${variables}`, valid scimPaths) stay in the domain, which reports paths
 * the same way.
 *
 * zod/mini (the functional API, a fifth of full zod's bundle) ships no locale: every message a refusal
 * carries is written here, the few that full zod took from its English locale too (`wrongType`).
 */

/** `a.b[0].c` of a zod issue path. */
export function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The field errors of a zod failure; an unknown key is named by its own path. `root` names the body itself. */
function fieldErrorsOf(error: z.core.$ZodError, root: string): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      // The path repeats at most a clean excerpt of a key (an error never echoes raw input at length).
      return issue.keys.slice(0, 10).map((key) => ({
        path: pathString([...issue.path, excerpt(key, 40)]),
        message: 'unknown field',
      }));
    }
    return [{ path: pathString(issue.path) || root, message: issue.message }];
  });
}

/** Parses `input` with `schema`, or throws the InvalidInputError that names every problem. */
function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, what: string, root = ''): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = fieldErrorsOf(result.error, root);
  throw new InvalidInputError(`Invalid ${what}: ${describeFieldErrors(problems)}`, {
    fields: namedOnly(problems),
  });
}

/** A problem of the body as a whole (not an object) names no field: it is in the message only. */
const namedOnly = (fields: FieldError[]) => fields.filter((f) => f.path !== '');

/**
 * A value of the wrong type where no message of our own is written (a query that is not an object, a
 * parameter that is not a string: what a typed caller cannot pass), in the words of zod's English
 * locale: `Invalid input: expected string, received number`. The received type is named as zod names
 * it (z.util.parsedType, written out: reaching it through `z.util` bundles all of zod's util).
 */
function wrongType(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  return `Invalid input: expected ${issue.expected}, received ${typeName(issue.input)}`;
}
function typeName(input: unknown): string {
  if (typeof input === 'number') return Number.isFinite(input) ? 'number' : String(input); // NaN, Infinity
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const prototype = Object.getPrototypeOf(input);
  return prototype !== Object.prototype && 'constructor' in input && input.constructor
    ? (input.constructor as { name: string }).name
    : 'object';
}
const queryString = () => z.string({ error: wrongType });

const IDP_CHOICES = `must be one of ${IDPS.map((idp) => `"${idp}"`).join(', ')}`;
const idp = z.enum(IDPS, { error: IDP_CHOICES });

/** POST /tokens: none, `{}` or `{"idp": …}`; okta when not given. A body that is not that names `idp`. */
const tokenCreation = z.strictObject(
  { idp: z.optional(idp) },
  { error: `the body must be {"idp": "<identity provider>"}: idp ${IDP_CHOICES}` },
);
export function tokenCreationOf(body: unknown): Idp {
  if (body === undefined) return DEFAULT_IDP;
  const result = tokenCreation.safeParse(body);
  if (result.success) return result.data.idp ?? DEFAULT_IDP;
  // The console's form has one field: every problem of this body is the IdP chooser's.
  const problems = fieldErrorsOf(result.error, 'idp');
  const fields = problems.map((f) => ({
    path: 'idp',
    message:
      f.path === 'idp' ? f.message : `${f.path}: ${f.message}; a token takes only idp, which ${IDP_CHOICES}`,
  }));
  const named = problems.map((f) =>
    f.path === 'idp' ? f : { ...f, message: `${f.message}; a token takes only idp` },
  );
  throw new InvalidInputError(`Invalid token: ${describeFieldErrors(named)}`, { fields });
}

/** PATCH /tokens/{id}: `{status: "active" | "inactive"}`. */
const statusChange = z.strictObject(
  { status: z.enum(['active', 'inactive'], { error: 'must be "active" or "inactive"' }) },
  { error: 'the body must be a JSON object {"status": "active" | "inactive"}' },
);
export const statusChangeOf = (body: unknown): TokenStatus =>
  parseWith(statusChange, body, 'token change', 'status').status;

/** PUT /settings: the shape; parseSettings (domain) applies the rules beyond it. */
const customAttribute = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).check(
      z.regex(CUSTOM_ATTRIBUTE_NAME, {
        error: (issue) =>
          `'${excerpt(issue.input)}' must start with a letter and hold letters, digits or _ (at most 64)`,
      }),
    ),
    scimPath: z.optional(z.string({ error: 'must be a string' })),
    description: z.optional(
      z
        .string({ error: 'must be a string' })
        .check(
          z.maxLength(
            SETTINGS_LIMITS.description,
            `must be at most ${SETTINGS_LIMITS.description} characters`,
          ),
        ),
    ),
  },
  { error: 'must be an object {name, scimPath?, description?}' },
);
const text = (max: number) =>
  z.string({ error: 'must be a string' }).check(
    z.refine((v) => v.trim() !== '', 'must not be empty'),
    z.refine((v) => v.length <= max, `must be at most ${max} characters`),
  );
const settingsBody = z.strictObject(
  {
    autoInviteUsers: z.optional(z.boolean({ error: 'must be a boolean' })),
    customAttributes: z.optional(
      z
        .array(customAttribute, { error: 'must be an array' })
        .check(z.maxLength(MAX_CUSTOM_ATTRIBUTES, `at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`)),
    ),
    inviteEmail: z.optional(
      z.strictObject(
        { subject: text(SETTINGS_LIMITS.subject), body: text(SETTINGS_LIMITS.body) },
        { error: 'must be an object {subject, body}' },
      ),
    ),
  },
  { error: 'Settings must be a JSON object' },
);
/**
 * The settings body's shape. When it is wrong, the domain's rules still run over the parts whose shape
 * is right (each custom attribute at its own index, the invitation when it is whole), so the console
 * shows every problem of the form at once.
 */
export function settingsInputOf(body: unknown): SettingsInput {
  const result = settingsBody.safeParse(body);
  if (result.success) return result.data;
  const fields = fieldErrorsOf(result.error, '');
  const salvaged = salvageSettings(body);
  if (salvaged) {
    try {
      parseSettings(salvaged);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      fields.push(...(error.fields ?? []));
    }
  }
  throw new InvalidInputError(`Invalid settings: ${describeFieldErrors(fields)}`, {
    fields: namedOnly(fields),
  });
}

function salvageSettings(body: unknown): SettingsInput | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { customAttributes, inviteEmail } = body as Record<string, unknown>;
  const attributes = Array.isArray(customAttributes)
    ? customAttributes.map((a) => {
        const parsed = customAttribute.safeParse(a);
        return parsed.success ? parsed.data : undefined;
      })
    : undefined;
  const invite = settingsBody.shape.inviteEmail.safeParse(inviteEmail);
  return {
    ...(attributes ? { customAttributes: attributes } : {}),
    ...(invite.success && invite.data ? { inviteEmail: invite.data } : {}),
  };
}

/** POST /users/{id}/resolve: `{template}`. */
const resolveBody = z.object(
  {
    template: z.string({ error: 'must be a string' }).check(z.maxLength(SETTINGS_LIMITS.body, 'is too long')),
  },
  { error: 'the body must be {"template": "<text with ${variables}>"}' },
);
export const resolveInputOf = (body: unknown): { template: string } =>
  parseWith(resolveBody, body, 'preview', 'template');

/** `limit` as a query parameter: digits only (Number('') is 0 and Number(' 5') is 5). */
const limitParam = (max: number) =>
  z
    .pipe(
      queryString().check(z.regex(/^\d{1,6}$/, `must be an integer from 1 to ${max}`)),
      z.transform(Number),
    )
    .check(z.refine((n) => n >= 1 && n <= max, `must be an integer from 1 to ${max}`));
/** An empty cursor is no cursor (the first page); a long one is refused before any work. */
const cursorParam = z.pipe(
  queryString().check(z.maxLength(2048, 'is not a cursor of this listing')),
  z.transform((v: string) => v || undefined),
);

/** A console listing's query: `limit` (1-200, 50), `cursor`, and for users `search` (1-256 characters). */
export interface ListingParams {
  limit: number;
  cursor: string | undefined;
  search: string | undefined;
}
const listingQuery = z.object(
  {
    limit: z.optional(limitParam(CONSOLE_PAGE.max)),
    cursor: z.optional(cursorParam),
    search: z.optional(
      z.pipe(
        queryString().check(
          z.maxLength(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`),
        ),
        z.transform((v: string) => v || undefined),
      ),
    ),
  },
  { error: wrongType },
);
export function listingParamsOf(query: Record<string, string>): ListingParams {
  const parsed = parseWith(listingQuery, query, 'query');
  return { limit: parsed.limit ?? CONSOLE_PAGE.default, cursor: parsed.cursor, search: parsed.search };
}

/** GET /audit: `limit` (1-100, 50) and `cursor`. */
const auditQuery = z.object(
  { limit: z.optional(limitParam(AUDIT_PAGE.max)), cursor: z.optional(cursorParam) },
  { error: wrongType },
);
export function auditParamsOf(query: Record<string, string>): { limit: number; cursor: string | undefined } {
  const parsed = parseWith(auditQuery, query, 'query');
  return { limit: parsed.limit ?? AUDIT_PAGE.default, cursor: parsed.cursor };
}

/** A date and time with a zone (Z or ±hh:mm): a bare date or local time would be ambiguous. */
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const time = z.pipe(
  queryString().check(
    z.refine((v) => TIME.test(v) && !Number.isNaN(Date.parse(v)), {
      message: 'must be an ISO 8601 time with a zone, e.g. 2026-12-01T13:00:00Z',
    }),
  ),
  z.transform((v: string) => new Date(Date.parse(v)).toISOString()),
);

/**
 * GET /requests: `status` (2xx, 4xx, 5xx or a code such as 409), `resource`, `since`, `until`,
 * `cursor`, `limit`; an unknown parameter is refused too, so a typo is not silently ignored.
 */
const requestLogQuery = z
  .strictObject(
    {
      status: z.optional(
        queryString().check(
          z.regex(/^([245]xx|[1-5]\d\d)$/, 'must be 2xx, 4xx, 5xx or a status code such as 409'),
        ),
      ),
      resource: z.optional(
        z.enum(REQUEST_LOG_RESOURCES, { error: `must be one of ${REQUEST_LOG_RESOURCES.join(', ')}` }),
      ),
      since: z.optional(time),
      until: z.optional(time),
      cursor: z.optional(cursorParam),
      limit: z.optional(limitParam(REQUEST_LOG_PAGE.max)),
    },
    { error: wrongType },
  )
  .check(
    z.refine((q) => !q.since || !q.until || q.since <= q.until, {
      path: ['until'],
      message: 'must not be before since',
    }),
  );
export function requestLogQueryOf(query: Record<string, string>): RequestLogQuery {
  const parsed = parseWith(requestLogQuery, query, 'query');
  const result: RequestLogQuery = { limit: parsed.limit ?? REQUEST_LOG_PAGE.default };
  if (parsed.status !== undefined) {
    if (parsed.status.endsWith('xx')) result.statusClass = parsed.status as StatusClass;
    else {
      result.status = Number(parsed.status);
      result.statusClass = statusClassOf(result.status);
    }
  }
  if (parsed.resource !== undefined) result.resourceType = parsed.resource;
  if (parsed.since !== undefined) result.since = parsed.since;
  if (parsed.until !== undefined) result.until = parsed.until;
  if (parsed.cursor !== undefined) result.cursor = parsed.cursor;
  return result;
}
