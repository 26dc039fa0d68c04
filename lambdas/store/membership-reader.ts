import type { GroupRef } from '../domain/users';

/** A user's groups (memberships land with the groups issue). */
export async function groupsOfUser(_tenantId: string, _userId: string): Promise<GroupRef[]> {
  return [];
}
