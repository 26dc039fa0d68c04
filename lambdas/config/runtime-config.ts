import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import {
  DEFAULT_LINK_TTL_HOURS,
  type LinkKey,
  type LinkKeySource,
  parseLinkKeys,
} from '../domain/invite-links';
import type { InviteConfig } from '../domain/invites';
import { DEFAULT_REQUEST_LOG_RETENTION_DAYS } from '../domain/request-log';
import { SCIM_LIMITS } from '../scim/limits';
import { getSecretString } from './secret-value';

/**
 * Configuration is read once, when a function's module loads, and a missing or malformed value stops
 * the cold start with a message that names the variable — never a silent default that would send
 * invitations from a placeholder address. The CDK stack always sets these; `npm start` and the tests
 * set their own local values before the handlers load.
 */
export function readInviteConfig(
  fetchSecret: (secretId: string) => Promise<string> = getSecretString,
): InviteConfig {
  const read = (key: string, what: string) =>
    getStringFromEnv({ key, errorMessage: `${key} must be set: ${what}` });
  const fromAddress = read(
    'INVITE_FROM_ADDRESS',
    'the sender of invitation emails (an SES-verified address)',
  );
  if (!/^[^\s@]+@[^\s@]+$/.test(fromAddress)) {
    throw new Error(`INVITE_FROM_ADDRESS must be an email address, not '${fromAddress}'`);
  }
  const urlTemplate = read(
    'INVITE_URL_TEMPLATE',
    'the invitation link, e.g. https://console.example.com/invite?token={token}',
  );
  const sample = urlTemplate
    .replaceAll('{tenantId}', 't')
    .replaceAll('{userId}', 'u')
    .replaceAll('{token}', 'x');
  if (!isHttpUrl(sample)) {
    throw new Error(`INVITE_URL_TEMPLATE must be an http(s) URL, not '${urlTemplate}'`);
  }
  return {
    fromAddress,
    urlTemplate,
    linkKeys: readLinkKeySource(process.env, fetchSecret),
    linkTtlHours: linkTtlHoursOf(process.env),
  };
}

/** How long a warm function keeps the link keys read from Secrets Manager (a rotation shows within it). */
export const LINK_KEYS_CACHE_MS = 5 * 60_000;

/**
 * The invitation link keys: `INVITE_LINK_KEYS` itself (local runs and tests), or in AWS the Secrets
 * Manager secret `INVITE_LINK_KEYS_SECRET_ARN`, both JSON `{"keys":[{"id","secret"}, ...]}` (the first
 * key signs, all verify). Neither set, or an inline value that is not valid, stops the cold start. The
 * secret is read on first use and kept for LINK_KEYS_CACHE_MS; a failed read is retried by the next call.
 */
export function readLinkKeySource(
  env: NodeJS.ProcessEnv,
  fetchSecret: (secretId: string) => Promise<string> = getSecretString,
  now: () => number = Date.now,
): LinkKeySource {
  const inline = env.INVITE_LINK_KEYS;
  if (inline) {
    const keys = Promise.resolve(parseLinkKeys(inline, 'INVITE_LINK_KEYS'));
    return () => keys;
  }
  const secretId = env.INVITE_LINK_KEYS_SECRET_ARN;
  if (!secretId) {
    throw new Error(
      'INVITE_LINK_KEYS_SECRET_ARN (the Secrets Manager secret of the invitation link keys) or INVITE_LINK_KEYS must be set',
    );
  }
  let cached: { keys: Promise<LinkKey[]>; until: number } | undefined;
  return () => {
    if (!cached || cached.until <= now()) {
      const entry = {
        until: now() + LINK_KEYS_CACHE_MS,
        keys: fetchSecret(secretId).then((value) => parseLinkKeys(value, `The secret ${secretId}`)),
      };
      entry.keys.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.keys;
  };
}

/** INVITE_LINK_TTL_HOURS: a whole number of hours from 1 to 720 (30 days), 168 when not set. */
export function linkTtlHoursOf(env: NodeJS.ProcessEnv): number {
  const raw = env.INVITE_LINK_TTL_HOURS;
  if (raw === undefined || raw === '') return DEFAULT_LINK_TTL_HOURS;
  const hours = Number(raw);
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) {
    throw new Error(`INVITE_LINK_TTL_HOURS must be a whole number of hours from 1 to 720, not '${raw}'`);
  }
  return hours;
}

