import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorConfig, cursorConfig } from '../config/runtime-config';
import { InvalidInputError } from '../domain/errors';
import type { ConsoleReads, CursorPage, InviteRecord } from '../domain/ports';
import type { UserRecord } from '../domain/user-record';
import { batchGet } from './batch';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { openListingCursor, sealCursor } from './cursor-codec';
import { keys, MEMBER_SHARDS } from './keys';
import { DynamoUserSearch } from './user-search';

type Item = Record<string, unknown>;

/**
 * The reads of the console's Users and User groups pages that the SCIM side has no use for, each
 * bounded by the page (docs/data-model.md, "Console reads"): the user search, the invitations of a
 * page of users (one BatchGet), the first groups of each user (one Query per user, in parallel), and a
 * group's members walked shard by shard with a sealed cursor.
 */
export class DynamoConsoleReads implements ConsoleReads {
  private readonly db = getDocumentClient();
  private readonly userSearch: DynamoUserSearch;

  constructor(private readonly cursors: CursorConfig = cursorConfig()) {
    this.userSearch = new DynamoUserSearch(cursors);
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  searchUsers(
    tenantId: string,
    search: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<UserRecord>> {
    return this.userSearch.search(tenantId, search, limit, cursor);
  }

  async invitesOf(tenantId: string, userIds: string[]): Promise<(InviteRecord | undefined)[]> {
    const items = await batchGet(userIds.map((id) => keys.invite(tenantId, id)));
    return items as (InviteRecord | undefined)[];
  }

  /** One Query of the user's partition, `limit + 1` reverse edges: the ids and whether there are more. */
  async firstGroupIdsOf(
    tenantId: string,
    userId: string,
    limit: number,
  ): Promise<{ ids: string[]; more: boolean }> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)',
        ExpressionAttributeValues: {
          ':pk': keys.userPartition(tenantId, userId),
          ':g': keys.memberOfEdgePrefix,
        },
        ProjectionExpression: 'groupId',
        Limit: limit + 1,
      }),
    );
    const ids = (result.Items ?? []).map((i) => i.groupId as string);
    return { ids: ids.slice(0, limit), more: ids.length > limit };
  }

  /**
   * A page of a group's member ids: the shards `T#<t>#G#<id>#M0..7` in order, each from the key after
   * the last one given. The cursor `{g, s, k}` (group, shard, last sort key) is sealed with the tenant.
   */
  async memberIdsPage(
    tenantId: string,
    groupId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<string>> {
    const scope = [tenantId, 'group-members', groupId].join('|');
    const key = await this.cursors.key();
    let shard = 0;
    let startKey: Item | undefined;
    if (cursor) {
      const position = openListingCursor(
        key,
        scope,
        cursor,
        { names: MEMBER_POSITION, nowSeconds: this.cursors.nowSeconds() },
        { name: 'g', value: groupId },
        'admin',
      );
      if (!/^[0-7]$/.test(position.s) || !position.k.startsWith(keys.memberEdgePrefix)) {
        const message = 'The cursor is not valid: malformed';
        throw new InvalidInputError(message, { fields: [{ path: 'cursor', message }] });
      }
      shard = Number(position.s);
      const pk = keys.memberPartitions(tenantId, groupId)[shard];
      // `M#` starts the shard from its beginning.
      startKey = position.k === keys.memberEdgePrefix ? undefined : { pk, sk: position.k };
    }
    const partitions = keys.memberPartitions(tenantId, groupId);
    const ids: string[] = [];
    let lastSk: string | undefined;
    while (shard < MEMBER_SHARDS) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ExpressionAttributeValues: { ':pk': partitions[shard], ':m': keys.memberEdgePrefix },
          ProjectionExpression: 'sk, userId',
          Limit: limit - ids.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        ids.push(item.userId as string);
        lastSk = item.sk as string;
      }
      startKey = result.LastEvaluatedKey;
      // A shard read to its end: the next one starts from its beginning.
      if (!startKey) {
        shard++;
        lastSk = undefined;
      }
      // Full page: the cursor continues after its last key (or at the next shard's start).
      if (ids.length >= limit) break;
    }
    if (shard >= MEMBER_SHARDS) return { records: ids, nextCursor: null };
    const next = { g: groupId, s: String(shard), k: lastSk ?? keys.memberEdgePrefix };
    return { records: ids, nextCursor: sealCursor(key, scope, next, Math.floor(this.cursors.nowSeconds())) };
  }
}

/** A member cursor: the group, the shard, and the last sort key read in it (`M#` = from its start). */
const MEMBER_POSITION = ['g', 's', 'k'] as const;
