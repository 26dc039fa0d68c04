import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { emailKeys, externalIdOf, primaryEmailOf } from '../domain/user-record';
import { getDocumentClient, tableName } from './client';
import {
  batchGetProjected,
  countMemberEdges,
  type Item,
  id,
  type Key,
  repairCounter,
  repairMemberCount,
  sumCounterItems,
} from './consistency-reads';
import { countedGroup, readGroupPartition } from './count-deltas';
import { keys, memberShardOf } from './keys';
import { readCounter, type TenantCounter } from './shared-items';

export { FINDING_KINDS } from './consistency-reads';

/**
 * The consistency checker (`npm run check -- --tenant <id>`, docs/operations.md "Consistency
 * checker"): walks every item of one tenant page by page and reports each broken invariant of
 * docs/data-model.md. Memory is bounded by one page: each page's counterparts are read with one
 * BatchGetItem (strongly consistent, projected), never from a map of the whole tenant.
 *
 * How it walks: the tenant's items live in many partitions (one per user, guard, edge, group, member
 * shard, cursor…) and no index lists guards, edges or cursors, so an orphan (a guard whose user is
 * gone) can only be found by visiting the table itself: a strongly consistent Scan, `Limit` items per
 * page from `ExclusiveStartKey`, filtered to the tenant's keys (`T#<t>`, `T#<t>#…`) and to the items
 * outside them that name the tenant (`TOKENHASH#…`, `MAILMSG#…`: `tenantId`). A group's member count
 * is one `Select: COUNT` Query per member shard, page by page; the tenant counters are the prefix
 * Query of contract 1 (every item of `T#<t>` whose sk starts with `COUNTS`, summed).
 *
 * Checked (finding kinds, `FINDING_KINDS`):
 * - users: userName guard present and pointing at the user; guard whose user is missing, or whose
 *   user's folded userName is another; the GSI1 keys, the GSI2 (email search) keys of the primary
 *   email (a user written before GSI2 lacks them until `npm run admin -- reindex`); an email edge per email and the externalId
 *   edge; email / externalId edges whose user is missing or no longer has that value.
 * - groups: the same for the displayName guard, GSI1 keys and externalId edge; memberCount plus the
 *   pending count deltas equal to the member edges; count deltas of a missing group.
 * - membership: every `M#<user>` edge has its `MEMBEROF#<group>` twin and the reverse; both ends
 *   (user, group) exist; the edge lies in the shard its user id picks.
 * - tenant counters `users`, `groups`, `tokens` equal to the items counted; `readCounter` agrees
 *   with the summed counter items.
 * - tokens: a SHA-256 `secretHash` (64 hex digits) and no plaintext secret attribute; the hash item
 *   exists and agrees (tenant, token, status, idp); a hash item whose token is gone or renewed.
 * - paging cursors: a TTL (`expiresAt`) at most 1 h (+ slack) ahead, and a cursor that is a GSI1
 *   position in the tenant's own users / groups listing. An expired cursor the TTL has not removed
 *   yet (DynamoDB Local never removes them) and a cursor whose position item was deleted since are
 *   harmless (reads ignore the first; an ExclusiveStartKey needs no item) and only counted in stats.
 * - TTL on tombstones, audit entries, request-log entries and counters, mail pointers; no secret hash
 *   in an audit entry's changes.
 * Not findings, counted in stats: invite records of deleted users (a delete leaves them), folded
 * count deltas not yet deleted (readers ignore them), items of a kind the checker does not know.
 *
 * Repair (`repair: true`) fixes counts only: a tenant counter by one delta transaction
 * (`counterUpdate(t, counter, actual - stored)`; tokens by ADD on the counters item), a group's
 * member count the way member chunks do (a count delta item next to the group, then a fold). Every
 * other finding is reported only. Counts are compared while the walk runs: check a quiet tenant.
 */
export interface Finding {
  kind: string;
  message: string;
  keys: { pk: string; sk: string }[];
}
export interface CheckReport {
  tenantId: string;
  findings: Finding[];
  stats: Record<string, number>;
  repaired: Finding[];
}

