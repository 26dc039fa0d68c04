import type { GroupRef } from '../domain/users';
import { DynamoGroupRepository } from './group-repository';
import { DynamoMembershipRepository } from './membership-repository';

const memberships = new DynamoMembershipRepository();
const groups = new DynamoGroupRepository();

/**
 * A user's groups for `GET /Users/{id}` (RFC 7643 §4.1.2, readOnly, type "direct"): the reverse edges
 * in the user's partition plus one BatchGet of those groups for their names — O(1 + the user's groups).
 * Edges of groups deleted meanwhile are dropped here (lazy cleanup).
 */
export async function groupsOfUser(tenantId: string, userId: string): Promise<GroupRef[]> {
  const refs: GroupRef[] = [];
  for await (const ids of memberships.groupIdsOf(tenantId, userId)) {
    const found = await groups.getMany(tenantId, ids);
    const stale = ids.filter((_, i) => !found[i]);
    if (stale.length > 0) await memberships.dropStaleReverseEdges(tenantId, userId, stale);
    for (const group of found) if (group) refs.push({ value: group.id, display: group.displayName });
  }
  return refs;
}

/** Removes a deleted user from every group it was in, fixing the counts; safe to repeat. */
export function removeUserFromAllGroups(tenantId: string, userId: string): Promise<void> {
  return memberships.removeUserEverywhere(tenantId, userId, new Date().toISOString());
}

/**
 * Keeps the `display` of a user's memberships (shown in GET /Groups/{id} members) in step with the
 * user: call after a user write changed displayName (or userName when it has none). Safe to repeat.
 */
export function refreshMemberDisplay(tenantId: string, userId: string, display: string): Promise<void> {
  return memberships.refreshDisplay(tenantId, userId, display);
}
