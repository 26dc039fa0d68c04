import { excerpt, excerptList } from '../scim/excerpt';
import { InvalidInputError, NotFoundError } from './errors';
import type { InviteService } from './invites';
import type { InviteRecord, SettingsRepository, UserRepository } from './ports';
import { knownVariables } from './settings';
import { resolveTemplate, variablesIn } from './templates';
import type { TenantSchemas } from './tenant-schemas';
import { assertTenantId } from './tokens';
import type { UserRecord } from './user-record';
import { userVariables } from './user-variables';

/**
 * The console's invitation use cases for one user: the live preview of `${variables}` (as the
 * invitation would fill them in) and the invitation re-send. Apart from the directory's listings so
 * that only the function serving these (lambdas/invitations/) holds the mailer and the link keys.
 */
export class InvitationService {
  constructor(
    private readonly users: UserRepository,
    private readonly settings: SettingsRepository,
    private readonly invites: InviteService,
    private readonly schemas: TenantSchemas,
  ) {}

  /**
   * Resolves a template for one user, as the invitation would: every variable must be known (standard,
   * the tenant's custom attributes, or the invitation's `${inviteLink}` and `${tenantId}`, filled in as
   * this user's invitation would be); known ones without a value resolve to "" and are reported.
   */
  async resolve(
    tenantId: string,
    userId: string,
    template: string,
  ): Promise<{ result: string; missing: string[] }> {
    const user = await this.requireUser(tenantId, userId);
    const tenantSettings = await this.settings.get(user.tenantId);
    // The invitation's own variables too: the Edit Settings preview shows the invitation as sent.
    const known = knownVariables(tenantSettings.customAttributes, true);
    const unknown = variablesIn(template).filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new InvalidInputError(`Unknown variable(s): ${excerptList(unknown.map((v) => `\${${v}}`))}`);
    }
    const schema = await this.schemas.userSchema(user.tenantId);
    return resolveTemplate(template, {
      ...userVariables(user, tenantSettings.customAttributes, schema),
      ...this.invites.inviteValues(user),
    });
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