/** Paging cursors live 1 h (paging-cursors.ts); a later expiry is no cursor the store wrote. */
const CURSOR_TTL_SECONDS = 3600;
const CLOCK_SLACK_SECONDS = 300;
/** A progress line every this many pages. */
const PROGRESS_EVERY = 10;
const PLAINTEXT_FIELDS = ['secret', 'token', 'plaintext', 'plaintextSecret', 'value'];
const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function checkTenant(
  tenantId: string,
  options: { repair?: boolean; pageSize?: number; progress?: (line: string) => void } = {},
): Promise<CheckReport> {
  const report: CheckReport = { tenantId, findings: [], stats: {}, repaired: [] };
  const walk = new Walk(tenantId, report);
  const pageSize = options.pageSize ?? 500;
  let ExclusiveStartKey: Item | undefined;
  let pages = 0;
  do {
    const result = await getDocumentClient().send(
      new ScanCommand({
        TableName: tableName(),
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey,
        FilterExpression: 'begins_with(pk, :prefix) OR pk = :tenant OR tenantId = :t',
        ExpressionAttributeValues: {
          ':prefix': `T#${tenantId}#`,
          ':tenant': `T#${tenantId}`,
          ':t': tenantId,
        },
      }),
    );
    pages++;
    walk.count('scannedItems', result.ScannedCount ?? 0);
    await walk.page(result.Items ?? []);
    ExclusiveStartKey = result.LastEvaluatedKey;
    if (options.progress && (pages % PROGRESS_EVERY === 0 || !ExclusiveStartKey)) {
      options.progress(
        `… ${pages} pages, ${report.stats.scannedItems} items scanned, ${report.stats.tenantItems ?? 0} of tenant ${tenantId}, ${report.findings.length} findings`,
      );
    }
  } while (ExclusiveStartKey);
  report.stats.pages = pages;
  await walk.counters();
  if (options.repair) await repair(report, walk);
  return report;
}

/** Per-page state only (plus the running totals and the count findings' numbers for repair). */
class Walk {
  readonly totals = { users: 0, groups: 0, tokens: 0 };
  /** Group member count findings to repair: the group and the difference (edges − counted). */
  readonly memberCountFixes = new Map<Finding, { groupId: string; delta: number }>();
  readonly counterFixes = new Map<Finding, { counter: TenantCounter | 'tokens'; delta: number }>();
  private readonly prefix: string;

  constructor(
    private readonly t: string,
    private readonly report: CheckReport,
  ) {
    this.prefix = `T#${t}#`;
  }

  count(stat: string, n = 1): void {
    this.report.stats[stat] = (this.report.stats[stat] ?? 0) + n;
  }

  find(kind: string, message: string, ...found: Key[]): Finding {
    const finding = { kind, message, keys: found.map((k) => ({ pk: k.pk, sk: k.sk })) };
    this.report.findings.push(finding);
    return finding;
  }

  /** One Scan page: what each item needs is read in one batch, then every item is checked. */
  async page(items: Item[]): Promise<void> {
    const needed = new Map<string, Key>();
    const need = (k: Key) => needed.set(id(k), k);
    const checks: ((got: (k: Key) => Item | undefined) => void | Promise<void>)[] = [];
    for (const item of items) {
      this.count('tenantItems');
      const check = this.plan(item, need);
      if (check) checks.push(check);
    }
    const found = await batchGetProjected([...needed.values()]);
    const got = (k: Key) => found.get(id(k));
    for (const check of checks) await check(got);
  }

