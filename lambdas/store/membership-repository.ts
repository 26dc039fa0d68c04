import {
  GetCommand,
  QueryCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { GroupVanishedError, ReplaceSupersededError } from '../domain/errors';
import type { MemberAdd, MemberRef } from '../domain/group-record';
import type { MembershipChangeResult, MembershipRepository } from '../domain/ports';
import { fitsKey, STORAGE_LIMITS } from '../domain/storage-limits';
import { batchDelete, batchGet } from './batch';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { DELTAS_PER_FOLD, deltaItem, FoldContendedError, foldCounts } from './count-deltas';
import { cancellationReasons, isConditionalCheckFailed } from './errors';
import { keys } from './keys';
import { transactWrite } from './transact';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Items per transaction: an add is 3 (edge, reverse edge, user check), a remove 2, plus 2 for the
 * chunk's count (the group check and the chunk's delta item).
 */
const ITEMS_PER_TRANSACTION = 100;
const ITEMS_PER_CHUNK_COUNT = 2;
const ITEMS_PER_ADD = 3;
const ITEMS_PER_REMOVE = 2;
const MAX_CHUNK_ATTEMPTS = 8;
/** Chunks written at once. They share no item (the group is only checked), so they do not conflict. */
const PARALLEL_CHUNKS = 4;

/**
 * Membership edges (docs/data-model.md): `M#<user>` in the group's partition (members of a group) and
 * `MEMBEROF#<group>` in the user's partition (groups of a user). Every change writes both edges and
 * a count delta (folded into the group's memberCount afterwards) in one transaction, with conditions
 * on the edges, so the count moves only for edges that really changed, whatever runs concurrently.
 */
export class DynamoMembershipRepository implements MembershipRepository {
  private readonly db = getDocumentClient();

  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  /** Which of these users are members now (strongly consistent). */
  async existing(tenantId: string, groupId: string, userIds: string[]): Promise<Set<string>> {
    const storable = userIds.filter((id) => fitsKey(id, STORAGE_LIMITS.lookupValueBytes));
    const items = await batchGet(storable.map((id) => keys.memberEdge(tenantId, groupId, id)));
    return new Set(items.filter((i) => !!i).map((i) => i?.userId as string));
  }