/** The name of the bus the stream consumer puts change events on (the stack's bus; locally a stand-in). */
export function readEventBusName(): string {
  return getStringFromEnv({
    key: 'EVENT_BUS_NAME',
    errorMessage: 'EVENT_BUS_NAME must be set: the EventBridge bus of the change events',
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** How cursors are authenticated (lambdas/store/cursor-codec.ts): the key, the timeout, the clock. */
export interface CursorConfig {
  /** The HMAC key; read once per cold start (a secret is fetched on first use and then kept). */
  key(): Promise<Uint8Array>;
  /** SCIM cursors expire after this many seconds (RFC 9865 cursorTimeout). */
  timeoutSeconds: number;
  /** Epoch seconds. */
  nowSeconds(): number;
}

/** The fewest characters of a cursor key (a generated secret has 64). */
const MIN_CURSOR_KEY_LENGTH = 32;

/**
 * The cursor key: `CURSOR_HMAC_KEY` itself (local runs and tests, set by local/environment.ts), or in
 * AWS the Secrets Manager secret `CURSOR_HMAC_SECRET_ARN` that the CDK stack generates. Neither set
 * stops the cold start. The secret is read once (a failed read is retried by the next request).
 */
export function readCursorConfig(
  fetchSecret: (secretId: string) => Promise<string> = getSecretString,
): CursorConfig {
  const fromValue = (value: string, name: string): Uint8Array => {
    if (value.length < MIN_CURSOR_KEY_LENGTH) {
      throw new Error(`${name} must have at least ${MIN_CURSOR_KEY_LENGTH} characters`);
    }
    return new Uint8Array(Buffer.from(value, 'utf8'));
  };
  const base = { timeoutSeconds: SCIM_LIMITS.cursorTimeoutSeconds, nowSeconds: () => Date.now() / 1000 };
  const inline = process.env.CURSOR_HMAC_KEY;
  if (inline) {
    const key = Promise.resolve(fromValue(inline, 'CURSOR_HMAC_KEY'));
    return { ...base, key: () => key };
  }
  const secretId = getStringFromEnv({
    key: 'CURSOR_HMAC_SECRET_ARN',
    errorMessage:
      'CURSOR_HMAC_SECRET_ARN (the Secrets Manager secret of the paging-cursor key) or CURSOR_HMAC_KEY must be set',
  });
  let key: Promise<Uint8Array> | undefined;
  return {
    ...base,
    key: () => {
      key ??= fetchSecret(secretId).then(
        (value) => fromValue(value, `The secret ${secretId}`),
        (error: unknown) => {
          key = undefined;
          throw error;
        },
      );
      return key;
    },
  };
}

let cursorConfigOfProcess: CursorConfig | undefined;

/** The process's cursor configuration, read on first call (at cold start, by the repositories). */
export function cursorConfig(): CursorConfig {
  cursorConfigOfProcess ??= readCursorConfig();
  return cursorConfigOfProcess;
}

/** How long audit entries are kept when AUDIT_RETENTION_DAYS is not set. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/**
 * The admin audit trail's retention: `AUDIT_RETENTION_DAYS` (a whole number of days, 1 to 3650), 365 when
 * not set (also locally). DynamoDB's TTL removes an entry once this long has passed. Anything else
 * stops the cold start.
 */
export function readAuditConfig(): { retentionDays: number } {
  return {
    retentionDays: retentionDaysOf('AUDIT_RETENTION_DAYS', process.env, DEFAULT_AUDIT_RETENTION_DAYS),
  };
}

/** A retention in whole days (1 to 3650) from `name`, or `fallback` when unset; else the cold start stops. */
function retentionDaysOf(name: string, env: NodeJS.ProcessEnv, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new Error(`${name} must be a whole number of days from 1 to 3650, not '${raw}'`);
  }
  return days;
}

let auditConfigOfProcess: { retentionDays: number } | undefined;

/** The process's audit configuration, read on first call (at cold start, by the repositories). */
export function auditConfig(): { retentionDays: number } {
  auditConfigOfProcess ??= readAuditConfig();
  return auditConfigOfProcess;
}

/** Where the request log goes (lambdas/store/request-log-sink.ts) and how long it is kept. */
export interface RequestLogConfig {
  /**
   * `stdout` (AWS, the default): one JSON line per request, which a CloudWatch Logs subscription
   * delivers to the writer function; `direct`: batched writes to the table from this process
   * (`npm start`, the tests); `off`: nothing (the bench's run without the log).
   */
  sink: 'stdout' | 'direct' | 'off';
  /** Days an entry is kept (DynamoDB TTL `expiresAt`). */
  retentionDays: number;
}

const REQUEST_LOG_SINKS: readonly RequestLogConfig['sink'][] = ['stdout', 'direct', 'off'];

/** REQUEST_LOG_SINK and REQUEST_LOG_RETENTION_DAYS; a bad value stops the cold start, naming the variable. */
export function readRequestLogConfig(env: NodeJS.ProcessEnv = process.env): RequestLogConfig {
  const sink = (env.REQUEST_LOG_SINK || 'stdout') as RequestLogConfig['sink'];
  if (!REQUEST_LOG_SINKS.includes(sink)) {
    throw new Error(`REQUEST_LOG_SINK must be one of ${REQUEST_LOG_SINKS.join(', ')}, not '${sink}'`);
  }
  return {
    sink,
    retentionDays: retentionDaysOf('REQUEST_LOG_RETENTION_DAYS', env, DEFAULT_REQUEST_LOG_RETENTION_DAYS),
  };
}

/**
 * CONSOLE_ORIGIN: the admin console's origin in AWS (`https://d123.cloudfront.net`), whose browser
 * calls the admin API cross-origin; unset locally, where console and API share the origin (no CORS).
 * A value that is not a bare origin stops the cold start.
 */
export function readConsoleOrigin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.CONSOLE_ORIGIN;
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value) {
    throw new Error(`CONSOLE_ORIGIN must be an origin such as https://console.example.com, not '${value}'`);
  }
  return value;
}
