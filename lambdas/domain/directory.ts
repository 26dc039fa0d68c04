import { excerpt, excerptList } from '../scim/excerpt';
import { InvalidInputError, NotFoundError } from './errors';
import type { GroupRecord } from './group-record';
import type { InviteService } from './invites';
import type { CursorPage, GroupRepository, InviteRecord, SettingsRepository, UserRepository } from './ports';
import { knownVariables } from './settings';
import { resolveTemplate, variablesIn } from './templates';
import type { TenantSchemas } from './tenant-schemas';
import { assertTenantId } from './tokens';
import type { UserRecord } from './user-record';
import { userVariables } from './user-variables';

/** A console listing's page size: 1–200, 50 when not given. */
export const CONSOLE_PAGE = { default: 50, max: 200 } as const;

/** A user as the console shows it, with its invitation. */
export interface UserDetail {
  user: UserRecord;
  invite: InviteRecord | undefined;
}

/**
 * The console's view of a tenant's directory (users with their source and invitation, groups with
 * member counts), the live preview of `${variables}` for one user, and the invitation re-send.
 */
export class DirectoryService {
  constructor(
    private readonly users: UserRepository,
    private readonly groups: GroupRepository,
    private readonly settings: SettingsRepository,
    private readonly invites: InviteService,
    private readonly schemas: TenantSchemas,
  ) {}

  async listUsers(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<UserRecord>> {
    return this.users.pageByCursor(assertTenantId(tenantId), limit, cursor);
  }

  async listGroups(
    tenantId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CursorPage<GroupRecord>> {
    return this.groups.pageByCursor(assertTenantId(tenantId), limit, cursor);
  }

  async userDetail(tenantId: string, userId: string): Promise<UserDetail> {
    const user = await this.requireUser(tenantId, userId);
    return { user, invite: await this.invites.state(user.tenantId, user.id) };
  }

  /**
   * Resolves a template for one user, as the invitation would: every variable must be known (standard
   * or the tenant's custom attributes); known ones without a value resolve to "" and are reported.
   */
  async resolve(
    tenantId: string,
    userId: string,
    template: string,
  ): Promise<{ result: string; missing: string[] }> {
    const user = await this.requireUser(tenantId, userId);
    const tenantSettings = await this.settings.get(user.tenantId);
    const known = knownVariables(tenantSettings.customAttributes, false);
    const unknown = variablesIn(template).filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new InvalidInputError(`Unknown variable(s): ${excerptList(unknown.map((v) => `\${${v}}`))}`);
    }
    const schema = await this.schemas.userSchema(user.tenantId);
    return resolveTemplate(template, userVariables(user, tenantSettings.customAttributes, schema));
  }

  /** Sends the invitation again, whatever its state (unless a send is in flight: WriteConflictError). */
  async resendInvite(tenantId: string, userId: string): Promise<InviteRecord | undefined> {
    return this.invites.resend(await this.requireUser(tenantId, userId));
  }

  private async requireUser(tenantId: string, userId: string): Promise<UserRecord> {
    const tenant = assertTenantId(tenantId);
    const user = await this.users.get(tenant, userId);
    if (!user) throw new NotFoundError(`User ${excerpt(userId)} not found in tenant ${tenant}`);
    return user;
  }
}