  /** What one item needs read (`need`) and how it is checked then; undefined: nothing to check. */
  private plan(
    item: Item,
    need: (k: Key) => void,
  ): ((got: (k: Key) => Item | undefined) => void | Promise<void>) | undefined {
    const t = this.t;
    const pk = String(item.pk);
    const sk = String(item.sk);
    const self = { pk, sk };
    if (pk === `T#${t}`) {
      if (sk.startsWith('TOKEN#')) return this.planToken(item, self, need);
      if (sk.startsWith(keys.counters(t).sk) || sk === keys.settings(t).sk) return undefined;
      return this.unknown();
    }
    if (pk.startsWith('TOKENHASH#')) return this.planTokenHash(item, self, need);
    if (pk.startsWith('MAILMSG#')) return this.ttl(item, self, 'mail pointer');
    if (!pk.startsWith(this.prefix)) return this.unknown();
    const rest = pk.slice(this.prefix.length);
    const userPartition = /^U#([^#]+)$/.exec(rest);
    if (userPartition) return this.planUserPartition(item, userPartition[1], self, need);
    const groupPartition = /^G#([^#]+)$/.exec(rest);
    if (groupPartition) return this.planGroupPartition(item, groupPartition[1], self, need);
    const m = /^G#([^#]+)#M(\d+)$/.exec(rest);
    if (m && sk.startsWith(keys.memberEdgePrefix)) {
      const [groupId, shard, userId] = [m[1], Number(m[2]), sk.slice(keys.memberEdgePrefix.length)];
      this.count('memberEdges');
      const twin = keys.memberOfEdge(t, userId, groupId);
      const tombstone = keys.deletion(t, 'G', groupId);
      [twin, keys.user(t, userId), keys.group(t, groupId), tombstone].forEach(need);
      return (got) => {
        // A deleted group's edges while its sweep is still due (the DELETE's own, a retried DELETE's
        // or the stream consumer's on the tombstone): not broken, only pending.
        if (!got(keys.group(t, groupId)) && got(tombstone)) return this.count('edgesOfDeletedGroups');
        if (shard !== memberShardOf(userId))
          this.find(
            'memberEdgeWrongShard',
            `member edge of user ${userId} in shard ${shard}, not ${memberShardOf(userId)}`,
            self,
          );
        if (!got(twin))
          this.find(
            'memberEdgeWithoutTwin',
            `group ${groupId} lists user ${userId}, whose MEMBEROF# edge is missing`,
            self,
            twin,
          );
        if (!got(keys.user(t, userId)))
          this.find('membershipUserMissing', `group ${groupId} lists missing user ${userId}`, self);
        if (!got(keys.group(t, groupId)))
          this.find('membershipGroupMissing', `member edge of missing group ${groupId}`, self);
      };
    }
    if (rest.startsWith('UN#') && sk === 'GUARD') {
      const user = keys.user(t, String(item.userId));
      need(user);
      return (got) => {
        const found = got(user);
        if (!found)
          this.find(
            'orphanUserNameGuard',
            `userName guard ${rest.slice(3)} names missing user ${String(item.userId)}`,
            self,
          );
        else if (keys.userNameGuard(t, String(found.userName)).pk !== pk)
          this.find(
            'userNameGuardMismatch',
            `userName guard ${rest.slice(3)} names user ${String(item.userId)}, whose userName is ${String(found.userName)}`,
            self,
            user,
          );
      };
    }
    if (rest.startsWith('GN#') && sk === 'GUARD') {
      const group = keys.group(t, String(item.groupId));
      need(group);
      return (got) => {
        const found = got(group);
        if (!found)
          this.find(
            'orphanDisplayNameGuard',
            `displayName guard ${rest.slice(3)} names missing group ${String(item.groupId)}`,
            self,
          );
        else if (keys.displayNameGuard(t, String(found.displayName)).pk !== pk)
          this.find(
            'displayNameGuardMismatch',
            `displayName guard ${rest.slice(3)} names group ${String(item.groupId)}, whose displayName is ${String(found.displayName)}`,
            self,
            group,
          );
      };
    }
    if (rest.startsWith('EM#') && sk.startsWith('U#')) {
      const userId = sk.slice(2);
      const user = keys.user(t, userId);
      need(user);
      this.count('emailEdges');
      return (got) => {
        const found = got(user);
        const has =
          found &&
          emailKeys((found.attributes as Item | undefined) ?? {}).some((e) => keys.emailEdgePk(t, e) === pk);
        if (!has)
          this.find(
            'orphanEmailEdge',
            `email edge ${rest.slice(3)} names user ${userId}, ${found ? 'who has no such email' : 'who is missing'}`,
            self,
          );
      };
    }
    if (
      (rest.startsWith('EXU#') && sk.startsWith('U#')) ||
      (rest.startsWith('EXG#') && sk.startsWith('G#'))
    ) {
      const isUser = rest.startsWith('EXU#');
      const resourceId = sk.slice(2);
      const resource = isUser ? keys.user(t, resourceId) : keys.group(t, resourceId);
      need(resource);
      this.count('externalIdEdges');
      return (got) => {
        const found = got(resource);
        const externalId = found && externalIdOf((found.attributes as Item | undefined) ?? {});
        if (!externalId || keys.externalIdEdgePk(t, isUser ? 'U' : 'G', externalId) !== pk)
          this.find(
            isUser ? 'orphanUserExternalIdEdge' : 'orphanGroupExternalIdEdge',
            `externalId edge ${rest.slice(4)} names ${isUser ? 'user' : 'group'} ${resourceId}, ${found ? `whose externalId is ${externalId ?? 'absent'}` : 'which is missing'}`,
            self,
          );
      };
    }
    if (rest.startsWith('CUR#')) return this.planCursor(item, self, need);
    if (rest === 'AUDIT') {
      return () => {
        this.ttl(item, self, 'audit entry')?.();
        if (/"(secret|secretHash|token)"\s*:/i.test(JSON.stringify(item.changes ?? {})))
          this.find('secretInAudit', 'audit entry whose changes name a secret', self);
      };
    }
    if (rest === 'REQLOG') return this.ttl(item, self, 'request-log entry');
    if (rest === 'REQSTATS') return this.ttl(item, self, 'request counters');
    return this.unknown();
  }

