import { GroupService } from '../domain/groups';
import { DynamoGroupRepository } from '../store/group-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoUserRepository } from '../store/user-repository';

/** The groups function's wiring: the group use cases over the DynamoDB repositories. */
export function groupService(): GroupService {
  return new GroupService(
    new DynamoGroupRepository(),
    new DynamoMembershipRepository(),
    new DynamoUserRepository(),
  );
}
