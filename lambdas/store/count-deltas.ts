import { randomBytes } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchDelete } from './batch';
import { getDocumentClient, tableName } from './client';
import { keys } from './keys';
import { originStamp } from './shared-items';

/**
 * A group's member count (docs/data-model.md, "The member count lives on the group item"): member
 * chunks write count-delta items (`DELTA#<id>`) next to the group item; a fold adds them to
 * memberCount. A delta that a dead request left behind must count at once, so every read of a group
 * reads its whole partition (the group item and its deltas) in one strongly consistent Query and
 * adds what is pending; folds change nothing a reader sees.
 *
 * The group item keeps the ids of the deltas its last fold counted (`foldedDeltas`); those deltas are
 * deleted right after the fold, and a reader ignores any it still sees. A Query is read-committed
 * item by item (a transaction's items may be seen half-applied), so the fold writes only the group
 * item: whatever a reader sees of it and of the deltas, it counts each delta exactly once.
 */

/** Deltas counted by one fold: the group item keeps their ids, so a long list would bloat it. */
export const DELTAS_PER_FOLD = 99;
const MAX_FOLD_ATTEMPTS = 8;

export interface CountDelta {
  id: string;
  delta: number;
  /** When its chunk was written (the request's time); moves lastModified. Absent on old deltas. */
  at?: string;
}

/** What a reader sees: the group item's count, version and lastModified plus its pending deltas. */
export interface CountedGroup {
  memberCount: number;
  version: number;
  lastModified: string;
  /** Deltas not folded yet. */
  pending: CountDelta[];
}

/** A fresh delta id: 96 random bits (unique within one group), short because folds list them. */
export function newDeltaId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * A chunk's delta item. Besides the count it keeps the member ids the chunk really added and removed
 * (its edges' conditions held) and the request's origin: its stream INSERT is the chunk's member events
 * (docs/events.md). A chunk holds at most 49 changes, so the lists stay small.
 */
export function deltaItem(
  tenantId: string,
  groupId: string,
  delta: number,
  at: string,
  edges: { added: string[]; removed: string[] } = { added: [], removed: [] },
) {
  return {
    ...keys.countDelta(tenantId, groupId, newDeltaId()),
    type: 'countDelta',
    tenantId,
    groupId,
    delta,
    at,
    // Empty lists are left out (DynamoDB Local's stream hands an empty list back as an empty value).
    ...(edges.added.length > 0 ? { added: edges.added } : {}),
    ...(edges.removed.length > 0 ? { removed: edges.removed } : {}),
    ...originStamp(),
  };
}

/** The group a delta item (from the stream) belongs to; deltas written before they named it: its key. */
export function groupOfDelta(item: Record<string, unknown>): { tenantId: string; groupId: string } {
  if (typeof item.tenantId === 'string' && typeof item.groupId === 'string') {
    return { tenantId: item.tenantId, groupId: item.groupId };
  }
  const match = /^T#([^#]+)#G#([^#]+)$/.exec(String(item.pk));
  if (!match) throw new Error(`not a count delta: ${String(item.pk)}`);
  return { tenantId: match[1], groupId: match[2] };
}

export function deltaOf(item: Record<string, unknown>): CountDelta {
  return {
    id: (item.sk as string).slice(keys.countDeltaPrefix.length),
    delta: (item.delta as number | undefined) ?? 0,
    ...(typeof item.at === 'string' ? { at: item.at } : {}),
  };
}

/**
 * The exact state of a group (pure): memberCount plus every pending delta; the version counts one per
 * pending delta (a fold adds exactly that many, so the ETag neither moves nor repeats when it folds);
 * lastModified is the latest of the item's and the pending deltas'.
 */
export function countedGroup(item: Record<string, unknown>, deltas: CountDelta[]): CountedGroup {
  const folded = new Set((item.foldedDeltas as string[] | undefined) ?? []);
  const pending = deltas.filter((d) => !folded.has(d.id));
  let lastModified = item.lastModified as string;
  for (const d of pending) if (d.at && d.at > lastModified) lastModified = d.at;
  return {
    memberCount: ((item.memberCount as number | undefined) ?? 0) + pending.reduce((s, d) => s + d.delta, 0),
    version: (item.version as number) + pending.length,
    lastModified,
    pending,
  };
}

/**
 * The group item and its count deltas: one strongly consistent Query on the group's partition, the
 * sort keys from `DELTA#` up to `GROUP` (in that order, so a reader meets the deltas before the group
 * item). One page unless thousands of deltas are pending.
 */
export async function readGroupPartition(
  tenantId: string,
  groupId: string,
): Promise<{ item?: Record<string, unknown>; deltas: CountDelta[]; deltaKeys: Map<string, string> }> {
  const pk = keys.groupPartition(tenantId, groupId);
  const groupSk = keys.group(tenantId, groupId).sk;
  const deltas: CountDelta[] = [];
  const deltaKeys = new Map<string, string>();
  let item: Record<string, unknown> | undefined;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': keys.countDeltaPrefix, ':to': groupSk },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const found of result.Items ?? []) {
      if (found.sk === groupSk) item = found;
      else if ((found.sk as string).startsWith(keys.countDeltaPrefix)) {
        const delta = deltaOf(found);
        deltas.push(delta);
        deltaKeys.set(delta.id, found.sk as string);
      }
    }
    ExclusiveStartKey = result.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { item, deltas, deltaKeys };
}

