import { readInviteConfig } from '../config/runtime-config';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { sesMailer } from '../mail/ses-mailer';
import { groupOfDelta } from '../store/count-deltas';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';

/** The stream consumer's wiring; the invitation settings are read (and checked) at cold start. */
export function inviteService(): InviteService {
  const settings = new DynamoSettingsRepository();
  return new InviteService(
    settings,
    new DynamoInviteRepository(),
    sesMailer,
    readInviteConfig(),
    new TenantSchemas(settings),
  );
}

/** Folding of member-count deltas (store maintenance: no rule of the domain is involved). */
export function memberCounts() {
  const memberships = new DynamoMembershipRepository();
  return {
    groupOf: groupOfDelta,
    fold: (tenantId: string, groupId: string) => memberships.foldCounts(tenantId, groupId),
  };
}