  private unknown(): undefined {
    this.count('unrecognisedItems');
    return undefined;
  }

  private ttl(item: Item, self: Key, what: string): () => void {
    return () => {
      if (typeof item.expiresAt !== 'number') this.find('missingTtl', `${what} without expiresAt`, self);
    };
  }

  private planUserPartition(item: Item, userId: string, self: Key, need: (k: Key) => void) {
    const t = this.t;
    const user = keys.user(t, userId);
    if (self.sk === user.sk) {
      this.totals.users++;
      const userName = String(item.userName);
      const guard = keys.userNameGuard(t, userName);
      const attributes = (item.attributes as Item | undefined) ?? {};
      const emails = emailKeys(attributes).map((e) => keys.emailEdge(t, e, userId));
      const externalId = externalIdOf(attributes);
      const external = externalId ? keys.externalIdEdge(t, 'U', externalId, userId) : undefined;
      [guard, ...emails, ...(external ? [external] : [])].forEach(need);
      return (got: (k: Key) => Item | undefined) => {
        const found = got(guard);
        if (!found)
          this.find('userWithoutGuard', `user ${userId} (${userName}) has no userName guard`, self, guard);
        else if (found.userId !== userId)
          this.find(
            'userGuardPointsElsewhere',
            `user ${userId}'s userName guard names user ${String(found.userId)}`,
            self,
            guard,
          );
        const index = keys.usersIndex(t, userName, userId);
        if (item.gsi1pk !== index.gsi1pk || item.gsi1sk !== index.gsi1sk)
          this.find(
            'userIndexKeys',
            `user ${userId} has GSI1 keys ${String(item.gsi1pk)} / ${String(item.gsi1sk)}`,
            self,
          );
        const primary = primaryEmailOf(attributes);
        const byEmail: { gsi2pk?: string; gsi2sk?: string } = primary
          ? keys.usersByEmailIndex(t, primary, userId)
          : {};
        if (item.gsi2pk !== byEmail.gsi2pk || item.gsi2sk !== byEmail.gsi2sk)
          this.find('userEmailIndexKeys', `user ${userId} has GSI2 keys ${String(item.gsi2sk)}`, self);
        for (const edge of emails)
          if (!got(edge))
            this.find(
              'userWithoutEmailEdge',
              `user ${userId}'s email ${edge.pk.slice(this.prefix.length + 3)} has no lookup edge`,
              self,
              edge,
            );
        if (external && !got(external))
          this.find(
            'userWithoutExternalIdEdge',
            `user ${userId}'s externalId ${externalId} has no lookup edge`,
            self,
            external,
          );
      };
    }
    if (self.sk.startsWith(keys.memberOfEdgePrefix)) {
      const groupId = self.sk.slice(keys.memberOfEdgePrefix.length);
      this.count('memberOfEdges');
      const twin = keys.memberEdge(t, groupId, userId);
      const tombstone = keys.deletion(t, 'G', groupId);
      [twin, user, keys.group(t, groupId), tombstone].forEach(need);
      return (got: (k: Key) => Item | undefined) => {
        if (!got(keys.group(t, groupId)) && got(tombstone)) return this.count('edgesOfDeletedGroups');
        if (!got(twin))
          this.find(
            'memberOfEdgeWithoutTwin',
            `user ${userId} is MEMBEROF group ${groupId}, which does not list it`,
            self,
            twin,
          );
        if (!got(user)) this.find('membershipUserMissing', `MEMBEROF# edge of missing user ${userId}`, self);
        if (!got(keys.group(t, groupId)))
          this.find('membershipGroupMissing', `user ${userId} is MEMBEROF missing group ${groupId}`, self);
      };
    }
    if (self.sk === keys.invite(t, userId).sk) {
      need(user);
      return (got: (k: Key) => Item | undefined) => {
        if (!got(user)) this.count('invitesOfDeletedUsers');
      };
    }
    if (self.sk === 'DELETED') return this.ttl(item, self, 'tombstone');
    return this.unknown();
  }