/**
 * Folds a group's pending deltas into memberCount, in steps of at most DELTAS_PER_FOLD: one
 * UpdateItem conditioned on the version read (so two folders never count a delta twice, and a
 * rename in between is not overwritten) that adds their sum, adds one to the version per delta and
 * lists their ids; then the deltas are deleted. Deltas the group item already lists are deleted
 * first (a fold that died before its deletes), since the next fold replaces the list. Deltas of a
 * group that is gone are deleted. Safe to run any number of times, concurrently, from anywhere.
 */
export async function foldCounts(tenantId: string, groupId: string): Promise<void> {
  const pk = keys.groupPartition(tenantId, groupId);
  for (let attempt = 1; attempt <= MAX_FOLD_ATTEMPTS; ) {
    const { item, deltas, deltaKeys } = await readGroupPartition(tenantId, groupId);
    const keyOf = (d: CountDelta) => ({ pk, sk: deltaKeys.get(d.id) as string });
    if (!item) {
      // The group is gone: its deltas mean nothing any more.
      await batchDelete(deltas.map(keyOf));
      return;
    }
    const { pending } = countedGroup(item, deltas);
    const settled = deltas.filter((d) => !pending.includes(d));
    if (settled.length > 0) await batchDelete(settled.map(keyOf));
    if (pending.length === 0) return;
    const batch = pending.slice(0, DELTAS_PER_FOLD);
    const now = countedGroup({ ...item, foldedDeltas: [] }, batch).lastModified;
    try {
      await getDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.group(tenantId, groupId),
          UpdateExpression: 'ADD memberCount :sum, version :k SET lastModified = :now, foldedDeltas = :ids',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: {
            ':sum': batch.reduce((s, d) => s + d.delta, 0),
            ':k': batch.length,
            ':now': now,
            ':ids': batch.map((d) => d.id),
            ':version': item.version,
          },
        }),
      );
    } catch (error) {
      // Another writer moved the version first (a fold, a rename, a user's removal): read again,
      // after a short random pause so that racing folds of one group do not collide again in step.
      if (!isRaceLost(error)) throw error;
      attempt++;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      continue;
    }
    await batchDelete(batch.map(keyOf));
    if (pending.length <= DELTAS_PER_FOLD) return;
  }
  throw new FoldContendedError(groupId);
}

/**
 * Every attempt of a fold lost its race to other writers of the group item. Nothing is wrong: the
 * deltas stay counted by every read, and the next fold (the stream consumer's, or the next change's)
 * settles them.
 */
export class FoldContendedError extends Error {
  constructor(groupId: string) {
    super(`count deltas of group ${groupId} not folded after ${MAX_FOLD_ATTEMPTS} attempts`);
    this.name = 'FoldContendedError';
  }
}

function isRaceLost(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException';
}
