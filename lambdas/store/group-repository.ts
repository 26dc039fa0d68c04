import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorConfig, cursorConfig } from '../config/runtime-config';
import type { GroupRecord } from '../domain/group-record';
import { storedSource } from '../domain/idp';
import type { GroupRepository } from '../domain/ports';
import { fitsKey, STORAGE_LIMITS } from '../domain/storage-limits';
import { externalIdOf } from '../domain/user-record';
import { excerpt } from '../scim/excerpt';
import { foldIdentifier } from '../scim/identifiers';
import { batchGet } from './batch';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { countedGroup, readGroupPartition } from './count-deltas';
import { IndexListing } from './index-listing';
import { keys } from './keys';
import { ListedRepository } from './listed-repository';
import {
  counterUpdate,
  deletionPut,
  edgeIds,
  originStamp,
  type TransactItem,
  writeGuarded,
} from './shared-items';

/**
 * Group items (docs/data-model.md): the group (with its member count), its displayName guard, its
 * externalId edge and the tenant's group counter. Membership edges live in membership-repository.ts.
 */
export class DynamoGroupRepository extends ListedRepository<GroupRecord> implements GroupRepository {
  private readonly db = getDocumentClient();

  /** `cursors`: the paging-cursor key and timeout, read at cold start (fails fast when unset). */
  constructor(cursors: CursorConfig = cursorConfig()) {
    super('groups', new IndexListing('groups', keys.groupsIndexPk, cursors), fromItem);
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async create(group: GroupRecord): Promise<void> {
    const TableName = tableName();
    await this.write(
      [
        { Put: { TableName, Item: toItem(group), ConditionExpression: 'attribute_not_exists(pk)' } },
        guardPut(group),
        ...externalEdge(group, 'put'),
        counterUpdate(group.tenantId, 'groups', 1),
      ],
      group.displayName,
    );
  }

  async get(tenantId: string, id: string): Promise<GroupRecord | undefined> {
    // Ids are UUIDs; a longer one (any path segment) names no group and must not reach DynamoDB.
    if (!fitsKey(id, STORAGE_LIMITS.lookupValueBytes)) return undefined;
    // The group item and the count deltas beside it, in one consistent Query: the count, version and
    // lastModified are exact even when a request died before folding its deltas (count-deltas.ts).
    const { item, deltas } = await readGroupPartition(tenantId, id);
    if (!item) return undefined;
    const { memberCount, version, lastModified } = countedGroup(item, deltas);
    return { ...fromItem(item), memberCount, version, lastModified, itemVersion: item.version as number };
  }

  async getMany(tenantId: string, ids: string[]): Promise<(GroupRecord | undefined)[]> {
    const storable = ids.filter((id) => fitsKey(id, STORAGE_LIMITS.lookupValueBytes));
    const items = await batchGet(storable.map((id) => keys.group(tenantId, id)));
    const found = new Map(
      items.filter((i) => !!i).map((i) => [i?.id as string, fromItem(i as Record<string, unknown>)]),
    );
    return ids.map((id) => found.get(id));
  }

  async findByDisplayName(tenantId: string, displayName: string): Promise<GroupRecord | undefined> {
    if (!fitsKey(foldIdentifier(displayName), STORAGE_LIMITS.nameBytes)) return undefined;
    const guard = await this.db.send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.displayNameGuard(tenantId, displayName),
        ConsistentRead: true,
      }),
    );
    const id = guard.Item?.groupId as string | undefined;
    return id ? this.get(tenantId, id) : undefined;
  }

  async *idsByExternalId(tenantId: string, externalId: string): AsyncGenerator<string[]> {
    if (!fitsKey(externalId, STORAGE_LIMITS.lookupValueBytes)) return;
    yield* edgeIds(keys.externalIdEdgePk(tenantId, 'G', externalId), 'groupId');
  }

  /**
   * Attribute change (rename, externalId) conditioned on the version read; memberCount untouched.
   * The condition is on the group item's own version (pending count deltas are not on it).
   */
  async replaceAttributes(previous: GroupRecord, next: GroupRecord): Promise<void> {
    const TableName = tableName();
    const itemVersion = previous.itemVersion ?? previous.version;
    const { origin } = originStamp();
    const items: TransactItem[] = [
      {
        Update: {
          TableName,
          Key: keys.group(next.tenantId, next.id),
          UpdateExpression: `SET displayName = :name, #attributes = :attributes, lastModified = :now, version = :next, gsi1sk = :gsi1sk${origin ? ', origin = :origin' : ''}`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#attributes': 'attributes' },
          ExpressionAttributeValues: {
            ':name': next.displayName,
            ':attributes': next.attributes,
            ':now': next.lastModified,
            ':next': itemVersion + (next.version - previous.version),
            ':version': itemVersion,
            ':gsi1sk': keys.groupsIndex(next.tenantId, next.displayName, next.id).gsi1sk,
            ...(origin ? { ':origin': origin } : {}),
          },
        },
      },
    ];
    if (
      keys.displayNameGuard(previous.tenantId, previous.displayName).pk !==
      keys.displayNameGuard(next.tenantId, next.displayName).pk
    ) {
      items.push(guardDelete(previous), guardPut(next));
    }
    if (externalIdOf(previous.attributes) !== externalIdOf(next.attributes)) {
      items.push(...externalEdge(previous, 'delete'), ...externalEdge(next, 'put'));
    }
    await this.write(items, next.displayName);
  }

  /** Removes the group item, its guard, its externalId edge and counts it out; members are swept separately. */
  async delete(group: GroupRecord): Promise<void> {
    await this.write(
      [
        {
          Delete: {
            TableName: tableName(),
            Key: keys.group(group.tenantId, group.id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        guardDelete(group),
        ...externalEdge(group, 'delete'),
        counterUpdate(group.tenantId, 'groups', -1),
        // group.deleted ends every membership: no member event per swept edge (docs/events.md).
        deletionPut({
          tenantId: group.tenantId,
          resourceType: 'Group',
          id: group.id,
          externalId: externalIdOf(group.attributes),
          attributes: { displayName: group.displayName, ...group.attributes },
          sourceIdp: group.source.idp,
        }),
      ],
      group.displayName,
    );
  }

  private write(items: TransactItem[], displayName: string): Promise<void> {
    return writeGuarded(items, `displayName '${excerpt(displayName)}' is already taken in this tenant`);
  }
}

function toItem(group: GroupRecord): Record<string, unknown> {
  return {
    ...keys.group(group.tenantId, group.id),
    ...keys.groupsIndex(group.tenantId, group.displayName, group.id),
    type: 'group',
    tenantId: group.tenantId,
    id: group.id,
    displayName: group.displayName,
    attributes: group.attributes,
    memberCount: group.memberCount,
    created: group.created,
    lastModified: group.lastModified,
    version: group.version,
    source: group.source,
    ...originStamp(),
  };
}

export function fromItem(item: Record<string, unknown>): GroupRecord {
  return {
    tenantId: item.tenantId as string,
    id: item.id as string,
    displayName: item.displayName as string,
    attributes: (item.attributes as Record<string, unknown>) ?? {},
    memberCount: (item.memberCount as number | undefined) ?? 0,
    created: item.created as string,
    lastModified: item.lastModified as string,
    version: item.version as number,
    // Groups written before they had a source read as Okta's (docs/decisions.md).
    source: storedSource(item.source),
  };
}

function guardPut(group: GroupRecord): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.displayNameGuard(group.tenantId, group.displayName),
        type: 'displayNameGuard',
        groupId: group.id,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function guardDelete(group: GroupRecord): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.displayNameGuard(group.tenantId, group.displayName),
      ConditionExpression: 'groupId = :id',
      ExpressionAttributeValues: { ':id': group.id },
    },
  };
}

function externalEdge(group: GroupRecord, action: 'put' | 'delete'): TransactItem[] {
  const externalId = externalIdOf(group.attributes);
  if (!externalId) return [];
  const key = keys.externalIdEdge(group.tenantId, 'G', externalId, group.id);
  return action === 'put'
    ? [{ Put: { TableName: tableName(), Item: { ...key, type: 'externalIdEdge', groupId: group.id } } }]
    : [{ Delete: { TableName: tableName(), Key: key } }];
}