  private planGroupPartition(item: Item, groupId: string, self: Key, need: (k: Key) => void) {
    const t = this.t;
    const group = keys.group(t, groupId);
    if (self.sk === group.sk) {
      this.totals.groups++;
      const displayName = String(item.displayName);
      const guard = keys.displayNameGuard(t, displayName);
      const externalId = externalIdOf((item.attributes as Item | undefined) ?? {});
      const external = externalId ? keys.externalIdEdge(t, 'G', externalId, groupId) : undefined;
      [guard, ...(external ? [external] : [])].forEach(need);
      return async (got: (k: Key) => Item | undefined) => {
        const found = got(guard);
        if (!found)
          this.find(
            'groupWithoutGuard',
            `group ${groupId} (${displayName}) has no displayName guard`,
            self,
            guard,
          );
        else if (found.groupId !== groupId)
          this.find(
            'groupGuardPointsElsewhere',
            `group ${groupId}'s displayName guard names group ${String(found.groupId)}`,
            self,
            guard,
          );
        const index = keys.groupsIndex(t, displayName, groupId);
        if (item.gsi1pk !== index.gsi1pk || item.gsi1sk !== index.gsi1sk)
          this.find(
            'groupIndexKeys',
            `group ${groupId} has GSI1 keys ${String(item.gsi1pk)} / ${String(item.gsi1sk)}`,
            self,
          );
        if (external && !got(external))
          this.find(
            'groupWithoutExternalIdEdge',
            `group ${groupId}'s externalId ${externalId} has no lookup edge`,
            self,
            external,
          );
        await this.checkMemberCount(groupId, self);
      };
    }
    if (self.sk.startsWith(keys.countDeltaPrefix)) {
      need(group);
      return (got: (k: Key) => Item | undefined) => {
        const found = got(group);
        if (!found) this.find('orphanCountDelta', `count delta of missing group ${groupId}`, self);
        else if (
          ((found.foldedDeltas as string[] | undefined) ?? []).includes(
            self.sk.slice(keys.countDeltaPrefix.length),
          )
        )
          this.count('foldedDeltasNotDeleted');
        else this.count('pendingDeltas');
      };
    }
    if (self.sk === 'DELETED') return this.ttl(item, self, 'tombstone');
    return this.unknown();
  }

  /** memberCount + pending deltas (as every read counts them) against the edges, counted shard by shard. */
  private async checkMemberCount(groupId: string, self: Key): Promise<void> {
    const { item, deltas } = await readGroupPartition(this.t, groupId);
    if (!item) return; // deleted since the page was read
    const counted = countedGroup(item, deltas).memberCount;
    const edges = await countMemberEdges(this.t, groupId);
    if (edges !== counted) {
      const finding = this.find(
        'memberCountMismatch',
        `group ${groupId} counts ${counted} members, its edges are ${edges}`,
        self,
      );
      this.memberCountFixes.set(finding, { groupId, delta: edges - counted });
    }
  }

  private planToken(item: Item, self: Key, need: (k: Key) => void) {
    this.totals.tokens++;
    const tokenId = self.sk.slice('TOKEN#'.length);
    const hash = typeof item.secretHash === 'string' ? item.secretHash : undefined;
    const hashKey = hash ? keys.tokenByHash(hash) : undefined;
    if (hashKey) need(hashKey);
    return (got: (k: Key) => Item | undefined) => {
      this.plaintext(item, self, `token ${tokenId}`);
      if (!hash || !SHA256_HEX.test(hash)) {
        this.find('tokenWithoutHash', `token ${tokenId} has ${hash ? 'a malformed' : 'no'} secretHash`, self);
        return;
      }
      const found = hashKey && got(hashKey);
      if (
        !found ||
        found.tenantId !== this.t ||
        found.tokenId !== tokenId ||
        found.status !== item.status ||
        (found.idp ?? 'okta') !== (item.idp ?? 'okta')
      )
        this.find(
          'tokenHashMissing',
          `token ${tokenId}'s hash item is ${found ? `for ${String(found.tenantId)}/${String(found.tokenId)}, status ${String(found.status)}, idp ${String(found.idp)}` : 'missing'}`,
          self,
          ...(hashKey ? [hashKey] : []),
        );
    };
  }

