import { readInviteConfig } from '../config/runtime-config';
import { DirectoryService } from '../domain/directory';
import { InviteService } from '../domain/invites';
import { TenantSchemas } from '../domain/tenant-schemas';
import { UserService } from '../domain/users';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoConsoleReads } from '../store/console-reads';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
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
  const users = new DynamoUserRepository();
  const groups = new DynamoGroupRepository();
  return new DirectoryService(
    users,
    groups,
    settings,
    invites,
    schemas,
    new DynamoConsoleReads(),
    // The user's detail shows it as SCIM reads it: the SCIM use case itself.
    new UserService(users, groups, new DynamoMembershipRepository(), schemas),
  );
}
