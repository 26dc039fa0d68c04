import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditConfig } from '../config/runtime-config';
import type { AuditEntry } from '../domain/audit';
import { WriteConflictError } from '../domain/errors';
import type { SettingsRepository } from '../domain/ports';
import { DEFAULT_SETTINGS, type TenantSettings } from '../domain/settings';
import { auditPut } from './audit-repository';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { cancellationReasons } from './errors';
import { keys } from './keys';
import { transactWrite } from './transact';

/**
 * One item per tenant; absent means the defaults (auto-invite off, no custom attributes). Its
 * `updatedAt` is the revision a save is conditioned on; the save and its audit entry are one transaction.
 */
export class DynamoSettingsRepository implements SettingsRepository {
  private readonly db = getDocumentClient();

  constructor() {
    // The audit retention is read (and checked) at cold start, not at the first save.
    auditConfig();
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async get(tenantId: string): Promise<TenantSettings> {
    return (await this.getForUpdate(tenantId)).settings;
  }

  async getForUpdate(tenantId: string): Promise<{ settings: TenantSettings; revision: string | null }> {
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.settings(tenantId), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item) return { settings: DEFAULT_SETTINGS, revision: null };
    return {
      settings: {
        autoInviteUsers: item.autoInviteUsers as boolean,
        customAttributes: item.customAttributes as TenantSettings['customAttributes'],
        inviteEmail: item.inviteEmail as TenantSettings['inviteEmail'],
      },
      revision: (item.updatedAt as string | undefined) ?? '',
    };
  }

  async put(
    tenantId: string,
    settings: TenantSettings,
    write: { revision: string | null; audit: AuditEntry },
  ): Promise<void> {
    const TableName = tableName();
    // A revision is unique per save: the time of its audit entry and its request id.
    const updatedAt = `${write.audit.at}#${write.audit.requestId}`;
    const condition =
      write.revision === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : write.revision === ''
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(updatedAt)' }
          : {
              ConditionExpression: 'updatedAt = :revision',
              ExpressionAttributeValues: { ':revision': write.revision },
            };
    try {
      await transactWrite([
        {
          Put: {
            TableName,
            Item: { ...keys.settings(tenantId), type: 'settings', ...settings, updatedAt },
            ...condition,
          },
        },
        auditPut(write.audit),
      ]);
    } catch (error) {
      if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) {
        throw new WriteConflictError(`The settings of tenant ${tenantId} changed concurrently; retry`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