  /**
   * Members of a group, page by page (a Query per member partition, user-id order within each). Strongly
   * consistent: `replace` computes who leaves from it, a group's delete sweeps its edges with it, and
   * a client reading right after its own write must see it (a default Query may miss recent edges).
   */
  async *members(tenantId: string, groupId: string, pageSize = 1000): AsyncGenerator<MemberRef[]> {
    for (const pk of keys.memberPartitions(tenantId, groupId)) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const result = await this.db.send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
            ExpressionAttributeValues: { ':pk': pk, ':m': keys.memberEdgePrefix },
            ProjectionExpression: 'userId, display',
            ConsistentRead: true,
            Limit: pageSize,
            ExclusiveStartKey,
          }),
        );
        const page = (result.Items ?? []).map((i) => ({
          value: i.userId as string,
          display: i.display as string | undefined,
        }));
        if (page.length > 0) yield page;
        ExclusiveStartKey = result.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }

  /** Group ids of a user, page by page (Query on the user's partition). */
  async *groupIdsOf(tenantId: string, userId: string): AsyncGenerator<string[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)',
          ExpressionAttributeValues: {
            ':pk': keys.userPartition(tenantId, userId),
            ':g': keys.memberOfEdgePrefix,
          },
          ProjectionExpression: 'groupId',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      const ids = (result.Items ?? []).map((i) => i.groupId as string);
      if (ids.length > 0) yield ids;
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /**
   * Starts a replace of the whole member set and returns its ticket. A replace removes "everyone
   * else" from a scan, so two replaces running at once would each miss the other's adds and leave the
   * union of both sets. With tickets they serialise: every chunk of a replace is conditioned on its
   * ticket still being the latest, so once a later replace has started (and begins its scan, which
   * sees every chunk committed before), the earlier one's remaining chunks cannot land.
   */
  async beginReplace(tenantId: string, groupId: string): Promise<number> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.group(tenantId, groupId),
          UpdateExpression: 'ADD replaceSeq :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return result.Attributes?.replaceSeq as number;
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new GroupVanishedError({ cause: error });
      throw error;
    }
  }

  /**
   * Adds and removes members in transactions of at most 100 items, 4 in flight. Each is idempotent
   * (put-if-absent, delete-if-present); when a condition fails because a concurrent request got there
   * first, the chunk is re-planned from a fresh read and retried. Returns the ids of users that
   * disappeared meanwhile (skipped: as if deleted right after being added). With a replace ticket
   * (see beginReplace), a chunk lands only while no later replace has started; else
   * ReplaceSupersededError.
   */
  async apply(
    tenantId: string,
    groupId: string,
    adds: MemberAdd[],
    removes: string[],
    now: string,
    replaceTicket?: number,
    /** True when the caller knows the adds are absent and the removes present (fresh consistent read). */
    planKnown = false,
  ): Promise<MembershipChangeResult> {
    let added = 0;
    let removed = 0;
    const vanished: string[] = [];
    const changes: Change[] = [
      ...removes.map((userId) => ({ kind: 'remove' as const, userId })),
      ...adds.map((add) => ({ kind: 'add' as const, add })),
    ];
    const chunks = chunksOf(changes);
    let failure: unknown;
    const writeChunk = async (initial: Change[]): Promise<void> => {
      let chunk = initial;
      for (let attempt = 1; chunk.length > 0 && !failure; attempt++) {
        // Plan from what is there now, so only real changes touch the count. A caller that has just
        // read the membership (replace) may skip that read on the first attempt: the conditions on
        // the edges still catch any difference, and a cancelled chunk is re-planned from a read.
        let effective = chunk;
        if (!(planKnown && attempt === 1)) {
          const ids = chunk.map((c) => (c.kind === 'add' ? c.add.userId : c.userId));
          const present = await this.existing(tenantId, groupId, ids);
          effective = chunk.filter((c) =>
            c.kind === 'add' ? !present.has(c.add.userId) : present.has(c.userId),
          );
        }
        if (effective.length === 0) return;
        const items = effective.flatMap((c) =>
          c.kind === 'add' ? addItems(tenantId, groupId, c.add) : removeItems(tenantId, groupId, c.userId),
        );
        const edges = {
          added: effective.flatMap((c) => (c.kind === 'add' ? [c.add.userId] : [])),
          removed: effective.flatMap((c) => (c.kind === 'remove' ? [c.userId] : [])),
        };
        items.push(...chunkCount(tenantId, groupId, edges, now, replaceTicket));
        try {
          await transactWrite(items);
          added += effective.filter((c) => c.kind === 'add').length;
          removed += effective.filter((c) => c.kind === 'remove').length;
          return;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons || attempt >= MAX_CHUNK_ATTEMPTS) throw error;
          // The group check (second-to-last item) failed: the group is gone, or a later replace began.
          if (reasons[reasons.length - ITEMS_PER_CHUNK_COUNT] === 'ConditionalCheckFailed') {
            if (replaceTicket !== undefined && (await this.groupExists(tenantId, groupId))) {
              throw new ReplaceSupersededError({ cause: error });
            }
            throw new GroupVanishedError({ cause: error });
          }
          // A user check failed: that user was deleted meanwhile; drop it and re-plan the rest.
          const gone = userChecksFailed(effective, reasons);
          vanished.push(...gone);
          chunk = chunk.filter((c) => c.kind !== 'add' || !gone.includes(c.add.userId));
        }
      }
    };
    const worker = async () => {
      for (let chunk = chunks.shift(); chunk && !failure; chunk = chunks.shift()) {
        try {
          await writeChunk(chunk);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, worker));
    } finally {
      // Whatever landed is counted: readers add the deltas at once; folding them settles the item.
      // A fold that keeps losing its race to other writers of the group (a burst of renames amid
      // member changes) leaves that to the stream consumer's fold: the change itself has landed.
      if (added + removed > 0)
        await this.foldCounts(tenantId, groupId).catch((error: unknown) => {
          // (`this` is the store boundary, which wraps the error: the cause says what it was.)
          const cause = error instanceof Error ? error.cause : undefined;
          if (!(error instanceof FoldContendedError || cause instanceof FoldContendedError)) throw error;
        });
    }
    if (failure) throw failure;
    return { added, removed, vanished };
  }

  /**
   * Removes every membership of a user (user deletion): each edge pair and a count delta of -1 (naming
   * the user as removed: the group's member_removed event) in one small transaction, then that
   * group's count is folded; safe to run again (edges already gone are skipped).
   */
  async removeUserEverywhere(tenantId: string, userId: string, now: string): Promise<void> {
    for await (const groupIds of this.groupIdsOf(tenantId, userId)) {
      for (const groupId of groupIds) {
        try {
          await transactWrite([
            ...removeItems(tenantId, groupId, userId),
            ...chunkCount(tenantId, groupId, { added: [], removed: [userId] }, now),
          ]);
        } catch (error) {
          const reasons = cancellationReasons(error);
          // Only a failed condition means "already gone"; a conflict left over after the retries must
          // not drop the edges without counting them out (the user's DELETE fails and is retried).
          if (!reasons?.includes('ConditionalCheckFailed')) throw error;
          // The group is gone (its count cannot move) or the edge is already gone: just drop what is left.
          await batchDelete([
            keys.memberEdge(tenantId, groupId, userId),
            keys.memberOfEdge(tenantId, userId, groupId),
          ]);
          continue;
        }
        await this.foldCounts(tenantId, groupId);
      }
    }
  }

  /**
   * Rewrites the `display` kept on a user's member edges (after a rename of the user), one small
   * conditional update per group it is in: O(its groups). Edges removed meanwhile are skipped.
   */
  async refreshDisplay(tenantId: string, userId: string, display: string): Promise<void> {
    for await (const groupIds of this.groupIdsOf(tenantId, userId)) {
      for (const groupId of groupIds) {
        try {
          await this.db.send(
            new UpdateCommand({
              TableName: tableName(),
              Key: keys.memberEdge(tenantId, groupId, userId),
              UpdateExpression: 'SET display = :display',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':display': display },
            }),
          );
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
    }
  }

  /** Removes every member edge of a deleted group, page by page, with both edges of each pair. */
  async removeAllOf(tenantId: string, groupId: string): Promise<void> {
    for await (const page of this.members(tenantId, groupId, 500)) {
      await batchDelete(
        page.flatMap((m) => [
          keys.memberEdge(tenantId, groupId, m.value),
          keys.memberOfEdge(tenantId, m.value, groupId),
        ]),
      );
    }
    for (
      let deltas = await this.deltaItems(tenantId, groupId);
      deltas.length > 0;
      deltas = await this.deltaItems(tenantId, groupId)
    ) {
      await batchDelete(deltas.map((d) => ({ pk: d.pk as string, sk: d.sk as string })));
    }
  }

  /**
   * Folds the chunks' delta items into the group's memberCount (see count-deltas.ts). Readers already
   * count pending deltas; folding keeps the group item (and the listings that read its index copy)
   * exact. The stream consumer folds too, so deltas a dead request left behind do not wait.
   */
  async foldCounts(tenantId: string, groupId: string): Promise<void> {
    await foldCounts(tenantId, groupId);
  }

  private async deltaItems(tenantId: string, groupId: string): Promise<Record<string, unknown>[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
        ExpressionAttributeValues: {
          ':pk': keys.groupPartition(tenantId, groupId),
          ':d': keys.countDeltaPrefix,
        },
        ConsistentRead: true,
        Limit: DELTAS_PER_FOLD,
      }),
    );
    return result.Items ?? [];
  }

  private async groupExists(tenantId: string, groupId: string): Promise<boolean> {
    const result = await this.db.send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.group(tenantId, groupId),
        ProjectionExpression: 'pk',
        ConsistentRead: true,
      }),
    );
    return !!result.Item;
  }

  /** Drops reverse edges that point at groups which no longer exist (lazy cleanup on read). */
  async dropStaleReverseEdges(tenantId: string, userId: string, groupIds: string[]): Promise<void> {
    await batchDelete(groupIds.map((groupId) => keys.memberOfEdge(tenantId, userId, groupId)));
  }
}

