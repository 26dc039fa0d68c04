import type { ResendResult, ResolveResult } from '../contract/admin-api';
import { InviteComplainedError } from '../domain/invites';
import { resolveInputOf } from '../http/admin-input';
import { inviteView } from '../http/admin-views';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { invitationService } from './compose';

/**
 * The console's invitation actions for one user (admin API): the `${variables}` preview, as the
 * invitation would resolve them, and the invitation re-send (SES). The only admin function that holds
 * the mailer and the invitation link keys (docs/decisions.md, "The invitations function").
 */
const invitations = invitationService();

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/users/{userId}/resolve`]: {
    POST: async (request) => {
      const { template } = resolveInputOf(parseJsonBody(request));
      const resolved = await invitations.resolve(tenantOf(request), request.pathParameters.userId, template);
      return { status: 200, body: resolved satisfies ResolveResult };
    },
  },
  [`${ADMIN_BASE}/users/{userId}/invite`]: {
    POST: async (request) => {
      try {
        const invite = await invitations.resendInvite(tenantOf(request), request.pathParameters.userId);
        return { status: 200, body: { invite: inviteView(invite) } satisfies ResendResult };
      } catch (error) {
        // Its own code, so the console can say why (any other conflict is the mapper's 409 conflict).
        if (error instanceof InviteComplainedError) {
          return { status: 409, body: { error: 'invite_complained', message: error.message } };
        }
        throw error;
      }
    },
  },
});
