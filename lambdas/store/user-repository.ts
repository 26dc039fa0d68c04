import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorConfig, cursorConfig } from '../config/runtime-config';
import { storedSource } from '../domain/idp';
import type { UserRepository } from '../domain/ports';
import { fitsKey, STORAGE_LIMITS } from '../domain/storage-limits';
import { emailKeys, externalIdOf, primaryEmailOf, type UserRecord } from '../domain/user-record';
import { excerpt } from '../scim/excerpt';
import { foldIdentifier } from '../scim/identifiers';
import { batchGet } from './batch';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
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
 * The users' single-table items (docs/data-model.md): the user item, its userName guard, its email
 * and externalId lookup edges and the tenant's user counter, always written in one transaction.
 * Storage errors become domain errors here (guard taken -> UniquenessError, version moved ->
 * WriteConflictError; anything else -> StorageFailureError at the boundary).
 */
export class DynamoUserRepository extends ListedRepository<UserRecord> implements UserRepository {
  private readonly db = getDocumentClient();

  /** `cursors`: the paging-cursor key and timeout, read at cold start (fails fast when unset). */
  constructor(cursors: CursorConfig = cursorConfig()) {
    super('users', new IndexListing('users', keys.usersIndexPk, cursors), userFromItem);
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async create(user: UserRecord): Promise<void> {
    const TableName = tableName();
    const items: TransactItem[] = [
      { Put: { TableName, Item: toItem(user), ConditionExpression: 'attribute_not_exists(pk)' } },
      guardPut(user),
      ...edgePuts(user, emailKeys(user.attributes), externalIdOf(user.attributes)),
      counterUpdate(user.tenantId, 'users', 1),
    ];
    await this.write(items, user.userName);
  }

  async get(tenantId: string, id: string): Promise<UserRecord | undefined> {
    // Ids are UUIDs; a longer one (any path segment) names no user and must not reach DynamoDB.
    if (!fitsKey(id, STORAGE_LIMITS.lookupValueBytes)) return undefined;
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.user(tenantId, id), ConsistentRead: true }),
    );
    return result.Item ? userFromItem(result.Item) : undefined;
  }

  async getMany(tenantId: string, ids: string[]): Promise<UserRecord[]> {
    const storable = ids.filter((id) => fitsKey(id, STORAGE_LIMITS.lookupValueBytes));
    const items = await batchGet(storable.map((id) => keys.user(tenantId, id)));
    return items.filter((i): i is Record<string, unknown> => !!i).map(userFromItem);
  }

  /** Okta's lookup before create: one strongly consistent read of the guard, one of the user. */
  async findByUserName(tenantId: string, userName: string): Promise<UserRecord | undefined> {
    if (!fitsKey(foldIdentifier(userName), STORAGE_LIMITS.nameBytes)) return undefined;
    const guard = await this.db.send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.userNameGuard(tenantId, userName),
        ConsistentRead: true,
      }),
    );
    const id = guard.Item?.userId as string | undefined;
    return id ? this.get(tenantId, id) : undefined;
  }

  /** Ids of the users with this email (any case) or externalId, page by page from the lookup edges. */
  async *idsByEdge(tenantId: string, edge: 'email' | 'externalId', value: string): AsyncGenerator<string[]> {
    if (!fitsKey(edge === 'email' ? value.toLowerCase() : value, STORAGE_LIMITS.lookupValueBytes)) return;
    const pk =
      edge === 'email' ? keys.emailEdgePk(tenantId, value) : keys.externalIdEdgePk(tenantId, 'U', value);
    yield* edgeIds(pk, 'userId');
  }

  /**
   * Writes `next` over `previous`: the user item conditioned on the version read (optimistic
   * concurrency), and the guard / lookup edges moved only where they changed — one transaction.
   */
  async replace(previous: UserRecord, next: UserRecord): Promise<void> {
    const TableName = tableName();
    const items: TransactItem[] = [
      {
        Put: {
          TableName,
          Item: toItem(next),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': previous.version },
        },
      },
    ];
    if (
      keys.userNameGuard(previous.tenantId, previous.userName).pk !==
      keys.userNameGuard(next.tenantId, next.userName).pk
    ) {
      items.push(guardDelete(previous), guardPut(next));
    } else if (previous.userName !== next.userName) {
      // Same guard, new spelling: nothing to move (the guard holds the id, not the spelling).
    }
    const oldEmails = emailKeys(previous.attributes);
    const newEmails = emailKeys(next.attributes);
    const oldExternal = externalIdOf(previous.attributes);
    const newExternal = externalIdOf(next.attributes);
    items.push(
      ...edgeDeletes(
        previous,
        oldEmails.filter((e) => !newEmails.includes(e)),
        oldExternal !== newExternal ? oldExternal : undefined,
      ),
      ...edgePuts(
        next,
        newEmails.filter((e) => !oldEmails.includes(e)),
        oldExternal !== newExternal ? newExternal : undefined,
      ),
    );
    await this.write(items, next.userName);
  }

  async delete(user: UserRecord): Promise<void> {
    const TableName = tableName();
    await this.write(
      [
        {
          Delete: {
            TableName,
            Key: keys.user(user.tenantId, user.id),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': user.version },
          },
        },
        guardDelete(user),
        ...edgeDeletes(user, emailKeys(user.attributes), externalIdOf(user.attributes)),
        counterUpdate(user.tenantId, 'users', -1),
        deletionPut({
          tenantId: user.tenantId,
          resourceType: 'User',
          id: user.id,
          externalId: externalIdOf(user.attributes),
          attributes: user.attributes,
          sourceIdp: user.source.idp,
        }),
      ],
      user.userName,
    );
  }

  private write(items: TransactItem[], userName: string): Promise<void> {
    // Item 0 is always the user item: its condition failing means someone else wrote it first.
    return writeGuarded(items, `userName '${excerpt(userName)}' is already taken in this tenant`);
  }
}

