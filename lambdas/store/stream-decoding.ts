import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { DeletionRecord, MembershipChange, StoredChange } from '../domain/change-events';
import { originOf } from '../domain/write-origin';
import { getDocumentClient, tableName } from './client';
import { fromItem as groupFromItem } from './group-repository';
import { keys } from './keys';
import { userFromItem } from './user-repository';

/**
 * The table's stream records in the domain's words (lambdas/domain/change-events.ts): each record is
 * decoded once, by item type, into the records before and after the write and the write's origin.
 * Records of other item types, and the REMOVE of a delta or tombstone (a fold's clean-up, the TTL),
 * decode to undefined: nothing to do.
 */
export function decodeStreamRecord(record: DynamoDBRecord): StoredChange | undefined {
  const after = itemOf(record.dynamodb?.NewImage);
  const before = itemOf(record.dynamodb?.OldImage);
  const type = (after ?? before)?.type;
  switch (type) {
    case 'user':
      return {
        kind: 'user',
        before: before && userFromItem(before),
        after: after && userFromItem(after),
        origin: originOf(after?.origin),
      };
    case 'group':
      return {
        kind: 'group',
        before: before && groupFromItem(before),
        after: after && groupFromItem(after),
        origin: originOf(after?.origin),
      };
    case 'countDelta':
      return record.eventName === 'INSERT' && after ? membershipChangeOf(after) : undefined;
    case 'deletion':
      return record.eventName === 'INSERT' && after ? deletionOf(after) : undefined;
    default:
      return undefined;
  }
}

function itemOf(image: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return image ? unmarshall(repaired(image) as never) : undefined;
}

/**
 * An image with every attribute value that names no type (`{}`: how the DynamoDB Streams client of
 * the local poller hands back an empty list) read as an empty list; Lambda's JSON records never hold one.
 */
function repaired(image: Record<string, unknown>): Record<string, unknown> {
  const value = (v: unknown): unknown => {
    if (!v || typeof v !== 'object') return v;
    const typed = v as Record<string, unknown>;
    if (Object.keys(typed).length === 0) return { L: [] };
    if (Array.isArray(typed.L)) return { L: typed.L.map(value) };
    if (typed.M && typeof typed.M === 'object') return { M: repaired(typed.M as Record<string, unknown>) };
    return v;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, value(v)]));
}

const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** A delta item; deltas written before they named their group or their edges: its key, no edges. */
export function membershipChangeOf(item: Record<string, unknown>): MembershipChange {
  let tenantId = item.tenantId;
  let groupId = item.groupId;
  if (typeof tenantId !== 'string' || typeof groupId !== 'string') {
    const match = /^T#([^#]+)#G#([^#]+)$/.exec(String(item.pk));
    if (!match) throw new Error(`not a count delta: ${String(item.pk)}`);
    [, tenantId, groupId] = match;
  }
  return {
    kind: 'membership',
    tenantId: tenantId as string,
    groupId: groupId as string,
    deltaId: String(item.sk).slice(keys.countDeltaPrefix.length),
    added: ids(item.added),
    removed: ids(item.removed),
    at: typeof item.at === 'string' ? item.at : new Date(0).toISOString(),
    ...(typeof item.externalId === 'string' ? { externalId: item.externalId } : {}),
    origin: originOf(item.origin),
  };
}

function deletionOf(item: Record<string, unknown>): DeletionRecord {
  return {
    kind: 'deletion',
    tenantId: item.tenantId as string,
    resourceType: item.resourceType === 'Group' ? 'Group' : 'User',
    id: item.resourceId as string,
    externalId: typeof item.externalId === 'string' ? item.externalId : null,
    attributes: (item.attributes as Record<string, unknown> | undefined) ?? {},
    ...(typeof item.sourceIdp === 'string' ? { sourceIdp: item.sourceIdp } : {}),
    at: item.at as string,
    origin: originOf(item.origin),
  };
}

/**
 * The externalId of a group, for member events of deltas that do not carry it; null when the group has
 * none or is gone (then its group.deleted event follows). One eventually consistent GetItem.
 */
export async function groupExternalIdOf(tenantId: string, groupId: string): Promise<string | null> {
  const result = await getDocumentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.group(tenantId, groupId),
      ProjectionExpression: '#attributes.externalId',
      ExpressionAttributeNames: { '#attributes': 'attributes' },
    }),
  );
  const externalId = (result.Item?.attributes as Record<string, unknown> | undefined)?.externalId;
  return typeof externalId === 'string' && externalId.length > 0 ? externalId : null;
}
