import { InvalidInputError, UniquenessError, WriteConflictError } from '../../../lambdas/domain/errors';
import type { GroupRecord } from '../../../lambdas/domain/group-record';
import { compareByIndexKey } from '../../../lambdas/domain/list';
import type {
  CursorPage,
  GroupRepository,
  ListableRepository,
  UserRepository,
} from '../../../lambdas/domain/ports';
import { emailKeys, externalIdOf, type UserRecord } from '../../../lambdas/domain/user-record';
import { foldIdentifier } from '../../../lambdas/scim/identifiers';
import { copy, keyOf, pagesOf, WriteHooks } from './shared';

/**
 * Users and groups as the store keeps them: the record, its name guard (any case), its counter
 * (the count of records), its lookup edges and its GSI1 listing (lower(name) then id).
 */

interface Named {
  tenantId: string;
  id: string;
}

/** Records of one type with their name guard, their counter and their GSI1-like listing. */
abstract class InMemoryListable<T extends Named> extends WriteHooks implements ListableRepository<T> {
  protected readonly items = new Map<string, T>();

  constructor(
    private readonly listing: 'users' | 'groups',
    /** Records per page of `walk` (a DynamoDB page); small values exercise multi-page walks. */
    private readonly pageSize = 100,
  ) {
    super();
  }

  protected abstract nameOf(record: T): string;
  protected abstract takenMessage(record: T): string;

  /** Whether the record exists (what a ConditionCheck on its item sees). */
  has(tenantId: string, id: string): boolean {
    return this.items.has(keyOf(tenantId, id));
  }

  async count(tenantId: string): Promise<number> {
    return this.inTenant(tenantId).length;
  }

  async page(tenantId: string, startIndex: number, count: number, descending: boolean): Promise<T[]> {
    return copy(this.sorted(tenantId, descending).slice(startIndex - 1, startIndex - 1 + count));
  }

  async *walk(tenantId: string, descending: boolean): AsyncGenerator<T[]> {
    yield* pagesOf(copy(this.sorted(tenantId, descending)), this.pageSize);
  }

  async pageByCursor(tenantId: string, limit: number, cursor: string | undefined): Promise<CursorPage<T>> {
    return this.cursorPage(tenantId, limit, cursor, 'console', false);
  }

  /** SCIM cursor paging: like the console's, with its own scope; the fake's cursors never expire. */
  async pageByScimCursor(
    tenantId: string,
    count: number,
    cursor: string | undefined,
    descending: boolean,
  ): Promise<CursorPage<T>> {
    return this.cursorPage(tenantId, count, cursor, 'scim', descending);
  }

  private cursorPage(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
    scope: string,
    descending: boolean,
  ): CursorPage<T> {
    const listing = `${this.listing}|${scope}|${descending ? 'desc' : 'asc'}`;
    const after = cursor === undefined ? undefined : this.decodeCursor(tenantId, cursor, listing);
    const sign = descending ? -1 : 1;
    const rest = this.sorted(tenantId, descending).filter(
      (r) => !after || compareByIndexKey(this.nameOf(r), r.id, after.name, after.id) * sign > 0,
    );
    const records = rest.slice(0, limit);
    const last = records[records.length - 1];
    const nextCursor =
      rest.length > limit && last
        ? Buffer.from(JSON.stringify({ listing, tenantId, name: this.nameOf(last), id: last.id })).toString(
            'base64url',
          )
        : null;
    return { records: copy(records), nextCursor };
  }

  protected inTenant(tenantId: string): T[] {
    return [...this.items.values()].filter((r) => r.tenantId === tenantId);
  }

  protected find(tenantId: string, id: string): T | undefined {
    return copy(this.items.get(keyOf(tenantId, id)));
  }

  protected findByName(tenantId: string, name: string): T | undefined {
    return copy(this.inTenant(tenantId).find((r) => foldIdentifier(this.nameOf(r)) === foldIdentifier(name)));
  }

  protected insert(record: T): void {
    if (this.has(record.tenantId, record.id)) throw new WriteConflictError();
    this.assertNameFree(record);
    this.items.set(keyOf(record.tenantId, record.id), copy(record));
  }

  /** The stored record, provided it is still at the version read (else someone wrote it first). */
  protected current(read: T & { version: number }): T & { version: number } {
    const stored = this.items.get(keyOf(read.tenantId, read.id)) as (T & { version: number }) | undefined;
    if (!stored || stored.version !== read.version) throw new WriteConflictError();
    return stored;
  }

  protected assertNameFree(record: T): void {
    const holder = this.findByName(record.tenantId, this.nameOf(record));
    if (holder && holder.id !== record.id) throw new UniquenessError(this.takenMessage(record));
  }