function toItem(user: UserRecord): Record<string, unknown> {
  // Every write of a user is a whole Put of this item: the GSI2 keys follow the email, and go with it.
  const email = primaryEmailOf(user.attributes);
  return {
    ...keys.user(user.tenantId, user.id),
    ...keys.usersIndex(user.tenantId, user.userName, user.id),
    ...(email ? keys.usersByEmailIndex(user.tenantId, email, user.id) : {}),
    type: 'user',
    tenantId: user.tenantId,
    id: user.id,
    userName: user.userName,
    attributes: user.attributes,
    active: user.active,
    created: user.created,
    lastModified: user.lastModified,
    version: user.version,
    source: user.source,
    ...originStamp(),
  };
}

export function userFromItem(item: Record<string, unknown>): UserRecord {
  const attributes = item.attributes as Record<string, unknown>;
  // Users written before `active` could be unassigned kept a default `active: true` outside their
  // attributes; they read as assigned true (now `active` is true only when assigned).
  const legacyActive = item.active === true && attributes.active === undefined;
  return {
    tenantId: item.tenantId as string,
    id: item.id as string,
    userName: item.userName as string,
    attributes: legacyActive ? { ...attributes, active: true } : attributes,
    active: item.active as boolean,
    created: item.created as string,
    lastModified: item.lastModified as string,
    version: item.version as number,
    source: storedSource(item.source),
  };
}

function guardPut(user: UserRecord): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.userNameGuard(user.tenantId, user.userName), type: 'userNameGuard', userId: user.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function guardDelete(user: UserRecord): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.userNameGuard(user.tenantId, user.userName),
      ConditionExpression: 'userId = :id',
      ExpressionAttributeValues: { ':id': user.id },
    },
  };
}

function edgePuts(user: UserRecord, emails: string[], externalId: string | undefined): TransactItem[] {
  const TableName = tableName();
  const puts: TransactItem[] = emails.map((email) => ({
    Put: {
      TableName,
      Item: { ...keys.emailEdge(user.tenantId, email, user.id), type: 'emailEdge', userId: user.id },
    },
  }));
  if (externalId) {
    puts.push({
      Put: {
        TableName,
        Item: {
          ...keys.externalIdEdge(user.tenantId, 'U', externalId, user.id),
          type: 'externalIdEdge',
          userId: user.id,
        },
      },
    });
  }
  return puts;
}

function edgeDeletes(user: UserRecord, emails: string[], externalId: string | undefined): TransactItem[] {
  const TableName = tableName();
  const deletes: TransactItem[] = emails.map((email) => ({
    Delete: { TableName, Key: keys.emailEdge(user.tenantId, email, user.id) },
  }));
  if (externalId) {
    deletes.push({
      Delete: { TableName, Key: keys.externalIdEdge(user.tenantId, 'U', externalId, user.id) },
    });
  }
  return deletes;
}