type Change = { kind: 'add'; add: MemberAdd } | { kind: 'remove'; userId: string };

/** Splits changes into transactions that stay within DynamoDB's 100-item limit. */
function chunksOf(changes: Change[]): Change[][] {
  const chunks: Change[][] = [];
  let current: Change[] = [];
  let items = ITEMS_PER_CHUNK_COUNT;
  for (const change of changes) {
    const size = change.kind === 'add' ? ITEMS_PER_ADD : ITEMS_PER_REMOVE;
    if (items + size > ITEMS_PER_TRANSACTION) {
      chunks.push(current);
      current = [];
      items = ITEMS_PER_CHUNK_COUNT;
    }
    current.push(change);
    items += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function addItems(tenantId: string, groupId: string, add: MemberAdd): TransactItem[] {
  const TableName = tableName();
  return [
    {
      Put: {
        TableName,
        Item: {
          ...keys.memberEdge(tenantId, groupId, add.userId),
          type: 'member',
          groupId,
          userId: add.userId,
          display: add.display,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName,
        Item: {
          ...keys.memberOfEdge(tenantId, add.userId, groupId),
          type: 'memberOf',
          groupId,
          userId: add.userId,
        },
      },
    },
    // The member must still be a user of this tenant when the edge is written.
    {
      ConditionCheck: {
        TableName,
        Key: keys.user(tenantId, add.userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
  ];
}

function removeItems(tenantId: string, groupId: string, userId: string): TransactItem[] {
  const TableName = tableName();
  return [
    {
      Delete: {
        TableName,
        Key: keys.memberEdge(tenantId, groupId, userId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Delete: { TableName, Key: keys.memberOfEdge(tenantId, userId, groupId) } },
  ];
}

/**
 * The count of one chunk, without writing the group item (so parallel chunks never conflict): a check
 * that the group still exists (and, for a replace, that no later replace began) and a delta item
 * that foldCounts adds to memberCount afterwards.
 */
function chunkCount(
  tenantId: string,
  groupId: string,
  edges: { added: string[]; removed: string[] },
  now: string,
  replaceTicket?: number,
): TransactItem[] {
  const ticketed = replaceTicket !== undefined;
  return [
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.group(tenantId, groupId),
        ConditionExpression: ticketed
          ? 'attribute_exists(pk) AND replaceSeq = :ticket'
          : 'attribute_exists(pk)',
        ...(ticketed ? { ExpressionAttributeValues: { ':ticket': replaceTicket } } : {}),
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: deltaItem(tenantId, groupId, edges.added.length - edges.removed.length, now, edges),
      },
    },
  ];
}

/** Maps cancellation reasons back to the adds whose user check (3rd item of each add) failed. */
function userChecksFailed(
  effective: ({ kind: 'add'; add: MemberAdd } | { kind: 'remove'; userId: string })[],
  reasons: string[],
): string[] {
  const gone: string[] = [];
  let index = 0;
  for (const change of effective) {
    if (change.kind === 'add') {
      if (reasons[index + 2] === 'ConditionalCheckFailed') gone.push(change.add.userId);
      index += 3;
    } else {
      index += 2;
    }
  }
  return gone;
}
