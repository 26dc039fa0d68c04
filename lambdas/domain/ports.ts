import type { AuditEntry } from './audit';
import type { ChangeEvent } from './change-events';
import type { GroupRecord, MemberAdd, MemberRef } from './group-record';
import type { TenantSettings } from './settings';
import type { Token, TokenByHash, TokenStatus } from './tokens';
import type { UserRecord } from './user-record';

/**
 * The ports of the domain: what the use cases need from storage and mail, in the domain's own words.
 * `lambdas/store/` implements the repositories on the single DynamoDB table and `lambdas/mail/` the
 * mailer; the handlers wire them in. Implementations throw only the errors of `./errors` (a raw
 * DynamoDB or SES exception never crosses this line), and every listing is paged: no method returns a
 * whole tenant or a whole group.
 */

/** A page of a console listing, continued by an opaque cursor (`null` after the last page). */
export interface CursorPage<T> {
  records: T[];
  nextCursor: string | null;
}

/** The pages and counts every SCIM list of a resource needs (offset paging, index order). */
export interface ListableRepository<T> {
  /** totalResults of an unfiltered list: exact, and one read whatever the tenant's size. */
  count(tenantId: string): Promise<number>;
  /** The page at a 1-based offset, in index order (userName / displayName, then id). */
  page(tenantId: string, startIndex: number, count: number, descending: boolean): Promise<T[]>;
  /** Every record in index order, a page at a time (bounded memory). */
  walk(tenantId: string, descending: boolean): AsyncIterable<T[]>;
  /** A console page; a cursor of another listing or tenant is an InvalidInputError. */
  pageByCursor(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<T>>;
  /**
   * A page of SCIM cursor paging (RFC 9865), one read of the index; `undefined` starts. A cursor that
   * is not one of this listing is an InvalidInputError `invalidCursor`, an old one `expiredCursor`.
   */
  pageByScimCursor(
    tenantId: string,
    count: number,
    cursor: string | undefined,
    descending: boolean,
  ): Promise<CursorPage<T>>;
}

/** Users with their userName guard, email and externalId lookup edges, and the tenant's user count. */
export interface UserRepository extends ListableRepository<UserRecord> {
  /** UniquenessError when the userName is taken (any case). */
  create(user: UserRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<UserRecord | undefined>;
  /** The users that exist among `ids` (any order). */
  getMany(tenantId: string, ids: string[]): Promise<UserRecord[]>;
  findByUserName(tenantId: string, userName: string): Promise<UserRecord | undefined>;
  /** Ids of the users with this email (any case) or externalId, page by page. */
  idsByEdge(tenantId: string, edge: 'email' | 'externalId', value: string): AsyncIterable<string[]>;
  /** Writes `next` over `previous`; WriteConflictError when its version moved, UniquenessError on a taken name. */
  replace(previous: UserRecord, next: UserRecord): Promise<void>;
  /** WriteConflictError when its version moved or it is gone. */
  delete(user: UserRecord): Promise<void>;
}

/** Groups (without members) with their displayName guard, externalId edge and the tenant's group count. */
export interface GroupRepository extends ListableRepository<GroupRecord> {
  create(group: GroupRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<GroupRecord | undefined>;
  /** One entry per id, in order; `undefined` where no such group exists. */
  getMany(tenantId: string, ids: string[]): Promise<(GroupRecord | undefined)[]>;
  findByDisplayName(tenantId: string, displayName: string): Promise<GroupRecord | undefined>;
  idsByExternalId(tenantId: string, externalId: string): AsyncIterable<string[]>;
  /** Attribute change conditioned on the version read; memberCount untouched. */
  replaceAttributes(previous: GroupRecord, next: GroupRecord): Promise<void>;
  /** WriteConflictError when it is already gone; members are swept separately. */
  delete(group: GroupRecord): Promise<void>;
}

export interface MembershipChangeResult {
  added: number;
  removed: number;
  /** Users that disappeared meanwhile (skipped, as if deleted right after being added). */
  vanished: string[];
}

/** One edge per (group, member) and its reverse edge; the group's memberCount moves with them. */
export interface MembershipRepository {
  /** Which of these users are members now (strongly consistent). */
  existing(tenantId: string, groupId: string, userIds: string[]): Promise<Set<string>>;
  /** A group's members, page by page (strongly consistent). */
  members(tenantId: string, groupId: string, pageSize?: number): AsyncIterable<MemberRef[]>;
  /** A user's group ids, page by page. */
  groupIdsOf(tenantId: string, userId: string): AsyncIterable<string[]>;
  /** Starts a replace of the whole member set; GroupVanishedError when the group is gone. */
  beginReplace(tenantId: string, groupId: string): Promise<number>;
  /**
   * Adds and removes members idempotently. GroupVanishedError when the group is deleted meanwhile;
   * with a replace ticket, ReplaceSupersededError once a later replace began. `planKnown`: the caller
   * has just read that the adds are absent and the removes present.
   */
  apply(
    tenantId: string,
    groupId: string,
    adds: MemberAdd[],
    removes: string[],
    now: string,
    replaceTicket?: number,
    planKnown?: boolean,
  ): Promise<MembershipChangeResult>;
  /** Removes every membership of a user, fixing the counts; safe to repeat. */
  removeUserEverywhere(tenantId: string, userId: string, now: string): Promise<void>;
  /** Rewrites the `display` on a user's member edges after a rename. */
  refreshDisplay(tenantId: string, userId: string, display: string): Promise<void>;
  /** Removes every member edge of a deleted group; safe to repeat. */
  removeAllOf(tenantId: string, groupId: string): Promise<void>;
  /** Drops reverse edges that point at groups which no longer exist. */
  dropStaleReverseEdges(tenantId: string, userId: string, groupIds: string[]): Promise<void>;
}

/** The console's user search: userName or email prefix, case-insensitive, from the indexes. */
export interface UserSearch {
  search(
    tenantId: string,
    search: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<UserRecord>>;
}

/** The console's reads of a page of users or members; each costs O(page), never O(tenant). */
export interface ConsoleReads {
  /** A cursor of another tenant or search is an InvalidInputError naming `cursor`. */
  searchUsers(
    tenantId: string,
    search: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<UserRecord>>;
  /** The invite records of these users, in order (undefined: never invited). */
  invitesOf(tenantId: string, userIds: string[]): Promise<(InviteRecord | undefined)[]>;
  /** The first `limit` group ids of a user, and whether it has more. */
  firstGroupIdsOf(tenantId: string, userId: string, limit: number): Promise<{ ids: string[]; more: boolean }>;
  /** A page of a group's member ids, continued by a cursor bound to the tenant and the group. */
  memberIdsPage(
    tenantId: string,
    groupId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<string>>;
}

/** One item per tenant; absent means the defaults. */
export interface SettingsRepository {
  get(tenantId: string): Promise<TenantSettings>;
  /** The settings with the revision they were read at (`null`: never saved, the defaults). */
  getForUpdate(tenantId: string): Promise<{ settings: TenantSettings; revision: string | null }>;
  /**
   * Saves the settings and their audit entry in one write, provided they are still at `revision`
   * (WriteConflictError otherwise: the entry's `before` would not be what was replaced).
   */
  put(
    tenantId: string,
    settings: TenantSettings,
    write: { revision: string | null; audit: AuditEntry },
  ): Promise<void>;
}

/** The admin audit trail of a tenant (written by the token and settings repositories with each change). */
export interface AuditRepository {
  /** Newest first; a cursor of another listing or tenant is an InvalidInputError. */
  list(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<AuditEntry>>;
}

export type InviteState = 'pending' | 'sent' | 'failed' | 'delivered' | 'bounced' | 'complained';

/** The states a mail event (SES event publishing) moves a sent invitation to. */
export type MailOutcome = 'delivered' | 'bounced' | 'complained';

/** The invite record of a user: the exactly-once guard of the invitation email. */
export interface InviteRecord {
  state: InviteState;
  attempts: number;
  email: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  lastError?: string;
  /** While a sender holds the lease, nobody else sends; an expired lease means it crashed. */
  leaseUntil: number;
  /** Who holds the lease (conditional takeover). */
  leaseId: string;
  /** SES's MessageId of the latest send: mail events of any other message are stale. */
  messageId?: string;
  /** The nonce of the latest link (a re-send issues a new one: older links read superseded). */
  linkNonce?: string;
  /** When the latest link was used (POST /invite/{token}); absent while it is unused. */
  linkUsedAt?: string;
  /** When the latest mail event (delivery, bounce, complaint) of the current message was recorded. */
  mailEventAt?: string;
}

/** What a successful send leaves on the invite: the message (for mail events) and the link's nonce. */
export interface SentInvite {
  messageId: string;
  linkNonce: string;
}

/** One mail event of a message, as the invite records it. */
export interface MailEventChange {
  /** The state it moves to; undefined: the state stays (a transient bounce), only lastError is set. */
  state: MailOutcome | undefined;
  /** The diagnostic (bounces); clipped by the store. */
  error?: string;
  /** The event's time (ISO 8601). */
  at: string;
}

export interface InviteRepository {
  get(tenantId: string, userId: string): Promise<InviteRecord | undefined>;
  /**
   * Takes the right to send (absent, or pending with an expired lease; `resend` also takes over a sent
   * or failed invite). False when someone else holds it or it was already sent.
   */
  acquire(
    tenantId: string,
    userId: string,
    email: string,
    leaseId: string,
    leaseMs: number,
    resend?: boolean,
  ): Promise<boolean>;
  /**
   * The send succeeded: records the message id and the link's nonce (conditioned on the lease), and
   * the pointer item messageId -> (tenant, user) the mail events are correlated by.
   */
  markSent(tenantId: string, userId: string, leaseId: string, sent: SentInvite): Promise<void>;
  /** A failed attempt: released for a retry (pending) or given up (failed). */
  markAttemptFailed(
    tenantId: string,
    userId: string,
    leaseId: string,
    error: string,
    giveUp: boolean,
  ): Promise<void>;
  /** Whose invitation a message is (the pointer item); undefined when unknown or expired. */
  messageOwner(messageId: string): Promise<{ tenantId: string; userId: string } | undefined>;
  /**
   * Applies a mail event, provided `messageId` is still the invite's message and the move is allowed
   * from its current state (`from`). False when not applied (stale, duplicate, out of order).
   */
  recordMailEvent(
    tenantId: string,
    userId: string,
    messageId: string,
    from: readonly InviteState[],
    change: MailEventChange,
  ): Promise<boolean>;
  /** Uses the link with this nonce once (conditional): false when it is not current or already used. */
  consumeLink(tenantId: string, userId: string, linkNonce: string, at: string): Promise<boolean>;
}

/** Tokens under the tenant (listing, at most 2) and under the secret's hash (authorizer). */
export interface TokenRepository {
  /**
   * Each change below is written together with its audit entry, in one transaction.
   * LimitExceededError when the tenant already holds the maximum.
   */
  create(token: Token, audit: AuditEntry): Promise<void>;
  list(tenantId: string): Promise<Token[]>;
  get(tenantId: string, tokenId: string): Promise<Token | undefined>;
  /** WriteConflictError when the token changed or went meanwhile (also for the two below). */
  setStatus(token: Token, status: TokenStatus, audit: AuditEntry): Promise<Token>;
  replaceSecret(token: Token, newSecretHash: string, newHint: string, audit: AuditEntry): Promise<Token>;
  remove(token: Token, audit: AuditEntry): Promise<void>;
  findByHash(secretHash: string): Promise<TokenByHash | undefined>;
  touch(token: TokenByHash, now: Date): Promise<void>;
}

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends one message and answers the provider's message id (SES MessageId, what its mail events carry);
 * a refusal is a DeliveryFailedError (the SDK already retried throttling).
 */
export type Mailer = (message: MailMessage) => Promise<{ messageId: string }>;

/**
 * Puts change events on the event bus, in the order given. Throws when some could not be put after
 * its retries: the caller (the stream consumer) then fails the record, which is retried whole —
 * harmless, since an event's eventId is the same on every delivery.
 */
export interface EventPublisher {
  publish(events: readonly ChangeEvent[]): Promise<void>;
}
