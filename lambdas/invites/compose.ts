import { type CursorConfig, readLinkKeySource } from '../config/runtime-config';
import { InviteLinks } from '../domain/invite-links';
import { DynamoInviteRepository } from '../store/invite-repository';
import { DynamoUserRepository } from '../store/user-repository';

/**
 * This function reads one user by id and never pages: its user repository gets a cursor
 * configuration that refuses to be used, so the function needs no paging-cursor key.
 */
const NO_PAGING: CursorConfig = {
  key: () => Promise.reject(new Error('The invites function does not page')),
  timeoutSeconds: 0,
  nowSeconds: () => Date.now() / 1000,
};

/**
 * The public invitation link's wiring: the link keys (INVITE_LINK_KEYS_SECRET_ARN, or INVITE_LINK_KEYS
 * locally; checked at cold start), invites, users. No sender or template: this function sends nothing.
 */
export function inviteLinks(): InviteLinks {
  return new InviteLinks(
    readLinkKeySource(process.env),
    new DynamoInviteRepository(),
    new DynamoUserRepository(NO_PAGING),
  );
}
