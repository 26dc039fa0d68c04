import { readInviteConfig } from '../config/runtime-config';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoInviteRepository } from '../store/invite-repository';
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