  private sorted(tenantId: string, descending: boolean): T[] {
    const order = (a: T, b: T) => compareByIndexKey(this.nameOf(a), a.id, this.nameOf(b), b.id);
    return this.inTenant(tenantId).sort((a, b) => order(a, b) * (descending ? -1 : 1));
  }

  private decodeCursor(tenantId: string, cursor: string, listing: string): { name: string; id: string } {
    let decoded: Record<string, unknown> | undefined;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    if (decoded?.listing !== listing || decoded.tenantId !== tenantId) {
      throw new InvalidInputError('cursor is not a cursor of this listing', { scimType: 'invalidCursor' });
    }
    return { name: String(decoded.name), id: String(decoded.id) };
  }
}

export class InMemoryUserRepository extends InMemoryListable<UserRecord> implements UserRepository {
  constructor(pageSize?: number) {
    super('users', pageSize);
  }

  protected nameOf(user: UserRecord): string {
    return user.userName;
  }

  protected takenMessage(user: UserRecord): string {
    return `userName '${user.userName}' is already taken in this tenant`;
  }

  async create(user: UserRecord): Promise<void> {
    await this.write();
    this.insert(user);
  }

  async get(tenantId: string, id: string): Promise<UserRecord | undefined> {
    return this.find(tenantId, id);
  }

  async getMany(tenantId: string, ids: string[]): Promise<UserRecord[]> {
    return ids.map((id) => this.find(tenantId, id)).filter((u): u is UserRecord => !!u);
  }

  async findByUserName(tenantId: string, userName: string): Promise<UserRecord | undefined> {
    return this.findByName(tenantId, userName);
  }

  async *idsByEdge(tenantId: string, edge: 'email' | 'externalId', value: string): AsyncGenerator<string[]> {
    const matches = (user: UserRecord) =>
      edge === 'email'
        ? emailKeys(user.attributes).includes(value.toLowerCase())
        : externalIdOf(user.attributes) === value;
    const ids = this.inTenant(tenantId)
      .filter(matches)
      .map((u) => u.id)
      .sort();
    yield* pagesOf(ids, 100);
  }

  async replace(previous: UserRecord, next: UserRecord): Promise<void> {
    await this.write();
    this.current(previous);
    this.assertNameFree(next);
    this.items.set(keyOf(next.tenantId, next.id), copy(next));
  }

  async delete(user: UserRecord): Promise<void> {
    await this.write();
    this.current(user);
    this.items.delete(keyOf(user.tenantId, user.id));
  }
}

export class InMemoryGroupRepository extends InMemoryListable<GroupRecord> implements GroupRepository {
  constructor(pageSize?: number) {
    super('groups', pageSize);
  }

  protected nameOf(group: GroupRecord): string {
    return group.displayName;
  }

  protected takenMessage(group: GroupRecord): string {
    return `displayName '${group.displayName}' is already taken in this tenant`;
  }

  async create(group: GroupRecord): Promise<void> {
    await this.write();
    this.insert(group);
  }

  async get(tenantId: string, id: string): Promise<GroupRecord | undefined> {
    return this.find(tenantId, id);
  }

  async getMany(tenantId: string, ids: string[]): Promise<(GroupRecord | undefined)[]> {
    return ids.map((id) => this.find(tenantId, id));
  }

  async findByDisplayName(tenantId: string, displayName: string): Promise<GroupRecord | undefined> {
    return this.findByName(tenantId, displayName);
  }

  async *idsByExternalId(tenantId: string, externalId: string): AsyncGenerator<string[]> {
    const ids = this.inTenant(tenantId)
      .filter((g) => externalIdOf(g.attributes) === externalId)
      .map((g) => g.id)
      .sort();
    yield* pagesOf(ids, 100);
  }

  /** Like the store's UPDATE: displayName, attributes, lastModified and version; memberCount stays. */
  async replaceAttributes(previous: GroupRecord, next: GroupRecord): Promise<void> {
    await this.write();
    const stored = this.current(previous);
    this.assertNameFree(next);
    const { displayName, attributes, lastModified, version } = copy(next);
    this.items.set(keyOf(next.tenantId, next.id), {
      ...stored,
      displayName,
      attributes,
      lastModified,
      version,
    });
  }

  /** Not conditioned on the version (as in the store): only on the group still being there. */
  async delete(group: GroupRecord): Promise<void> {
    await this.write();
    if (!this.has(group.tenantId, group.id)) throw new WriteConflictError();
    this.items.delete(keyOf(group.tenantId, group.id));
  }

  /** What the store's count fold does: memberCount moves, and the version (the ETag) with it. */
  moveMemberCount(tenantId: string, id: string, delta: number, now: string): void {
    const stored = this.items.get(keyOf(tenantId, id));
    if (!stored) return;
    this.items.set(keyOf(tenantId, id), {
      ...stored,
      memberCount: stored.memberCount + delta,
      version: stored.version + 1,
      lastModified: now,
    });
  }
}
