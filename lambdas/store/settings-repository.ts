import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsRepository } from '../domain/ports';
import { DEFAULT_SETTINGS, type TenantSettings } from '../domain/settings';
import { storeBoundary } from './boundary';
import { getDocumentClient, tableName } from './client';
import { keys } from './keys';

/** One item per tenant; absent means the defaults (auto-invite off, no custom attributes). */
export class DynamoSettingsRepository implements SettingsRepository {
  private readonly db = getDocumentClient();

  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the store's error boundary (see boundary.ts)
    return storeBoundary(this);
  }

  async get(tenantId: string): Promise<TenantSettings> {
    const result = await this.db.send(
      new GetCommand({ TableName: tableName(), Key: keys.settings(tenantId), ConsistentRead: true }),
    );
    const item = result.Item;
    if (!item) return DEFAULT_SETTINGS;
    return {
      autoInviteUsers: item.autoInviteUsers as boolean,
      customAttributes: item.customAttributes as TenantSettings['customAttributes'],
      inviteEmail: item.inviteEmail as TenantSettings['inviteEmail'],
    };
  }

  async put(tenantId: string, settings: TenantSettings): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.settings(tenantId),
          type: 'settings',
          ...settings,
          updatedAt: new Date().toISOString(),
        },
      }),
    );
  }
}
