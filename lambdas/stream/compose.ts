import { readEventBusName, readInviteConfig } from '../config/runtime-config';
import { InviteService } from '../domain/invites';
import type { EventPublisher } from '../domain/ports';
import { TenantSchemas } from '../domain/tenant-schemas';
import { EventBridgePublisher } from '../events/eventbridge-publisher';
import { sesMailer } from '../mail/ses-mailer';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoMembershipRepository } from '../store/membership-repository';
import { DynamoSettingsRepository } from '../store/settings-repository';
import { groupExternalIdOf } from '../store/stream-decoding';

/** The stream consumer's wiring; the invitation settings and the bus name are read (and checked) at cold start. */
export function inviteService(): InviteService {
  const settings = new DynamoSettingsRepository();
  return new InviteService(
    settings,
    new DynamoInviteRepository(),
    sesMailer,
    readInviteConfig(),
    new TenantSchemas(settings),
  );
}

/**
 * Store maintenance (no rule of the domain is involved): folding member-count deltas, and sweeping a
 * deleted group's edges once its tombstone arrives, so a DELETE whose own sweep was cut short (a
 * fault, a crash) leaves nothing behind even when the IdP never retries it.
 */
export function memberCounts() {
  const memberships = new DynamoMembershipRepository();
  return {
    fold: (tenantId: string, groupId: string) => memberships.foldCounts(tenantId, groupId),
    sweepDeletedGroup: (tenantId: string, groupId: string) => memberships.removeAllOf(tenantId, groupId),
  };
}

/** The change events' way out (EventBridge) and the one lookup a member event may need. */
export function changeEvents(): {
  publisher: EventPublisher;
  groupExternalId: (tenantId: string, groupId: string) => Promise<string | null>;
} {
  return {
    publisher: new EventBridgePublisher({ busName: readEventBusName() }),
    groupExternalId: groupExternalIdOf,
  };
}
