import { GroupVanishedError, ReplaceSupersededError } from '../../../lambdas/domain/errors';
import type { MemberAdd, MemberRef } from '../../../lambdas/domain/group-record';
import type { MembershipChangeResult, MembershipRepository } from '../../../lambdas/domain/ports';
import type { InMemoryGroupRepository, InMemoryUserRepository } from './resources';
import { keyOf, pagesOf, WriteHooks } from './shared';

/**
 * Edges (group -> member with its display) and reverse edges (user -> group ids, possibly stale), as
 * lambdas/store/membership-repository.ts keeps them: changes are idempotent, only real changes move
 * memberCount (and bump the group's version), a member that is no longer a user is skipped as
 * vanished, a deleted group is a GroupVanishedError, a replace ticket superseded by a later
 * beginReplace is a ReplaceSupersededError. Unlike the store, `apply` lands all at once (the store
 * writes chunks of 100 items, so a failure there can leave part of a change applied), and `planKnown`
 * is ignored (the store re-plans from a read whenever that plan was wrong).
 */
export class InMemoryMembershipRepository extends WriteHooks implements MembershipRepository {
  private readonly edges = new Map<string, Map<string, string | undefined>>();
  private readonly reverse = new Map<string, Set<string>>();
  private readonly tickets = new Map<string, number>();

  constructor(
    private readonly users: InMemoryUserRepository,
    private readonly groups: InMemoryGroupRepository,
  ) {
    super();
  }

  async existing(tenantId: string, groupId: string, userIds: string[]): Promise<Set<string>> {
    const members = this.membersOf(tenantId, groupId);
    return new Set(userIds.filter((id) => members.has(id)));
  }

  async *members(tenantId: string, groupId: string, pageSize = 1000): AsyncGenerator<MemberRef[]> {
    const refs = [...this.membersOf(tenantId, groupId)]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([value, display]) => ({ value, display }));
    yield* pagesOf(refs, pageSize);
  }

  async *groupIdsOf(tenantId: string, userId: string): AsyncGenerator<string[]> {
    yield* pagesOf([...this.groupsOf(tenantId, userId)].sort(), 100);
  }

  async beginReplace(tenantId: string, groupId: string): Promise<number> {
    await this.write();
    if (!this.groups.has(tenantId, groupId)) throw new GroupVanishedError();
    const ticket = (this.tickets.get(keyOf(tenantId, groupId)) ?? 0) + 1;
    this.tickets.set(keyOf(tenantId, groupId), ticket);
    return ticket;
  }

  async apply(
    tenantId: string,
    groupId: string,
    adds: MemberAdd[],
    removes: string[],
    now: string,
    replaceTicket?: number,
  ): Promise<MembershipChangeResult> {
    await this.write();
    const members = this.membersOf(tenantId, groupId);
    const leaving = [...new Set(removes)].filter((id) => members.has(id));
    const joining = adds.filter((a) => !members.has(a.userId));
    // Like the store: only real changes are written (and checked against the group).
    if (leaving.length + joining.length === 0) return { added: 0, removed: 0, vanished: [] };
    if (!this.groups.has(tenantId, groupId)) throw new GroupVanishedError();
    if (replaceTicket !== undefined && replaceTicket !== this.tickets.get(keyOf(tenantId, groupId))) {
      throw new ReplaceSupersededError();
    }
    for (const userId of leaving) this.unlink(tenantId, groupId, userId);
    const vanished: string[] = [];
    let added = 0;
    for (const add of joining) {
      if (members.has(add.userId)) continue;
      if (!this.users.has(tenantId, add.userId)) vanished.push(add.userId);
      else {
        this.link(tenantId, groupId, add);
        added++;
      }
    }
    if (added + leaving.length > 0) {
      this.groups.moveMemberCount(tenantId, groupId, added - leaving.length, now);
    }
    return { added, removed: leaving.length, vanished };
  }

  async removeUserEverywhere(tenantId: string, userId: string, now: string): Promise<void> {
    await this.write();
    for (const groupId of [...this.groupsOf(tenantId, userId)]) {
      const counted = this.membersOf(tenantId, groupId).has(userId) && this.groups.has(tenantId, groupId);
      this.unlink(tenantId, groupId, userId);
      if (counted) this.groups.moveMemberCount(tenantId, groupId, -1, now);
    }
  }

  async refreshDisplay(tenantId: string, userId: string, display: string): Promise<void> {
    await this.write();
    for (const groupId of this.groupsOf(tenantId, userId)) {
      const members = this.membersOf(tenantId, groupId);
      if (members.has(userId)) members.set(userId, display);
    }
  }

  async removeAllOf(tenantId: string, groupId: string): Promise<void> {
    await this.write();
    for (const userId of [...this.membersOf(tenantId, groupId).keys()]) {
      this.unlink(tenantId, groupId, userId);
    }
  }

  async dropStaleReverseEdges(tenantId: string, userId: string, groupIds: string[]): Promise<void> {
    await this.write();
    for (const groupId of groupIds) this.groupsOf(tenantId, userId).delete(groupId);
  }

  private membersOf(tenantId: string, groupId: string): Map<string, string | undefined> {
    const key = keyOf(tenantId, groupId);
    if (!this.edges.has(key)) this.edges.set(key, new Map());
    return this.edges.get(key) as Map<string, string | undefined>;
  }

  private groupsOf(tenantId: string, userId: string): Set<string> {
    const key = keyOf(tenantId, userId);
    if (!this.reverse.has(key)) this.reverse.set(key, new Set());
    return this.reverse.get(key) as Set<string>;
  }

  private link(tenantId: string, groupId: string, add: MemberAdd): void {
    this.membersOf(tenantId, groupId).set(add.userId, add.display);
    this.groupsOf(tenantId, add.userId).add(groupId);
  }

  private unlink(tenantId: string, groupId: string, userId: string): void {
    this.membersOf(tenantId, groupId).delete(userId);
    this.groupsOf(tenantId, userId).delete(groupId);
  }
}
