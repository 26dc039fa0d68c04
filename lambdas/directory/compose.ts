import { readInviteConfig } from '../config/runtime-config';
import { DirectoryService } from '../domain/directory';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** The directory function's wiring; the invitation settings are read (and checked) at cold start. */
export function directoryService(): DirectoryService {
  const settings = new DynamoSettingsRepository();
  const schemas = new TenantSchemas(settings);
  const invites = new InviteService(
    settings,
    new DynamoInviteRepository(),
    sesMailer,
    readInviteConfig(),
    schemas,
  );
  return new DirectoryService(
    new DynamoUserRepository(),
    new DynamoGroupRepository(),
    settings,
    invites,
    schemas,
  );
}
