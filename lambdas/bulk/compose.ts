import { BulkService } from '../domain/bulk';
import { GroupService } from '../domain/groups';
import { TenantSchemas } from '../domain/tenant-schemas';
import { UserService } from '../domain/users';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** The bulk function's wiring: the bulk use case over the same user and group use cases as /Users and /Groups. */
export function bulkService(): BulkService {
  const users = new DynamoUserRepository();
  const groups = new DynamoGroupRepository();
  const memberships = new DynamoMembershipRepository();
  return new BulkService(
    new UserService(users, groups, memberships, new TenantSchemas(new DynamoSettingsRepository())),
    new GroupService(groups, memberships, users),
  );
}
