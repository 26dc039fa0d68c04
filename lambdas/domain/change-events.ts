import { createHash } from 'node:crypto';
import type { GroupRecord } from './group-record';
import type { UserRecord } from './user-record';
import { externalIdOf } from './user-record';
import type { WriteOrigin } from './write-origin';

/**
 * Change events (docs/events.md): what the table's stream says changed, in the domain's words. The
 * store decodes each stream record into a StoredChange (lambdas/store/stream-decoding.ts); this file
 * derives the events from it, purely, so a redelivered record derives the very same events (the
 * `eventId` is a hash of what it describes, never random).
 */

export const CHANGE_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/** The EventBridge `Source` of every change event (its `DetailType` is the event's type). */
export const CHANGE_EVENT_SOURCE = 'scim.provisioning';

/** The IdP an event names when neither its write nor its resource says (items older than both). */
const FALLBACK_IDP = 'okta';

export interface AttributeChange {
  before: unknown;
  after: unknown;
}

/** The `detail` of an event on the bus. */
export interface ChangeEvent {
  eventId: string;
  type: ChangeEventType;
  tenantId: string;
  resource: { type: 'User' | 'Group'; id: string; externalId: string | null };
  /** Attribute path -> before/after; never a password, id, meta, schemas, groups or members. */
  changes: Record<string, AttributeChange>;
  idp: string;
  occurredAt: string;
  /** The SCIM request that made the change; null for writes outside one (or older than origins). */
  requestId: string | null;
}

/** One stream record, decoded: the item before and after the write, and the write's origin. */
export type StoredChange =
  | { kind: 'user'; before?: UserRecord; after?: UserRecord; origin?: WriteOrigin }
  | { kind: 'group'; before?: GroupRecord; after?: GroupRecord; origin?: WriteOrigin }
  | MembershipChange
  | DeletionRecord;

/** A member chunk's count delta: the edges it really added and removed (condition-checked). */
export interface MembershipChange {
  kind: 'membership';
  tenantId: string;
  groupId: string;
  deltaId: string;
  added: string[];
  removed: string[];
  at: string;
  /** The group's externalId; undefined when the delta did not carry it (looked up before deriving). */
  externalId?: string | null;
  origin?: WriteOrigin;
}

/** The tombstone a user or group delete writes in the same transaction (a REMOVE has no origin). */
export interface DeletionRecord {
  kind: 'deletion';
  tenantId: string;
  resourceType: 'User' | 'Group';
  id: string;
  externalId: string | null;
  /** The resource's attributes before the delete (users: their stored attributes; groups: with displayName). */
  attributes: Record<string, unknown>;
  /** The IdP of the token that created the resource. */
  sourceIdp?: string;
  at: string;
  origin?: WriteOrigin;
}

/** Attributes that never appear in `changes`: secrets, server-assigned and relationship attributes. */
const NEVER_IN_CHANGES = new Set(['password', 'id', 'meta', 'schemas', 'groups', 'members']);

/** The events one decoded stream record yields, in the order they happened. */
export function changeEventsOf(change: StoredChange): ChangeEvent[] {
  switch (change.kind) {
    case 'user':
      return userEvents(change.before, change.after, change.origin);
    case 'group':
      return groupEvents(change.before, change.after, change.origin);
    case 'membership':
      return memberEvents(change);
    case 'deletion':
      return [deletionEvent(change)];
  }
}

function userEvents(
  before: UserRecord | undefined,
  after: UserRecord | undefined,
  origin?: WriteOrigin,
): ChangeEvent[] {
  // A REMOVE of the user item says nothing of its request: the tombstone's INSERT is user.deleted.
  if (!after) return [];
  const changes = diff(before ? userAttributes(before) : {}, userAttributes(after), !before);
  let type: ChangeEventType;
  if (!before) type = 'user.created';
  else if (before.active && !after.active) type = 'user.deactivated';
  else if (!before.active && after.active) type = 'user.reactivated';
  else if (Object.keys(changes).length > 0) type = 'user.updated';
  else return []; // only the version, lastModified or origin moved
  return [
    {
      eventId: eventIdOf(after.tenantId, `user/${after.id}/v${after.version}`),
      type,
      tenantId: after.tenantId,
      resource: { type: 'User', id: after.id, externalId: externalIdOf(after.attributes) ?? null },
      changes,
      idp: origin?.idp ?? after.source?.idp ?? FALLBACK_IDP,
      occurredAt: after.lastModified,
      requestId: origin?.requestId ?? null,
    },
  ];
}

