import { MailEvents } from '../domain/invites';
import { DynamoInviteRepository } from '../store/invite-repository';

/** The mail-events function's wiring: only the invite records (no mailer, template or link keys). */
export function mailEventService(): MailEvents {
  return new MailEvents(new DynamoInviteRepository());
}
