import { DirectoryService } from '../domain/directory';
import { TenantSchemas } from '../domain/tenant-schemas';
import { UserService } from '../domain/users';
import { DynamoConsoleReads } from '../store/console-reads';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** The directory function's wiring: reads only (no mailer, no invitation settings or link keys). */
export function directoryService(): DirectoryService {
  const schemas = new TenantSchemas(new DynamoSettingsRepository());
  const users = new DynamoUserRepository();
  const groups = new DynamoGroupRepository();
  return new DirectoryService(
    users,
    groups,
    schemas,
    new DynamoConsoleReads(),
    // The user's detail shows it as SCIM reads it: the SCIM use case itself.
    new UserService(users, groups, new DynamoMembershipRepository(), schemas),
  );
}
