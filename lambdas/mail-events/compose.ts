import { readInviteConfig } from '../config/runtime-config';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';

/**
 * The mail-events function's wiring: the invite service (only its mail-event use case runs here; the
 * mailer and the link keys are never called, but the configuration is checked like everywhere else).
 */
export function mailEventService(): Pick<InviteService, 'onMailEvent'> {
  const settings = new DynamoSettingsRepository();
  return new InviteService(
    settings,
    new DynamoInviteRepository(),
    sesMailer,
    readInviteConfig(),
    new TenantSchemas(settings),
  );
}