  private planTokenHash(item: Item, self: Key, need: (k: Key) => void) {
    const token = keys.token(this.t, String(item.tokenId));
    need(token);
    return (got: (k: Key) => Item | undefined) => {
      this.plaintext(item, self, 'token hash item');
      const found = got(token);
      // A token without a (valid) hash is its own finding (tokenWithoutHash), not this one's.
      const renewed = typeof found?.secretHash === 'string' && SHA256_HEX.test(found.secretHash);
      if (!found || (renewed && keys.tokenByHash(String(found.secretHash)).pk !== self.pk))
        this.find(
          'orphanTokenHash',
          `hash item of token ${String(item.tokenId)}, ${found ? 'renewed since' : 'which is missing'}`,
          self,
        );
    };
  }

  private plaintext(item: Item, self: Key, what: string): void {
    const fields = PLAINTEXT_FIELDS.filter((f) => item[f] !== undefined);
    if (fields.length > 0) this.find('tokenPlaintextSecret', `${what} holds ${fields.join(', ')}`, self);
  }

  private planCursor(item: Item, self: Key, need: (k: Key) => void) {
    this.count('cursors');
    const cursor = item.cursor as Item | undefined;
    const listings = [keys.usersIndexPk(this.t), keys.groupsIndexPk(this.t)];
    const position =
      cursor && typeof cursor === 'object' && typeof cursor.pk === 'string' && typeof cursor.sk === 'string'
        ? { pk: cursor.pk, sk: cursor.sk }
        : undefined;
    const positionOk =
      position?.pk.startsWith(this.prefix) &&
      listings.includes(String(cursor?.gsi1pk)) &&
      typeof cursor?.gsi1sk === 'string';
    if (positionOk && position) need(position);
    return (got: (k: Key) => Item | undefined) => {
      const now = Date.now() / 1000;
      const expiresAt = item.expiresAt;
      if (typeof expiresAt !== 'number')
        this.find('staleCursor', 'paging cursor without expiresAt: the TTL never removes it', self);
      else if (expiresAt > now + CURSOR_TTL_SECONDS + CLOCK_SLACK_SECONDS)
        this.find(
          'staleCursor',
          `paging cursor expiring ${Math.round(expiresAt - now)} s from now (the store writes 1 h)`,
          self,
        );
      else if (expiresAt < now) this.count('expiredCursorsAwaitingTtl');
      if (!positionOk)
        this.find(
          'staleCursor',
          "paging cursor that is no position in the tenant's users or groups listing",
          self,
        );
      else if (position && !got(position)) this.count('cursorsAtDeletedItems');
    };
  }

  /** The tenant counters (summed over every counter item, contract 1) against the items counted. */
  async counters(): Promise<void> {
    const { stored, counterKeys } = await sumCounterItems(this.t);
    const counterKey = keys.counters(this.t);
    const at = counterKeys.length > 0 ? counterKeys : [counterKey];
    for (const c of ['users', 'groups', 'tokens'] as const) {
      this.report.stats[c] = this.totals[c];
      if (stored[c] !== this.totals[c]) {
        const finding = this.find(
          'tenantCounterMismatch',
          `tenant counter ${c} is ${stored[c]}, the tenant holds ${this.totals[c]}`,
          ...at,
        );
        this.counterFixes.set(finding, { counter: c, delta: this.totals[c] - stored[c] });
      }
    }
    for (const c of ['users', 'groups'] as const) {
      const read = await readCounter(this.t, c);
      if (read !== Math.max(0, stored[c]))
        this.find(
          'counterReadMismatch',
          `readCounter(${c}) is ${read}, the counter items sum to ${stored[c]}`,
          ...at,
        );
    }
  }
}

/** Fixes counts only: each fix is one delta, so a concurrent create or member change is not lost. */
async function repair(report: CheckReport, walk: Walk): Promise<void> {
  for (const [finding, fix] of walk.counterFixes) {
    await repairCounter(report.tenantId, fix.counter, fix.delta);
    report.repaired.push({ ...finding, message: `${finding.message}: added ${fix.delta}` });
  }
  for (const [finding, fix] of walk.memberCountFixes) {
    await repairMemberCount(report.tenantId, fix.groupId, fix.delta);
    report.repaired.push({ ...finding, message: `${finding.message}: added ${fix.delta}` });
  }
}
