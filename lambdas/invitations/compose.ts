import { type CursorConfig, readInviteConfig } from '../config/runtime-config';
import { InvitationService } from '../domain/invitations';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { DynamoUserRepository } from '../store/user-repository';

/**
 * This function reads one user by id and never pages: its user repository gets a cursor
 * configuration that refuses to be used, so the function needs no paging-cursor key.
 */
const NO_PAGING: CursorConfig = {
  key: () => Promise.reject(new Error('The invitations function does not page')),
  timeoutSeconds: 0,
  nowSeconds: () => Date.now() / 1000,
};

/**
 * The invitations function's wiring: the invitation settings (sender, link template, link keys) are
 * read (and checked) at cold start; SES sends the re-sent invitation.
 */
export function invitationService(): InvitationService {
  const settings = new DynamoSettingsRepository();
  const schemas = new TenantSchemas(settings);
  const invites = new InviteService(
    settings,
    new DynamoInviteRepository(),
    sesMailer,
    readInviteConfig(),
    schemas,
  );
  return new InvitationService(new DynamoUserRepository(NO_PAGING), settings, invites, schemas);
}
