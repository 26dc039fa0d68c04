import { foldIdentifier } from '../scim/identifiers';

/**
 * Every DynamoDB key of the single table is built here and nowhere else (docs/data-model.md).
 * `t` is a tenant id ([a-z0-9-]{1,63}, so '#' never occurs inside it); ids are UUIDs.
 */
export interface Key {
  pk: string;
  sk: string;
}

const tenant = (t: string) => `T#${t}`;

/**
 * userName and group displayName keys (guards, index sort keys) use the folded form: NFC, then lower
 * case (`lambdas/scim/identifiers.ts`), so names that differ only in case or Unicode normalisation
 * collide (409) and `userName eq` finds a user whichever form the filter uses.
 */
const nameKey = foldIdentifier;

/**
 * A group's member edges are spread over this many partition keys: one key takes about 1,000 write
 * units per second, and a 10k-member replace writes 20k edges (docs/data-model.md).
 */
export const MEMBER_SHARDS = 8;

/** A stable shard per user: the sum of the id's character codes (ids are UUIDs, so this spreads evenly). */
export function memberShardOf(userId: string): number {
  let sum = 0;
  for (let i = 0; i < userId.length; i++) sum = (sum + userId.charCodeAt(i)) % 65_536;
  return sum % MEMBER_SHARDS;
}

const memberPartition = (t: string, groupId: string, shard: number) => `${tenant(t)}#G#${groupId}#M${shard}`;

