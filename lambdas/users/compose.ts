import { TenantSchemas } from '../domain/tenant-schemas';
import { UserService } from '../domain/users';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** The users function's wiring: the user use cases over the DynamoDB repositories. */
export function userService(): UserService {
  return new UserService(
    new DynamoUserRepository(),
    new DynamoGroupRepository(),
    new DynamoMembershipRepository(),
    new TenantSchemas(new DynamoSettingsRepository()),
  );
}