function groupEvents(
  before: GroupRecord | undefined,
  after: GroupRecord | undefined,
  origin?: WriteOrigin,
): ChangeEvent[] {
  if (!after) return [];
  // A fold moves memberCount, version and lastModified only: no attribute changed, no event.
  const changes = diff(before ? groupAttributes(before) : {}, groupAttributes(after), !before);
  if (before && Object.keys(changes).length === 0) return [];
  return [
    {
      eventId: eventIdOf(after.tenantId, `group/${after.id}/v${after.version}`),
      type: before ? ('group.updated' as const) : ('group.created' as const),
      tenantId: after.tenantId,
      resource: { type: 'Group' as const, id: after.id, externalId: externalIdOf(after.attributes) ?? null },
      changes,
      idp: origin?.idp ?? after.source?.idp ?? FALLBACK_IDP,
      occurredAt: after.lastModified,
      requestId: origin?.requestId ?? null,
    },
  ];
}

/** One event per member the chunk really added or removed (a chunk holds at most 49). */
function memberEvents(change: MembershipChange): ChangeEvent[] {
  const event = (userId: string, added: boolean): ChangeEvent => ({
    eventId: eventIdOf(
      change.tenantId,
      `delta/${change.groupId}/${change.deltaId}/${userId}/${added ? 'added' : 'removed'}`,
    ),
    type: added ? 'group.member_added' : 'group.member_removed',
    tenantId: change.tenantId,
    resource: { type: 'Group', id: change.groupId, externalId: change.externalId ?? null },
    changes: {
      member: added ? { before: null, after: { value: userId } } : { before: { value: userId }, after: null },
    },
    idp: change.origin?.idp ?? FALLBACK_IDP,
    occurredAt: change.at,
    requestId: change.origin?.requestId ?? null,
  });
  return [...change.removed.map((id) => event(id, false)), ...change.added.map((id) => event(id, true))];
}

function deletionEvent(change: DeletionRecord): ChangeEvent {
  const isUser = change.resourceType === 'User';
  return {
    eventId: eventIdOf(change.tenantId, `${isUser ? 'user' : 'group'}/${change.id}/deleted`),
    type: isUser ? 'user.deleted' : 'group.deleted',
    tenantId: change.tenantId,
    resource: { type: change.resourceType, id: change.id, externalId: change.externalId },
    changes: Object.fromEntries(
      Object.entries(flatten(change.attributes)).map(([path, value]) => [
        path,
        { before: value, after: null },
      ]),
    ),
    idp: change.origin?.idp ?? change.sourceIdp ?? FALLBACK_IDP,
    occurredAt: change.at,
    requestId: change.origin?.requestId ?? null,
  };
}

const userAttributes = (user: UserRecord) => flatten(user.attributes);
const groupAttributes = (group: GroupRecord) =>
  flatten({ displayName: group.displayName, ...group.attributes });

/**
 * Attribute paths of a resource: the top-level attribute names, and each attribute of a schema
 * extension as `<extension URN>:<name>` (RFC 7644 §3.10's fully qualified form), never the excluded ones.
 */
export function flatten(attributes: Record<string, unknown>): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (NEVER_IN_CHANGES.has(name.toLowerCase()) || value === undefined) continue;
    if (
      name.toLowerCase().startsWith('urn:') &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
        if (NEVER_IN_CHANGES.has(sub.toLowerCase()) || subValue === undefined) continue;
        paths[`${name}:${sub}`] = subValue;
      }
    } else {
      paths[name] = value;
    }
  }
  return paths;
}

/** Paths whose value differs (order of object keys ignored); a created resource lists every path. */
function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  created: boolean,
): Record<string, AttributeChange> {
  const changes: Record<string, AttributeChange> = {};
  for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[path] ?? null;
    const is = after[path] ?? null;
    if (created || canonical(was) !== canonical(is)) changes[path] = { before: was, after: is };
  }
  return changes;
}

/** JSON with object keys sorted: two values are equal when their canonical forms are. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A UUID-shaped SHA-256 of the tenant and what the event describes: the same on every redelivery. */
export function eventIdOf(tenantId: string, subject: string): string {
  const hex = createHash('sha256').update(`${tenantId}\n${subject}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What replaces a value too large for the bus (docs/events.md, "Size"). */
export interface OmittedValue {
  $omitted: 'tooLarge';
  bytes: number;
}

/**
 * The event within `maxBytes` of JSON (EventBridge refuses an entry over 256 KB; a user may hold up to
 * 300 KB of attributes, and an update carries them twice): the largest before/after values are
 * replaced by `{"$omitted": "tooLarge", bytes}` until it fits. The paths stay, so a consumer still
 * knows what changed and reads the user for the values.
 */
export function withinSize(event: ChangeEvent, maxBytes: number): ChangeEvent {
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size(event) <= maxBytes) return event;
  const changes: Record<string, AttributeChange> = structuredClone(event.changes);
  const values = Object.entries(changes)
    .flatMap(([path, change]) =>
      (['before', 'after'] as const).map((side) => ({ path, side, bytes: size(change[side]) })),
    )
    .sort((a, b) => b.bytes - a.bytes);
  let total = size(event);
  for (const { path, side, bytes } of values) {
    if (total <= maxBytes) break;
    const omitted: OmittedValue = { $omitted: 'tooLarge', bytes };
    changes[path][side] = omitted;
    total -= bytes - size(omitted);
  }
  return { ...event, changes };
}
