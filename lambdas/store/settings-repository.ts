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
 * How long a warm function reuses a tenant's settings (and the User schema built from them) before
 * reading the item again: a save made by another function (or another instance of this one) is seen
 * within this time (docs/decisions.md, "Settings and schema cached for 5 s"). A save made in this
 * process is seen at once: it bumps `writeVersion`, which every cached entry is checked against
 * (locally every handler runs in one process, so a save is visible to the very next request).
 */
export const SETTINGS_CACHE_MS = 5_000;
let writeVersion = 0;
const cached = new Map<string, { settings: TenantSettings; version: number; readAt: number }>();
/** Tenants in the cache before it is emptied (a function serves few tenants; this bounds memory). */
const MAX_CACHED_TENANTS = 1_000;

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

  /** The settings as of at most SETTINGS_CACHE_MS ago (any save in this process: as of now). */
  async get(tenantId: string): Promise<TenantSettings> {
    // Keyed by table too: tests run several tables (fresh services) in one process.
    const key = `${tableName()}/${tenantId}`;
    const hit = cached.get(key);
    const now = Date.now();
    if (hit && hit.version === writeVersion && now - hit.readAt < SETTINGS_CACHE_MS) return hit.settings;
    // The version before the read: a save that lands during it leaves this entry stale at once.
    const version = writeVersion;
    const { settings } = await this.getForUpdate(tenantId);
    if (cached.size >= MAX_CACHED_TENANTS) cached.clear();
    cached.set(key, { settings, version, readAt: now });
    return settings;
  }

  /** Always read from the table, strongly consistent (a save is conditioned on its revision). */

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
      // Bumped before and after the write: no read overlapping it is cached as current.
      writeVersion++;
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
      writeVersion++;
    } catch (error) {
      writeVersion++;
      if (cancellationReasons(error)?.includes('ConditionalCheckFailed')) {
        throw new WriteConflictError(`The settings of tenant ${tenantId} changed concurrently; retry`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