export const keys = {
  /** Tenant settings (custom attributes, auto-invite). */
  settings: (t: string): Key => ({ pk: tenant(t), sk: 'SETTINGS' }),
  /** Tenant counters: number of tokens, users, groups (kept in the same transactions as creates/deletes). */
  counters: (t: string): Key => ({ pk: tenant(t), sk: 'COUNTS' }),
  /** A token as the tenant's admin sees it (no secret; the hash only). */
  token: (t: string, tokenId: string): Key => ({ pk: tenant(t), sk: `TOKEN#${tokenId}` }),
  tokenPrefix: (t: string) => ({ pk: tenant(t), skPrefix: 'TOKEN#' }),
  /** A token looked up by the SHA-256 of its secret (authorizer; strongly consistent GetItem). */
  tokenByHash: (secretHash: string): Key => ({ pk: `TOKENHASH#${secretHash}`, sk: 'TOKEN' }),

  /** A user; the same partition holds its group edges and its invite record. */
  user: (t: string, userId: string): Key => ({ pk: `${tenant(t)}#U#${userId}`, sk: 'USER' }),
  userPartition: (t: string, userId: string) => `${tenant(t)}#U#${userId}`,
  /** GSI1 listing of a tenant's users, ordered by fold(userName) then id. */
  usersIndex: (t: string, userName: string, userId: string) => ({
    gsi1pk: `${tenant(t)}#USERS`,
    gsi1sk: `${nameKey(userName)}#${userId}`,
  }),
  usersIndexPk: (t: string) => `${tenant(t)}#USERS`,
  /**
   * GSI2: a tenant's users by the folded primary (or first) email, then id — the console's search by
   * email prefix (absent when the user has no email).
   */
  usersByEmailIndex: (t: string, email: string, userId: string) => ({
    gsi2pk: `${tenant(t)}#UEMAIL`,
    gsi2sk: `${nameKey(email)}#${userId}`,
  }),
  usersByEmailIndexPk: (t: string) => `${tenant(t)}#UEMAIL`,
  /** Uniqueness guard: one item per fold(userName) -> userId. */
  userNameGuard: (t: string, userName: string): Key => ({
    pk: `${tenant(t)}#UN#${nameKey(userName)}`,
    sk: 'GUARD',
  }),
  /** Lookup edges: several users may share an email or an externalId. */
  emailEdge: (t: string, email: string, userId: string): Key => ({
    pk: `${tenant(t)}#EM#${email.toLowerCase()}`,
    sk: `U#${userId}`,
  }),
  emailEdgePk: (t: string, email: string) => `${tenant(t)}#EM#${email.toLowerCase()}`,
  externalIdEdge: (t: string, resourceType: 'U' | 'G', externalId: string, id: string): Key => ({
    pk: `${tenant(t)}#EX${resourceType}#${externalId}`,
    sk: `${resourceType}#${id}`,
  }),
  externalIdEdgePk: (t: string, resourceType: 'U' | 'G', externalId: string) =>
    `${tenant(t)}#EX${resourceType}#${externalId}`,
  /**
   * The tombstone of a deleted user or group, in the resource's partition ('DELETED' sorts before
   * 'DELTA#', outside a group read's range): written by the delete's transaction, its stream INSERT
   * is the deleted event; removed by the table's TTL after 7 days.
   */
  deletion: (t: string, resource: 'U' | 'G', id: string): Key => ({
    pk: `${tenant(t)}#${resource}#${id}`,
    sk: 'DELETED',
  }),
  /** Invite record of a user (exactly-once guard of the invitation email). */
  invite: (t: string, userId: string): Key => ({ pk: `${tenant(t)}#U#${userId}`, sk: 'INVITE' }),
  /**
   * Whose invitation an SES message is: the mail events (delivery, bounce, complaint) carry only the
   * MessageId. Outside any tenant's partition, like the token hash; removed by the TTL after 30 days.
   */
  mailMessage: (messageId: string): Key => ({ pk: `MAILMSG#${messageId}`, sk: 'MAIL' }),

  /** A group; the same partition holds its member edges. */
  group: (t: string, groupId: string): Key => ({ pk: `${tenant(t)}#G#${groupId}`, sk: 'GROUP' }),
  groupPartition: (t: string, groupId: string) => `${tenant(t)}#G#${groupId}`,
  groupsIndex: (t: string, displayName: string, groupId: string) => ({
    gsi1pk: `${tenant(t)}#GROUPS`,
    gsi1sk: `${nameKey(displayName)}#${groupId}`,
  }),
  groupsIndexPk: (t: string) => `${tenant(t)}#GROUPS`,
  displayNameGuard: (t: string, displayName: string): Key => ({
    pk: `${tenant(t)}#GN#${nameKey(displayName)}`,
    sk: 'GUARD',
  }),
  /**
   * Member edge in one of the group's MEMBER_SHARDS member partitions (chosen by the user id), so a
   * big group's writes are spread over several partition keys: members = Query each of them.
   */
  memberEdge: (t: string, groupId: string, userId: string): Key => ({
    pk: memberPartition(t, groupId, memberShardOf(userId)),
    sk: `M#${userId}`,
  }),
  /** Every member partition of a group, in shard order. */
  memberPartitions: (t: string, groupId: string): string[] =>
    Array.from({ length: MEMBER_SHARDS }, (_, shard) => memberPartition(t, groupId, shard)),
  memberEdgePrefix: 'M#',
  /** Reverse edge in the user's partition: a user's groups = Query begins_with(sk, 'MEMBEROF#'). */
  memberOfEdge: (t: string, userId: string, groupId: string): Key => ({
    pk: `${tenant(t)}#U#${userId}`,
    sk: `MEMBEROF#${groupId}`,
  }),
  memberOfEdgePrefix: 'MEMBEROF#',
  /** A pending change of a group's memberCount, written by one member chunk, folded afterwards. */
  countDelta: (t: string, groupId: string, deltaId: string): Key => ({
    pk: `${tenant(t)}#G#${groupId}`,
    sk: `DELTA#${deltaId}`,
  }),
  countDeltaPrefix: 'DELTA#',

  /**
   * An entry of the tenant's admin audit trail; the sort key orders by time (ISO 8601), then request
   * id, then the entry's number within its write, so a listing newest first is one descending Query.
   */
  audit: (t: string, at: string, requestId: string, n: number): Key => ({
    pk: `${tenant(t)}#AUDIT`,
    sk: `${at}#${requestId}#${String(n).padStart(3, '0')}`,
  }),
  auditPartition: (t: string) => `${tenant(t)}#AUDIT`,

  /** Remembered DynamoDB cursor that starts the page at `startIndex` of one list query. */
  pagingCursor: (t: string, queryHash: string, startIndex: number): Key => ({
    pk: `${tenant(t)}#CUR#${queryHash}`,
    sk: String(startIndex).padStart(10, '0'),
  }),

  /**
   * A request-log entry: newest first is a descending Query of the tenant's log partition; the same
   * item is in GSI1 under its status class, so `status=4xx` is a Query too (docs/data-model.md).
   */
  requestLog: (t: string, at: string, requestId: string): Key => ({
    pk: `${tenant(t)}#REQLOG`,
    sk: `${at}#${requestId}`,
  }),
  requestLogPk: (t: string) => `${tenant(t)}#REQLOG`,
  requestLogClassPk: (t: string, statusClass: string) => `${tenant(t)}#REQLOG#${statusClass}`,
  /** A tenant's request counters of one 5-minute bucket (sk = the bucket's start, ISO). */
  requestStats: (t: string, bucketStart: string): Key => ({ pk: `${tenant(t)}#REQSTATS`, sk: bucketStart }),
  requestStatsPk: (t: string) => `${tenant(t)}#REQSTATS`,
};
