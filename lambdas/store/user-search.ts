import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorConfig, cursorConfig } from '../config/runtime-config';
import { InvalidInputError } from '../domain/errors';
import type { CursorPage, UserSearch } from '../domain/ports';
import { primaryEmailOf, type UserRecord } from '../domain/user-record';
import { foldIdentifier } from '../scim/identifiers';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { openListingCursor, sealCursor } from './cursor-codec';
import { keys } from './keys';
import { userFromItem } from './user-repository';

type Item = Record<string, unknown>;

/**
 * The console's user search (docs/data-model.md, "User search"): a userName prefix on GSI1
 * (`T#<t>#USERS`, fold(userName)#id) and an email prefix on GSI2 (`T#<t>#UEMAIL`, fold(email)#id),
 * both `begins_with` Queries, merged into one page in sort-key order. A user both streams find is
 * taken from the userName stream only: an email hit whose folded userName also starts with the prefix
 * is skipped. The cursor holds each stream's last consumed key, sealed with the tenant and the search.
 * A page reads O(limit) items: each stream is read `limit + 1` at a time, and the skipped duplicates
 * are bounded by a read budget (past it, a shorter page and a cursor).
 */
export class DynamoUserSearch implements UserSearch {
  private readonly db = getDocumentClient();

  constructor(private readonly cursors: CursorConfig = cursorConfig()) {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async search(
    tenantId: string,
    search: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<UserRecord>> {
    const prefix = foldIdentifier(search);
    const scope = [tenantId, 'users', 'console-search', prefix].join('|');
    const key = await this.cursors.key();
    let position = { u: START, e: START };
    if (cursor) {
      const opened = openListingCursor(
        key,
        scope,
        cursor,
        { names: POSITION, nowSeconds: this.cursors.nowSeconds() },
        { name: 'q', value: prefix },
        'admin',
      );
      position = { u: checkedPosition(opened.u, prefix), e: checkedPosition(opened.e, prefix) };
    }
    const byName = new Stream(this.db, tenantId, 'gsi1', prefix, position.u, limit + 1);
    const byEmail = new Stream(this.db, tenantId, 'gsi2', prefix, position.e, limit + 1);
    // A user found by both is the userName stream's; an item whose key only begins with the prefix
    // because the prefix runs into `#<id>` is no match.
    const nameMatches = (item: Item) => foldIdentifier(String(item.userName)).startsWith(prefix);
    const emailMatches = (item: Item) =>
      foldIdentifier(primaryEmailOf(item.attributes as Item) ?? '').startsWith(prefix) && !nameMatches(item);
    const budget = { reads: 4 * (limit + 1) };
    const users: UserRecord[] = [];
    while (users.length < limit) {
      const a = await byName.peek(nameMatches, budget);
      const b = await byEmail.peek(emailMatches, budget);
      if (a === 'budget' || b === 'budget') break;
      if (!a && !b) break;
      const fromA = a && (!b || a.sortKey < b.sortKey);
      const taken = fromA ? byName.take() : byEmail.take();
      users.push(userFromItem(taken));
    }
    if (byName.exhausted() && byEmail.exhausted()) return { records: users, nextCursor: null };
    const next = { q: prefix, u: byName.position(), e: byEmail.position() };
    return {
      records: users,
      nextCursor: sealCursor(key, scope, next, Math.floor(this.cursors.nowSeconds())),
    };
  }
}

/** The names of a search cursor's position: the folded search and each stream's last key. */
const POSITION = ['q', 'u', 'e'] as const;
/** A stream's position: not started, `k:<last consumed sort key>`, or read to its end. */
const START = 's';
const END = 'x';

/** A position of this search: its key must lie in the search's range, else it is not its cursor. */
function checkedPosition(value: string, prefix: string): string {
  if (value === START || value === END || (value.startsWith('k:') && value.slice(2).startsWith(prefix))) {
    return value;
  }
  const message = 'The cursor is not valid: it belongs to another listing or search';
  throw new InvalidInputError(message, { fields: [{ path: 'cursor', message }] });
}

/** One index Query read lazily in chunks, with the items not yet consumed in a buffer. */
class Stream {
  private buffer: Item[] = [];
  private startKey: Item | undefined;
  private more: boolean;
  private last: string;

  constructor(
    private readonly db: ReturnType<typeof getDocumentClient>,
    private readonly tenantId: string,
    private readonly index: 'gsi1' | 'gsi2',
    private readonly prefix: string,
    position: string,
    private readonly chunk: number,
  ) {
    this.last = position;
    this.more = position !== END;
    if (position.startsWith('k:')) this.startKey = this.keyOf(position.slice(2));
  }

  /** The next matching item (skipping the others, which count as consumed), or null at the end. */
  async peek(
    matches: (item: Item) => boolean,
    budget: { reads: number },
  ): Promise<(Item & { sortKey: string }) | null | 'budget'> {
    for (;;) {
      while (this.buffer.length > 0) {
        const head = this.buffer[0];
        if (matches(head)) return { ...head, sortKey: String(head[`${this.index}sk`]) };
        this.take();
      }
      if (!this.more) return null;
      if (budget.reads <= 0) return 'budget';
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: this.index,
          KeyConditionExpression: `${this.index}pk = :pk AND begins_with(${this.index}sk, :prefix)`,
          ExpressionAttributeValues: { ':pk': this.partition(), ':prefix': this.prefix },
          Limit: this.chunk,
          ExclusiveStartKey: this.startKey,
        }),
      );
      const items = result.Items ?? [];
      budget.reads -= Math.max(1, items.length);
      this.buffer.push(...items);
      this.startKey = result.LastEvaluatedKey;
      this.more = !!this.startKey;
    }
  }

  /** Consumes the head of the buffer. */
  take(): Item {
    const item = this.buffer.shift() as Item;
    this.last = `k:${String(item[`${this.index}sk`])}`;
    return item;
  }

  exhausted(): boolean {
    return this.buffer.length === 0 && !this.more;
  }

  position(): string {
    return this.exhausted() ? END : this.last;
  }

  private partition(): string {
    return this.index === 'gsi1' ? keys.usersIndexPk(this.tenantId) : keys.usersByEmailIndexPk(this.tenantId);
  }

  /** The ExclusiveStartKey after `sortKey` (`<folded value>#<userId>`): the user item's keys and the index's. */
  private keyOf(sortKey: string): Item {
    const userId = sortKey.slice(sortKey.lastIndexOf('#') + 1);
    return {
      ...keys.user(this.tenantId, userId),
      [`${this.index}pk`]: this.partition(),
      [`${this.index}sk`]: sortKey,
    };
  }
}
